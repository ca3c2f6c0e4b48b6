package cognito_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/logging"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/policy"
)

var prodPolicy = cognito.PasswordPolicy{MinimumLength: 12, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 3}

// leakWatch is a client whose every output is captured: its log, the SDK's own log with
// request and response bodies asked for, and what it tells Observe. Its passwords come from a
// seeded source, so the test knows the password it will generate.
type leakWatch struct {
	c        *cognito.Client
	password string
	log      logBuffer
	sdkLog   logBuffer
}

func watch(t *testing.T, srv *cognitotest.Server, seed uint64) *leakWatch {
	t.Helper()
	w := &leakWatch{}
	pw, err := cognito.GeneratePassword(rand.NewChaCha8(chachaSeed(seed)), prodPolicy)
	if err != nil {
		t.Fatal(err)
	}
	w.password = pw.Reveal()
	conf := cfg()
	conf.ClientLogMode = aws.LogRequest | aws.LogRequestWithBody | aws.LogResponse | aws.LogResponseWithBody | aws.LogRetries
	conf.Logger = logging.LoggerFunc(func(_ logging.Classification, format string, v ...any) {
		_, _ = fmt.Fprintf(&w.sdkLog, format+"\n", v...)
	})
	w.c = cognito.New(conf, cognito.Options{
		Endpoint: srv.URL(), Retryer: noBackoff(), Logger: w.log.logger(),
		Rand:    rand.NewChaCha8(chachaSeed(seed)),
		Observe: func(op string, _ time.Duration, code string) { w.log.logger().Info("observed", "op", op, "code", code) },
	})
	return w
}

func chachaSeed(n uint64) [32]byte {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(n >> (8 * i))
	}
	return s
}

func (w *leakWatch) check(t *testing.T, outputs ...string) {
	t.Helper()
	if !strings.Contains(w.sdkLog.String(), "AdminSetUserPassword") {
		t.Fatalf("the SDK logged no request: the test would prove nothing\n%s", w.sdkLog.String())
	}
	for name, out := range map[string]string{"client log": w.log.String(), "SDK log": w.sdkLog.String()} {
		if strings.Contains(out, w.password) {
			t.Errorf("the password is in the %s:\n%s", name, out)
		}
	}
	for _, out := range outputs {
		if strings.Contains(out, w.password) {
			t.Errorf("the password is in %q", out)
		}
	}
}

func TestPasswordNeverLeaks(t *testing.T) {
	t.Run("set", func(t *testing.T) {
		srv := fake(t, user("alice"))
		w := watch(t, srv, 1)
		res, err := w.c.SetTemporaryPassword(t.Context(), prod, "alice")
		if err != nil {
			t.Fatal(err)
		}
		if res.Password.Reveal() != w.password {
			t.Fatalf("generated %q, the test expected %q", res.Password.Reveal(), w.password)
		}
		j, _ := json.Marshal(res)
		w.check(t, fmt.Sprintf("%v %+v %#v %s %q %x", res, res, res, res.Password, res.Password, res.Password), string(j))
	})
	t.Run("set through the directory", func(t *testing.T) {
		srv := fake(t, user("alice"))
		w := watch(t, srv, 4)
		res, err := cognito.NewDirectory(w.c).Run(t.Context(), prod, approval.User{Username: "alice"}, policy.ActionTempPassword)
		if err != nil {
			t.Fatal(err)
		}
		if res.Password.Reveal() != w.password {
			t.Fatalf("generated %q, the test expected %q", res.Password.Reveal(), w.password)
		}
		j, _ := json.Marshal(res)
		var logged strings.Builder
		slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", "result", res)
		slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "result", res, "password", res.Password)
		outputs := []string{fmt.Sprintf("%v", res), fmt.Sprintf("%+v %#v %s", res, res, res.Password), string(j), logged.String()}
		w.check(t, outputs...)
		for _, out := range outputs {
			if !strings.Contains(out, "[REDACTED]") {
				t.Errorf("%q does not show [REDACTED] where the password is", out)
			}
		}
	})
	t.Run("rejected", func(t *testing.T) {
		srv := fake(t, user("alice"))
		srv.Inject(cognitotest.Fault{Op: "AdminSetUserPassword", Code: "InvalidPasswordException", Message: "Password does not conform to policy"})
		w := watch(t, srv, 2)
		_, err := w.c.SetPermanentPassword(t.Context(), prod, "alice")
		wantCode(t, err, approval.EPASSWORD)
		w.check(t, err.Error(), fmt.Sprintf("%+v", err))
	})
	t.Run("failed through the directory", func(t *testing.T) {
		srv := fake(t, user("alice"))
		srv.Inject(cognitotest.Fault{Op: "AdminSetUserPassword", Code: "InternalErrorException"})
		w := watch(t, srv, 3)
		_, err := cognito.NewDirectory(w.c).Run(t.Context(), prod, approval.User{Username: "alice"}, policy.ActionTempPassword)
		wantDomainCode(t, err, approval.EUNKNOWN)
		w.check(t, err.Error(), approval.ErrorMessage(err), fmt.Sprintf("%#v", err))
	})
}

func TestSecretIsRedacted(t *testing.T) {
	srv := fake(t, user("alice"))
	res, err := client(t, srv, cognito.Options{}).SetTemporaryPassword(t.Context(), prod, "alice")
	if err != nil {
		t.Fatal(err)
	}
	s := res.Password
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "password", s, "result", res)
	text, _ := s.MarshalText()
	j, _ := json.Marshal(map[string]any{"p": s})
	for _, out := range []string{s.String(), s.GoString(), fmt.Sprint(s), fmt.Sprintf("%d|%v|%s", s, s, s), logged.String(), string(text), string(j)} {
		if strings.Contains(out, s.Reveal()) || !strings.Contains(out, "[REDACTED]") {
			t.Errorf("%q shows the password or is not redacted", out)
		}
	}
}
