package main

import (
	"fmt"
	"strings"
)

// StoreURL says where requests and the audit trail are kept: "sqlite:PATH".
// To add a backend, add its scheme to storeSchemes and a case to App's store opener table.
type StoreURL struct {
	Scheme string
	Path   string
}

// storeSchemes are the schemes a StoreURL may have, with what follows the colon.
var storeSchemes = map[string]string{
	"sqlite": "the path of the SQLite database file, e.g. sqlite:/var/lib/resetbot/resetbot.db",
}

// ParseStoreURL parses "scheme:rest".
func ParseStoreURL(s string) (StoreURL, error) {
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok || scheme == "" {
		return StoreURL{}, fmt.Errorf("store %q has no scheme: write sqlite:PATH, e.g. sqlite:./resetbot.db", s)
	}
	want, known := storeSchemes[scheme]
	if !known {
		return StoreURL{}, fmt.Errorf("store scheme %q is not supported: write sqlite:PATH, e.g. sqlite:./resetbot.db", scheme)
	}
	rest = strings.TrimPrefix(rest, "//")
	if strings.TrimSpace(rest) == "" {
		return StoreURL{}, fmt.Errorf("store %q names no location: after %q give %s", s, scheme+":", want)
	}
	return StoreURL{Scheme: scheme, Path: rest}, nil
}

// Decode parses the value from the environment (envconfig.Decoder).
func (u *StoreURL) Decode(v string) error {
	p, err := ParseStoreURL(v)
	if err != nil {
		return err
	}
	*u = p
	return nil
}

// String returns the URL in the form it is written.
func (u StoreURL) String() string { return u.Scheme + ":" + u.Path }
