package cognito_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/cognito/cognitotest"
)

func TestErrorClassification(t *testing.T) {
	tests := []struct {
		awsCode, awsMessage string
		status              int
		code                string
		message             string
		typed               func(error) bool // the SDK decoded it to its type
	}{
		{"UserNotFoundException", "User does not exist.", 0, approval.ENOTFOUND, "no such user in pool prod", isA[*types.UserNotFoundException]},
		{"InvalidParameterException", "Cannot reset password for the user as there is no registered/verified email or phone_number", 0, approval.ENOVERIFIEDCONTACT, "no verified email or phone number", isA[*types.InvalidParameterException]},
		{"InvalidParameterException", "1 validation error detected", 0, approval.EINVALID, "refused the request as invalid", isA[*types.InvalidParameterException]},
		{"InvalidPasswordException", "Password does not conform to policy", 0, approval.EPASSWORD, "password policy of pool prod", nil}, // not in AdminResetUserPassword's model: generic,
		{"NotAuthorizedException", "User is disabled.", 0, approval.EINVALID, "disabled", isA[*types.NotAuthorizedException]},
		{"NotAuthorizedException", "User password cannot be reset in the current state.", 0, approval.EINVALID, "temporary password instead", isA[*types.NotAuthorizedException]},
		{"NotAuthorizedException", "Something else.", 0, approval.EINVALID, "refused to do that", isA[*types.NotAuthorizedException]},
		{"AccessDeniedException", "User: arn:aws:sts::1:assumed-role/bot is not authorized to perform: cognito-idp:AdminResetUserPassword", 0, approval.EIAM, "cognito-idp:AdminResetUserPassword on pool prod", nil},
		{"UnrecognizedClientException", "The security token included in the request is invalid.", 0, approval.EIAM, "refused the bot's credentials", nil},
		{"ExpiredTokenException", "The security token included in the request is expired", 0, approval.EIAM, "credentials", nil},
		{"ResourceNotFoundException", "User pool eu-west-1_Prod1 does not exist.", 0, approval.EPOOLNOTFOUND, "no user pool eu-west-1_Prod1 in region eu-west-1", isA[*types.ResourceNotFoundException]},
		{"TooManyRequestsException", "Too many requests", 0, approval.ETHROTTLED, "throttling", isA[*types.TooManyRequestsException]},
		{"LimitExceededException", "Attempt limit exceeded", 0, approval.ETHROTTLED, "throttling", isA[*types.LimitExceededException]},
		{"CodeDeliveryFailureException", "Unable to deliver", 0, approval.EDELIVERY, "could not deliver", nil}, // likewise,
		{"InvalidEmailRoleAccessPolicyException", "no SES", 0, approval.EDELIVERY, "send email for pool prod", isA[*types.InvalidEmailRoleAccessPolicyException]},
		{"InvalidSmsRoleAccessPolicyException", "no SNS", 0, approval.EDELIVERY, "text messages for pool prod", isA[*types.InvalidSmsRoleAccessPolicyException]},
		{"InvalidSmsRoleTrustRelationshipException", "no trust", 0, approval.EDELIVERY, "text messages for pool prod", isA[*types.InvalidSmsRoleTrustRelationshipException]},
		{"InternalErrorException", "Internal server error.", 500, approval.EINTERNAL, "internal error", isA[*types.InternalErrorException]},
		{"UserLambdaValidationException", "PreX failed", 0, approval.EINTERNAL, "Lambda trigger of pool prod refused", isA[*types.UserLambdaValidationException]},
		{"UnexpectedLambdaException", "boom", 0, approval.EINTERNAL, "Lambda trigger of pool prod failed", isA[*types.UnexpectedLambdaException]},
		{"InvalidLambdaResponseException", "bad", 0, approval.EINTERNAL, "Lambda trigger of pool prod failed", isA[*types.InvalidLambdaResponseException]},
		{"SomethingNewException", "?", 0, approval.EINTERNAL, "does not know (SomethingNewException)", nil},
	}
	for _, tc := range tests {
		t.Run(tc.awsCode+" "+tc.awsMessage, func(t *testing.T) {
			srv := fake(t, user("alice", "email", "alice@example.com", "email_verified", "true"))
			srv.Inject(cognitotest.Fault{Op: "AdminResetUserPassword", Code: tc.awsCode, Message: tc.awsMessage, Status: tc.status})
			c := client(t, srv, cognito.Options{Retryer: aws.NopRetryer{}})
			_, err := c.ResetPassword(t.Context(), prod, "alice")
			e := wantCode(t, err, tc.code)
			if !strings.Contains(e.Message, tc.message) {
				t.Errorf("message %q, want it to contain %q", e.Message, tc.message)
			}
			if e.AWSCode != tc.awsCode || e.Op != "AdminResetUserPassword" || !uuidPattern.MatchString(e.RequestID) {
				t.Errorf("log fields: AWS code %q, op %q, request id %q", e.AWSCode, e.Op, e.RequestID)
			}
			if tc.typed != nil && !tc.typed(err) {
				t.Errorf("the SDK did not decode %s to its type", tc.awsCode)
			}
			for _, want := range []string{tc.awsCode, e.RequestID, "AdminResetUserPassword", tc.code} {
				if !strings.Contains(e.Error(), want) {
					t.Errorf("Error() = %q lacks %q", e.Error(), want)
				}
			}
			if strings.Contains(e.Message, tc.awsMessage) {
				t.Errorf("message %q repeats AWS's text", e.Message)
			}
		})
	}
}

func isA[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

func TestErrorsWithoutAnAnswer(t *testing.T) {
	srv := fake(t, user("alice"))
	t.Run("deadline", func(t *testing.T) {
		srv.SetLatency(time.Hour)
		t.Cleanup(srv.ClearFaults)
		c := client(t, srv, cognito.Options{CallTimeout: 20 * time.Millisecond})
		_, err := c.GlobalSignOut(t.Context(), prod, "alice")
		e := wantCode(t, err, approval.EINTERNAL)
		if !strings.Contains(e.Message, "did not answer within 20ms") || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error = %v", e)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := client(t, srv, cognito.Options{}).GlobalSignOut(ctx, prod, "alice")
		if e := wantCode(t, err, approval.EINTERNAL); !strings.Contains(e.Message, "cancelled") {
			t.Errorf("error = %v", e)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		gone := cognitotest.New()
		gone.Close()
		_, err := client(t, gone, cognito.Options{Retryer: aws.NopRetryer{}}).GlobalSignOut(t.Context(), prod, "alice")
		if e := wantCode(t, err, approval.EINTERNAL); !strings.Contains(e.Message, "no usable answer") {
			t.Errorf("error = %v", e)
		}
	})
	t.Run("not JSON", func(t *testing.T) {
		proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html>proxy error</html>"))
		}))
		t.Cleanup(proxy.Close)
		c := cognito.New(cfg(), cognito.Options{Endpoint: proxy.URL, Retryer: aws.NopRetryer{}})
		_, err := c.GlobalSignOut(t.Context(), prod, "alice")
		if e := wantCode(t, err, approval.EINTERNAL); !strings.Contains(e.Message, "no usable answer") {
			t.Errorf("error = %v", e)
		}
	})
}
