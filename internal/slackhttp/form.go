package slackhttp

import (
	"bytes"
	"net/url"
)

// formValue is the first value of key in an application/x-www-form-urlencoded body, as
// url.ParseQuery(string(body)).Get(key) reads it, and "" when ParseQuery would fail (a pair
// with a semicolon or a broken %-escape anywhere in the body). Unlike ParseQuery, it decodes
// no other value: a card's form is mostly its blocks, kilobytes that the channel's key would
// otherwise copy and unescape on every post.
func formValue(body []byte, key string) string {
	var (
		value string
		found bool
	)
	for rest := body; len(rest) > 0; {
		var pair []byte
		pair, rest, _ = bytes.Cut(rest, []byte("&"))
		if bytes.IndexByte(pair, ';') >= 0 || !validEscapes(pair) {
			return ""
		}
		if len(pair) == 0 || found {
			continue
		}
		k, v, _ := bytes.Cut(pair, []byte("="))
		if !isKey(k, key) {
			continue
		}
		value, _ = url.QueryUnescape(string(v)) // its escapes are valid
		found = true
	}
	return value
}

// isKey reports whether k, as the form writes it, is key.
func isKey(k []byte, key string) bool {
	if !bytes.ContainsAny(k, "%+") {
		return string(k) == key
	}
	u, err := url.QueryUnescape(string(k))
	return err == nil && u == key
}

// validEscapes reports whether every % in s starts a %-escape of two hex digits, the only
// thing url.QueryUnescape refuses.
func validEscapes(s []byte) bool {
	for i := bytes.IndexByte(s, '%'); i >= 0; i = bytes.IndexByte(s, '%') {
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return false
		}
		s = s[i+3:]
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
