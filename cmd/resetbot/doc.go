// Command resetbot is the Slack bot with which support engineers get Amazon Cognito
// passwords reset under an approval policy.
//
//	resetbot [serve]      run the bot (the default)
//	resetbot check        preflight: tokens, scopes, policy, pools, store
//	resetbot policy ...   test and check a policy file without Slack or AWS
//	resetbot version      print the version
//
// Configuration comes from RESETBOT_* environment variables (see Config, or resetbot --help).
// main only wires: it reads the configuration once, builds the adapters in App and runs them.
// To add a subcommand, add a row to the table in commands.go.
package main
