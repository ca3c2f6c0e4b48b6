package cognito

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/policy"
)

// TestUndeclaredOperationIsRefused shows a call of an operation missing from Operations()
// fails before it leaves the process.
func TestUndeclaredOperationIsRefused(t *testing.T) {
	srv := cognitotest.New()
	t.Cleanup(srv.Close)
	c := New(aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")},
		Options{Endpoint: srv.URL()})
	pool := policy.Pool{ID: "us-east-1_X"}
	_, err := call(t.Context(), c, pool, func(ctx context.Context, o func(*cip.Options)) (*cip.CreateUserPoolOutput, error) {
		return c.api.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("x")}, o)
	})
	if !errors.Is(err, errUndeclared) {
		t.Fatalf("err = %v, want it refused", err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != approval.EINTERNAL || e.Op != "CreateUserPool" {
		t.Errorf("error = %+v", e)
	}
	if n := srv.Calls("CreateUserPool"); n != 0 {
		t.Errorf("the fake received %d CreateUserPool calls", n)
	}
}

func TestRegion(t *testing.T) {
	tests := []struct {
		pool policy.Pool
		want string
	}{
		{policy.Pool{ID: "eu-west-1_AbC", Region: "eu-central-1"}, "eu-central-1"},
		{policy.Pool{ID: "eu-west-1_AbC"}, "eu-west-1"},
		{policy.Pool{ID: "local_AbC"}, "local"},
		{policy.Pool{}, ""},
	}
	for _, tc := range tests {
		if got := region(tc.pool); got != tc.want {
			t.Errorf("region(%+v) = %q, want %q", tc.pool, got, tc.want)
		}
	}
}
