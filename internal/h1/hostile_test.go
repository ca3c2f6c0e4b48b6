package h1

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// rawServer answers every connection's first request with what answer writes to it, then
// closes the connection.
func rawServer(t *testing.T, answer func(w io.Writer) error) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		_ = l.Close()
		<-done
	})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			if _, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
				_ = answer(c)
			}
			_ = c.Close()
		}
	}()
	return "http://" + l.Addr().String()
}

// repeat writes head, then s until the client closes the connection.
func repeat(head, s string) func(io.Writer) error {
	return func(w io.Writer) error {
		if _, err := io.WriteString(w, head); err != nil {
			return err
		}
		for {
			if _, err := io.WriteString(w, s); err != nil {
				return err
			}
		}
	}
}

func write(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

// TestHostileAnswers: answers that are not HTTP, never end their headers, or end early fail
// the call (they neither hang nor grow memory without bound) and leave no connection idle.
func TestHostileAnswers(t *testing.T) {
	for _, tc := range []struct {
		name     string
		answer   func(io.Writer) error
		wantErr  error  // one of the two
		wantText string // in the error
		inBody   bool   // the failure shows reading the body
	}{
		{name: "not HTTP", answer: write("SSH-2.0-OpenSSH_9.2\r\n\r\n"), wantText: "malformed HTTP"},
		{name: "endless header lines", answer: repeat("HTTP/1.1 200 OK\r\n", "X-A: aaaaaaaaaaaaaaaa\r\n"), wantErr: errHeadersTooLong},
		{name: "endless header line", answer: repeat("HTTP/1.1 200 OK\r\nX-A: ", "aaaaaaaaaaaaaaaa"), wantErr: errHeadersTooLong},
		{name: "endless status line", answer: repeat("HTTP/1.1 200 ", "OK OK OK OK OK OK"), wantErr: errHeadersTooLong},
		{name: "closed before answering", answer: write(""), wantErr: errClosedBeforeAnswer},
		{name: "closed in the headers", answer: write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"), wantErr: io.ErrUnexpectedEOF},
		{name: "endless 1xx", answer: repeat("", "HTTP/1.1 100 Continue\r\n\r\n"), wantErr: errTooManyInformational},
		{name: "body shorter than its length", answer: write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"),
			wantErr: io.ErrUnexpectedEOF, inBody: true},
		{name: "bad chunk", answer: write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
			wantText: "invalid byte in chunk length", inBody: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := rawServer(t, tc.answer)
			tr := transport(t, nil, Config{MaxResponseHeaderBytes: 4 << 10})
			req, err := http.NewRequestWithContext(t.Context(), "GET", url, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := tr.RoundTrip(req)
			if tc.inBody {
				if err != nil {
					t.Fatalf("RoundTrip = %v, want the failure in the body", err)
				}
				_, err = io.ReadAll(resp.Body)
				_ = resp.Body.Close()
			} else if err == nil {
				_ = resp.Body.Close()
				t.Fatalf("RoundTrip answered %d, want an error", resp.StatusCode)
			}
			switch {
			case err == nil:
				t.Error("no error")
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Errorf("error %v, want %v", err, tc.wantErr)
			case tc.wantText != "" && !strings.Contains(err.Error(), tc.wantText):
				t.Errorf("error %v, want it to say %q", err, tc.wantText)
			}
			if n := tr.pool.count(); n != 0 {
				t.Errorf("%d idle connections, want 0", n)
			}
		})
	}
}
