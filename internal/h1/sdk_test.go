package h1

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/policy"
)

var prod = policy.Pool{Name: "prod", ID: "eu-west-1_Prod1", Region: "eu-west-1"}

// counting is a listener that counts the connections it accepted.
type counting struct {
	net.Listener
	n atomic.Int64
}

func (l *counting) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// fakeCognito starts the fake Cognito with alice in the prod pool, counting its connections.
func fakeCognito(t *testing.T) (*cognitotest.Server, *counting) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &counting{Listener: l}
	return seeded(t, cl), cl
}

// seeded starts the fake Cognito on l with alice in the prod pool.
func seeded(t *testing.T, l net.Listener) *cognitotest.Server {
	t.Helper()
	srv := cognitotest.New(cognitotest.WithListener(l))
	t.Cleanup(srv.Close)
	srv.MustLoad(t, cognitotest.Seed{Pools: []cognitotest.SeedPool{{
		ID: prod.ID, Name: prod.Name, AccountRecovery: []string{"verified_email"},
		Groups: []cognitotest.SeedGroup{{Name: "support"}},
		Users: []cognitotest.SeedUser{{Username: "alice", Password: "Old-password-1234", Groups: []string{"support"},
			Attributes: map[string]string{"email": "alice@example.com", "email_verified": "true"}}},
	}}})
	return srv
}

// sdkClient is the Cognito adapter, on the real AWS SDK, calling srv through tr.
func sdkClient(srv *cognitotest.Server, tr *Transport) *cognito.Client {
	return sdkClientAt(srv.URL(), tr)
}

// sdkClientAt is the Cognito adapter calling endpoint through tr.
func sdkClientAt(endpoint string, tr *Transport) *cognito.Client {
	return cognito.New(aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "not-a-secret", ""),
		HTTPClient:  &http.Client{Transport: tr},
	}, cognito.Options{Endpoint: endpoint, Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	})})
}

// TestSDKReusesConnections: the AWS SDK reads every answer to its end, so its calls one after
// another share one connection, and calls at once open no more connections than they are.
func TestSDKReusesConnections(t *testing.T) {
	srv, conns := fakeCognito(t)
	c := sdkClient(srv, transport(t, nil, Config{MaxIdle: 32}))
	for range 10 {
		if u, err := c.Lookup(t.Context(), prod, "alice"); err != nil || len(u.Groups) != 1 {
			t.Fatalf("Lookup = %+v, %v", u, err)
		}
	}
	if n := conns.n.Load(); n > 2 {
		t.Errorf("%d connections for 10 lookups one after another (two calls at once each), want at most 2", n)
	}
	const workers = 16
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range 10 {
				if _, err := c.Lookup(t.Context(), prod, "alice"); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if n := conns.n.Load(); n > 2*workers {
		t.Errorf("%d connections for %d workers' lookups (two calls at once each), want at most %d", n, workers, 2*workers)
	}
}

// TestSDKConnectionLostAfterActing: a reset whose connection is lost after Cognito acted is
// reported as unsure and not sent again; the next call works.
func TestSDKConnectionLostAfterActing(t *testing.T) {
	srv, _ := fakeCognito(t)
	c := sdkClient(srv, transport(t, nil, Config{}))
	if _, err := c.Lookup(t.Context(), prod, "alice"); err != nil {
		t.Fatal(err)
	}
	srv.Inject(cognitotest.Fault{Op: "AdminResetUserPassword", Hangup: true, Times: 1})
	_, err := c.ResetPassword(t.Context(), prod, "alice")
	var ce *cognito.Error
	if !errors.As(err, &ce) || ce.Unsure == "" {
		t.Fatalf("ResetPassword = %v, want an unsure failure", err)
	}
	if n := srv.Calls("AdminResetUserPassword"); n != 1 {
		t.Errorf("Cognito got %d reset calls, want 1", n)
	}
	if _, err := c.Lookup(t.Context(), prod, "alice"); err != nil {
		t.Errorf("Lookup after the lost connection: %v", err)
	}
}

// TestSDKCancelledWhileWaiting: a call whose deadline passes while Cognito has not answered
// fails with the deadline, and its connection is not used again.
func TestSDKCancelledWhileWaiting(t *testing.T) {
	srv, conns := fakeCognito(t)
	tr := transport(t, nil, Config{})
	c := sdkClient(srv, tr)
	if _, err := c.Lookup(t.Context(), prod, "alice"); err != nil {
		t.Fatal(err)
	}
	before := conns.n.Load()
	srv.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Lookup(ctx, prod, "alice"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lookup = %v, want the deadline", err)
	}
	if n := tr.pool.count(); n != 0 {
		t.Errorf("%d idle connections after calls that timed out, want 0", n)
	}
	srv.SetLatency(0)
	if _, err := c.Lookup(t.Context(), prod, "alice"); err != nil {
		t.Fatal(err)
	}
	if n := conns.n.Load(); n <= before {
		t.Errorf("no new connection after the calls that timed out (%d before, %d after)", before, n)
	}
}

// TestSDKOverTLS: the AWS SDK over TLS, as against AWS: the calls share their connections,
// and a connection opened after the first resumes its TLS session.
func TestSDKOverTLS(t *testing.T) {
	// httptest's certificate, valid for 127.0.0.1.
	cert := httptest.NewUnstartedServer(nil)
	cert.StartTLS()
	certs, roots := cert.TLS.Certificates, x509.NewCertPool()
	roots.AddCert(cert.Certificate())
	cert.Close()

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &counting{Listener: l}
	var resumed atomic.Int64
	seeded(t, tls.NewListener(cl, &tls.Config{Certificates: certs, MinVersion: tls.VersionTLS12,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if cs.DidResume {
				resumed.Add(1)
			}
			return nil
		}}))
	tr := transport(t, nil, Config{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}})
	c := sdkClientAt("https://"+l.Addr().String(), tr)
	for range 10 {
		if u, err := c.Lookup(t.Context(), prod, "alice"); err != nil || len(u.Groups) != 1 {
			t.Fatalf("Lookup = %+v, %v", u, err)
		}
	}
	if n := cl.n.Load(); n > 2 {
		t.Errorf("%d connections for 10 lookups one after another (two calls at once each), want at most 2", n)
	}
	tr.CloseIdleConnections()
	if _, err := c.Lookup(t.Context(), prod, "alice"); err != nil {
		t.Fatal(err)
	}
	if resumed.Load() == 0 {
		t.Error("no connection resumed a TLS session")
	}
}
