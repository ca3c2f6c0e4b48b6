// Package policycmd is the `resetbot policy` command: it answers questions about a policy file
// without Slack or AWS, so that a security reviewer can test a policy before it ships.
//
//	resetbot policy check -f policy.yaml [--strict]
//	resetbot policy test  -f policy.yaml --requester U1 --groups S1,@support --action reset \
//	    --pool prod --target-groups customers [--approver U2 --approver-groups @leads] \
//	    [--approvals U3] [--team T --enterprise E --channel C --ticket SUP-1 --reason ... --verified-by callback]
//
// check validates the file and prints what each rule does in plain words; test prints the
// decision for one request: allowed or denied, by which rule, who may approve, and what the
// request still lacks. Exit status: 0 valid or allowed, 1 denied (or the approver may not
// approve), 2 an invalid file or a wrong command line.
//
// To add a subcommand, add an entry to the table in subcommands (run.go) with its own file.
// Its output is tested by a golden file under testdata (go test ./policy/policycmd -update).
package policycmd
