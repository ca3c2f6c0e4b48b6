package slacktest

import (
	"errors"
	"net/url"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseArgs(t *testing.T) {
	type view struct {
		Channel, Text, Blocks, Users string
		HasBlocks, Bool              bool
		List                         []string
	}
	read := func(a args) view {
		b, ok := a.raw("blocks")
		return view{Channel: a.str("channel"), Text: a.str("text"), Blocks: string(b), HasBlocks: ok,
			Bool: a.bool("return_im"), List: a.list("users")}
	}
	tests := []struct {
		name        string
		contentType string
		query       string
		body        string
		want        view
		wantErr     error
	}{
		{
			name: "form", contentType: "application/x-www-form-urlencoded",
			body: "channel=C1&text=a%26b&blocks=%5B%7B%22type%22%3A%22divider%22%7D%5D&return_im=true&users=U1,U2",
			want: view{Channel: "C1", Text: "a&b", Blocks: `[{"type":"divider"}]`, HasBlocks: true, Bool: true, List: []string{"U1", "U2"}},
		},
		{
			name: "form without content type", body: "channel=C1",
			want: view{Channel: "C1"},
		},
		{
			name: "json", contentType: "application/json; charset=utf-8",
			body: `{"channel":"C1","text":"hi","blocks":[{"type":"divider"}],"return_im":true,"users":["U1"]}`,
			want: view{Channel: "C1", Text: "hi", Blocks: `[{"type":"divider"}]`, HasBlocks: true, Bool: true, List: []string{"U1"}},
		},
		{
			name: "json with blocks as a string", contentType: "application/json",
			body: `{"blocks":"[{\"type\":\"divider\"}]","users":"U1, U2"}`,
			want: view{Blocks: `[{"type":"divider"}]`, HasBlocks: true, List: []string{"U1", "U2"}},
		},
		{
			name: "json null", contentType: "application/json", body: `{"blocks":null,"text":null}`,
			want: view{},
		},
		{
			name: "query string", query: "channel=C9&text=q",
			want: view{Channel: "C9", Text: "q"},
		},
		{name: "bad json", contentType: "application/json", body: `{"a":`, wantErr: errInvalidJSON},
		{name: "json array", contentType: "application/json", body: `[1]`, wantErr: errInvalidJSON},
		{name: "bad form", contentType: "application/x-www-form-urlencoded", body: "a=%zz", wantErr: errInvalidForm},
		{name: "other type", contentType: "text/csv", body: "a,b", wantErr: errUnsupportedBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			a, err := parseArgs(tt.contentType, q, []byte(tt.body))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.want, read(a)); diff != "" {
				t.Errorf("args (-want +got):\n%s", diff)
			}
		})
	}
}

func TestArgsStringsDecodeEverythingButTheToken(t *testing.T) {
	a, err := parseArgs("application/x-www-form-urlencoded", nil,
		[]byte("token=xoxb-secret&text=p%40ss&blocks=%5B%7B%22text%22%3A%22%5Cu003cb%5Cu003e%22%7D%5D"))
	if err != nil {
		t.Fatal(err)
	}
	got := a.strings()
	for _, want := range []string{"p@ss", "<b>"} {
		if !slices.Contains(got, want) {
			t.Errorf("strings %q lack %q", got, want)
		}
	}
	for _, s := range got {
		if s == "xoxb-secret" {
			t.Errorf("strings hold the token: %q", got)
		}
	}
}

func FuzzParseArgs(f *testing.F) {
	f.Add("application/json", `{"channel":"C1","blocks":[{"type":"divider"}]}`)
	f.Add("application/x-www-form-urlencoded", "channel=C1&blocks=%5B%5D&token=x")
	f.Add("", "a=b&c")
	f.Add("application/json", `{"view":"{\"type\":\"modal\"}"}`)
	f.Fuzz(func(t *testing.T, contentType, body string) {
		a, err := parseArgs(contentType, nil, []byte(body))
		if err != nil {
			return
		}
		for _, k := range []string{"channel", "blocks", "view", "token", "users"} {
			_ = a.str(k)
			_, _ = a.raw(k)
			_ = a.list(k)
			_ = a.bool(k)
		}
		_ = a.strings()
	})
}
