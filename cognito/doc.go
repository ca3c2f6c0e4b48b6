// Package cognito is resetbot's adapter to Amazon Cognito user pools: it looks users up and
// performs the admin actions the bot runs, through aws-sdk-go-v2.
//
// A Client (New) holds one SDK client for every pool: each call is made in its pool's region,
// under a deadline (Options.CallTimeout), with the SDK's standard retryer (throttling is
// retried), and is reported to Options.Observe for metrics. AdminResetUserPassword, which
// sends a new code each time, is retried only when Cognito cannot have acted on the failed
// attempt (throttled, or never reached), so a user never gets a second code that voids the
// first. AdminSetUserPassword is retried, as setting a password twice is harmless; a retry
// that a pool's password history refuses found the password set by the attempt whose answer
// was lost, and counts as done. Its methods:
//
//   - Lookup finds a user by username, email (ListUsers, email = "...") or sub, with their
//     status, contacts and groups.
//   - ResetPassword (AdminResetUserPassword), SetTemporaryPassword and SetPermanentPassword
//     (AdminSetUserPassword with a generated password), VerifyContact (AdminUpdateUserAttributes
//     *_verified=true) and GlobalSignOut (AdminUserGlobalSignOut) change a user.
//   - PasswordPolicy reads a pool's password policy (DescribeUserPool, cached).
//   - Preflight checks the bot can reach a pool, for the check command.
//
// Directory wraps a Client as the approval workflow's approval.Directory. Every failure is an
// *Error whose Code is one of approval's error codes and whose Message is plain words fit for
// Slack; the AWS error code, the request id and the SDK's error are kept for the log. The
// Directory hands them on as *approval.Error.
//
// Generated passwords come from GeneratePassword (crypto/rand, uniform, every character class,
// at least 20 characters) and travel as a secret.Secret (internal/secret), which prints, logs
// and marshals as "[REDACTED]": only its Reveal shows one. The SDK is never allowed to log
// request or response bodies.
//
// # Extending
//
// To call another Cognito API action: add it to operations in operations.go (calls of any
// action missing there are refused before they leave, and the IAM policy in deploy/ is tested
// against Operations), make the call through call() so it gets the deadline, region and error
// classification, and add the action to the fake in cognito/cognitotest. To classify another
// AWS error, add a rule to rules in errors.go. To give the workflow another action, add it to
// runners in directory.go.
package cognito
