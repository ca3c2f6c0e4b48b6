package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/policy"
)

// iamProbe tries one cognito-idp action on a user that does not exist. IAM decides before
// Cognito looks the user up, so the answer is AccessDeniedException when the bot's role may
// not call the action, and UserNotFoundException (or another refusal of the input) when it
// may; the pool is not changed either way.
type iamProbe func(ctx context.Context, api *cip.Client, poolID, user string, region func(*cip.Options)) error

// readOperations are the operations of the read-only actions (policy.ActionSpec): all a dry
// run needs.
func readOperations() []string {
	var ops []string
	for _, s := range policy.Specs() {
		if s.ReadOnly {
			ops = append(ops, s.Operations...)
		}
	}
	return ops
}

// iamProbes has a probe for every action the cognito package can call (a test holds it to
// cognito.Operations()). DescribeUserPool is checked before, by the pool's own preflight.
var iamProbes = map[string]iamProbe{
	"ListUsers": func(ctx context.Context, api *cip.Client, pool, user string, o func(*cip.Options)) error {
		_, err := api.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: &pool, Limit: aws.Int32(1),
			Filter: aws.String(fmt.Sprintf("username = %q", user))}, o)
		return err
	},
	"AdminGetUser": func(ctx context.Context, api *cip.Client, pool, user string, o func(*cip.Options)) error {
		_, err := api.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: &pool, Username: &user}, o)
		return err
	},
	"AdminListGroupsForUser": func(ctx context.Context, api *cip.Client, pool, user string, o func(*cip.Options)) error {
		_, err := api.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: &pool, Username: &user}, o)
		return err
	},
	"AdminResetUserPassword": func(ctx context.Context, api *cip.Client, pool, user string, o func(*cip.Options)) error {
		_, err := api.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: &pool, Username: &user}, o)
		return err
	},
	"AdminSetUserPassword": func(ctx context.Context, api *cip.Client, pool, user string, o func(*cip.Options)) error {
		// A password no one will ever hold: the user does not exist.
		password := "Rb-" + rand.Text() + "-x9"
		_, err := api.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: &pool, Username: &user,
			Password: &password, Permanent: false}, o)
		return err
	},
	"AdminUpdateUserAttributes": func(ctx context.Context, api *cip.Client, pool, user string, o func(*cip.Options)) error {
		_, err := api.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: &pool, Username: &user,
			UserAttributes: []types.AttributeType{{Name: aws.String("email_verified"), Value: aws.String("true")}}}, o)
		return err
	},
	"AdminUserGlobalSignOut": func(ctx context.Context, api *cip.Client, pool, user string, o func(*cip.Options)) error {
		_, err := api.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: &pool, Username: &user}, o)
		return err
	},
}

// probeUsername is a user no pool has, different on every run.
func probeUsername() string { return "resetbot-check-" + strings.ToLower(rand.Text()) }

// newProbeClient is a plain Cognito client with the bot's credentials and endpoint.
func newProbeClient(awsCfg aws.Config, endpoint string) *cip.Client {
	return cip.NewFromConfig(awsCfg, func(o *cip.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
		// The probes carry a password: never let the SDK log bodies.
		o.ClientLogMode &^= aws.LogRequestWithBody | aws.LogResponseWithBody
		cognito.WithOwnBody(o)
	})
}

// missingActions probes every action the bot needs on pool (the read-only ones only in a dry
// run) and returns those IAM refuses, sorted; err is set when a probe could not tell.
func missingActions(ctx context.Context, api *cip.Client, pool policy.Pool, dryRun bool) ([]string, error) {
	user := probeUsername()
	inRegion := func(o *cip.Options) {
		if pool.Region != "" {
			o.Region = pool.Region
		}
	}
	reads := readOperations()
	var missing []string
	for _, op := range slices.Sorted(func(yield func(string) bool) {
		for op := range iamProbes {
			if !yield(op) {
				return
			}
		}
	}) {
		if dryRun && !slices.Contains(reads, op) {
			continue
		}
		err := iamProbes[op](ctx, api, pool.ID, user, inRegion)
		var ae smithy.APIError
		switch {
		case err == nil:
		case errors.As(err, &ae) && ae.ErrorCode() == "AccessDeniedException":
			missing = append(missing, "cognito-idp:"+op)
		case errors.As(err, &ae):
			// Any other answer came from past IAM: the role may call the action.
		default:
			return missing, fmt.Errorf("trying cognito-idp:%s: %w", op, err)
		}
	}
	return missing, nil
}
