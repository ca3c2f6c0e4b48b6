// Package cognitotest is a fake Amazon Cognito user-pool service for tests and local runs.
//
// It speaks Cognito's wire protocol (AWS JSON 1.1: a POST to "/" whose X-Amz-Target header
// names the operation), so any AWS client can be pointed at it: the Go SDK in tests, the AWS
// CLI or another language's SDK against the standalone command in cmd/fakecognito. State is in
// memory. It behaves as Cognito's API reference says, with Cognito's error codes and messages:
// after AdminResetUserPassword a user is RESET_REQUIRED and sign-in fails with
// PasswordResetRequiredException until ConfirmForgotPassword; a reset of a user with no verified
// email or phone fails with InvalidParameterException, and one of a user who never chose a
// password (FORCE_CHANGE_PASSWORD) with NotAuthorizedException; the pool's password policy is
// enforced (InvalidPasswordException); a temporary password leads to FORCE_CHANGE_PASSWORD and
// the NEW_PASSWORD_REQUIRED challenge and expires after the pool's TemporaryPasswordValidityDays.
//
// Operations served: CreateUserPool, DescribeUserPool, CreateUserPoolClient, AdminCreateUser,
// AdminGetUser, ListUsers (filters and pagination), AdminUpdateUserAttributes, AdminDisableUser,
// AdminEnableUser, CreateGroup, AdminAddUserToGroup, AdminListGroupsForUser (pagination),
// AdminResetUserPassword, AdminSetUserPassword, AdminUserGlobalSignOut, InitiateAuth
// (USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH), RespondToAuthChallenge (NEW_PASSWORD_REQUIRED),
// ForgotPassword and ConfirmForgotPassword. Admin operations must carry a Signature Version 4
// Authorization header for cognito-idp, and its region must be the pool's (the prefix of the
// pool id); the signature itself is not checked. App clients with a secret require SECRET_HASH.
//
// Where the fake differs from Cognito: tokens are opaque strings, not JWTs; MFA, SRP, Lambda
// triggers and custom attribute schemas are not modelled (any custom:name is accepted); a pool
// whose account recovery is admin_only answers a reset like a user with no verified contact.
//
// # In tests
//
//	srv := cognitotest.New()
//	t.Cleanup(srv.Close)
//	seed := srv.MustLoad(t, cognitotest.Seed{Pools: []cognitotest.SeedPool{{
//		ID: "eu-west-1_Test1", Name: "test",
//		Users: []cognitotest.SeedUser{{Username: "alice", Password: "Correct-horse-1",
//			Attributes: map[string]string{"email": "alice@example.com", "email_verified": "true"}}},
//	}}})
//	// point the SDK at srv.URL() (BaseEndpoint), run the code under test, then:
//	srv.Calls("AdminResetUserPassword") // how many calls arrived
//	srv.Code("eu-west-1_Test1", "alice") // the last code sent to alice
//	srv.Sent("eu-west-1_Test1", "alice") // every message sent to alice, and where it went
//
// Faults: Throttle(n) answers the next n calls with TooManyRequestsException, FailInternal(n)
// with InternalErrorException, Inject(Fault{Op, Code, ...}) fails an operation with any error
// code (e.g. AccessDeniedException) or, with Hangup, carries the call out and closes the connection
// without an answer, SetLatency holds every call, ClearFaults undoes them all.
//
// # Seed file
//
// The standalone command loads a seed file (-seed file.json); ParseSeed reads the same format:
//
//	{
//	  "pools": [{
//	    "id": "eu-west-1_Example1",
//	    "name": "prod",
//	    "passwordPolicy": {"minimumLength": 12, "requireUppercase": true, "requireLowercase": true,
//	                       "requireNumbers": true, "requireSymbols": true,
//	                       "temporaryPasswordValidityDays": 7},
//	    "accountRecovery": ["verified_email", "verified_phone_number"],
//	    "clients": [{"id": "exampleclient0000000000001", "name": "web"}],
//	    "groups": [{"name": "admins"}],
//	    "users": [{
//	      "username": "alice",
//	      "password": "Correct-horse-battery-1",
//	      "status": "CONFIRMED",
//	      "attributes": {"email": "alice@example.com", "email_verified": "true"},
//	      "groups": ["admins"]
//	    }]
//	  }]
//	}
//
// Every field but a pool's name and a user's username may be left out: ids are made up (and
// printed by the command), the password policy is Cognito's default, account recovery is the
// legacy order (SMS, then email), clients allow USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH,
// users are CONFIRMED and enabled ("disabled": true disables one). Passwords must satisfy the
// pool's policy; a FORCE_CHANGE_PASSWORD user's password is their temporary one.
//
// # Extending
//
// To serve another operation, write its handler (decode the input struct, act on the state
// under the server's lock, return the output or an *apiError worded as Cognito words it) in the
// ops_*.go file of its kind, add it to the operations table in server.go, and add a case to the
// contract suite in contract_test.go so it is held to cognito-local where that implements it.
package cognitotest
