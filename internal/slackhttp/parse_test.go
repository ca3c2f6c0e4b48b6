package slackhttp

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRetryAfter(t *testing.T) {
	got := []time.Duration{retryAfter("30"), retryAfter(" 2 "), retryAfter("0"), retryAfter(""), retryAfter("soon"), retryAfter("-4")}
	want := []time.Duration{30 * time.Second, 2 * time.Second, time.Second, time.Second, time.Second, time.Second}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func TestChannelOf(t *testing.T) {
	form := func(body string) (*http.Request, []byte) {
		r, _ := http.NewRequest(http.MethodPost, "http://slack/api/chat.postMessage", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r, []byte(body)
	}
	jsonReq := func(body string) (*http.Request, []byte) {
		r, _ := http.NewRequest(http.MethodPost, "http://slack/api/chat.postMessage", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		return r, []byte(body)
	}
	query, _ := http.NewRequest(http.MethodPost, "http://slack/api/chat.postMessage?channel=C3", nil)
	var got []string
	for _, c := range []func() (*http.Request, []byte){
		func() (*http.Request, []byte) { return form("channel=C1&text=hi") },
		func() (*http.Request, []byte) { return jsonReq(`{"channel":"C2","text":"hi"}`) },
		func() (*http.Request, []byte) { return query, nil },
		func() (*http.Request, []byte) { return form("%zz") },
		func() (*http.Request, []byte) { return form("text=%zz&channel=C4") },
		func() (*http.Request, []byte) { return form("blocks=%5B%5D&ch%61nnel=C%35+x&channel=C6") },
		func() (*http.Request, []byte) { return form("channel=C7;text=hi") },
		func() (*http.Request, []byte) { return jsonReq("{") },
	} {
		got = append(got, channelOf(c()))
	}
	if diff := cmp.Diff(got, []string{"C1", "C2", "C3", "", "", "C5 x", "", ""}); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
}

func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"30", "0", "", "-1", "99999999999999999999", " 7"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if d := retryAfter(h); d < time.Second {
			t.Errorf("retryAfter(%q) = %s, under a second", h, d)
		}
	})
}

func FuzzChannelOf(f *testing.F) {
	f.Add("application/x-www-form-urlencoded", "channel=C1&text=x")
	f.Add("application/json", `{"channel":"C2"}`)
	f.Add("application/json", `{"channel":7}`)
	f.Add("application/x-www-form-urlencoded", "ch%61nnel=C%31&channel=C2&text=%zz")
	f.Fuzz(func(_ *testing.T, ct, body string) {
		r, err := http.NewRequest(http.MethodPost, "http://slack/api/chat.postMessage", strings.NewReader(body))
		if err != nil {
			return
		}
		r.Header.Set("Content-Type", ct)
		_ = channelOf(r, []byte(body))
	})
}

// FuzzFormValue: formValue reads a form as url.ParseQuery does, the first value of the key,
// and "" for a form ParseQuery refuses.
func FuzzFormValue(f *testing.F) {
	for _, s := range []string{"channel=C1&text=x", "text=a%26b&channel=C%31", "ch%61nnel=C1", "channel", "channel=&channel=C2",
		"a=1;b=2&channel=C1", "channel=C1&x=%g1", "channel=%", "+channel=C1&channel+=C2&channel=C3", "&&channel=C1&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		want := ""
		if v, err := url.ParseQuery(body); err == nil {
			want = v.Get("channel")
		}
		if got := formValue([]byte(body), "channel"); got != want {
			t.Errorf("formValue(%q) = %q, want %q", body, got, want)
		}
	})
}
