package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/policy"
)

// AWSConfig is the AWS configuration of everything in the demo that calls the fake Cognito:
// made-up static credentials, so that no credential of the machine is read or sent, and no
// endpoint but the fake's is ever called (each client sets it).
func AWSConfig() aws.Config {
	return aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("DEMOACCESSKEY", "demo-secret-not-a-real-key", ""),
	}
}

// CognitoUser is a user of a demo pool as the side panel shows it.
type CognitoUser struct {
	Pool          string   `json:"pool"`
	Username      string   `json:"username"`
	Status        string   `json:"status"`
	Enabled       bool     `json:"enabled"`
	Email         string   `json:"email,omitempty"`
	EmailVerified bool     `json:"email_verified"`
	Phone         string   `json:"phone,omitempty"`
	PhoneVerified bool     `json:"phone_verified"`
	Groups        []string `json:"groups,omitempty"`
	Note          string   `json:"note,omitempty"`
}

// directory reads the demo pools' users from the fake Cognito, as an operator would with
// ListUsers. These calls are the page's, not the bot's: the call log leaves them out.
type directory struct {
	api   *cip.Client
	pools []policy.Pool
	admin []string // the groups of the admin demo user
}

func newDirectory(endpoint string, ws Workspace) *directory {
	api := cip.NewFromConfig(AWSConfig(), func(o *cip.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		cognito.WithOwnBody(o)
	})
	return &directory{api: api, pools: ws.Pools, admin: ws.DenyGroups}
}

// users lists every user of every pool, by pool then username.
func (d *directory) users(ctx context.Context) ([]CognitoUser, error) {
	var out []CognitoUser
	for _, p := range d.pools {
		region := p.Region
		if region == "" {
			region, _, _ = strings.Cut(p.ID, "_")
		}
		pages := cip.NewListUsersPaginator(d.api, &cip.ListUsersInput{UserPoolId: aws.String(p.ID)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx, func(o *cip.Options) { o.Region = region })
			if err != nil {
				return nil, fmt.Errorf("listing the users of pool %s: %w", p.Name, err)
			}
			for _, u := range page.Users {
				cu := CognitoUser{Pool: p.Name, Username: aws.ToString(u.Username), Status: string(u.UserStatus), Enabled: u.Enabled}
				for _, a := range u.Attributes {
					switch aws.ToString(a.Name) {
					case "email":
						cu.Email = aws.ToString(a.Value)
					case "email_verified":
						cu.EmailVerified = aws.ToString(a.Value) == "true"
					case "phone_number":
						cu.Phone = aws.ToString(a.Value)
					case "phone_number_verified":
						cu.PhoneVerified = aws.ToString(a.Value) == "true"
					}
				}
				if du, ok := demoUserNamed(cu.Username); ok {
					cu.Note = du.state
					if du.admin {
						cu.Groups = d.admin
					}
				}
				out = append(out, cu)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b CognitoUser) int {
		return strings.Compare(a.Pool+"\x00"+a.Username, b.Pool+"\x00"+b.Username)
	})
	return out, nil
}
