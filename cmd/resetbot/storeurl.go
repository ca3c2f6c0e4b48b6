package main

import (
	"fmt"
	"net/url"
	"strings"
)

// StoreURL says where requests and the audit trail are kept: "sqlite:PATH" for one process, or
// a PostgreSQL connection string "postgres://USER@HOST:PORT/DB?sslmode=…" for several replicas.
// To add a backend, add its scheme to storeSchemes and an opener to storeOpeners (store.go).
type StoreURL struct {
	Scheme string
	// Path is what follows "scheme:": a file's path for SQLite, the rest of the connection
	// string ("//USER:PASSWORD@HOST…") for PostgreSQL. It may hold a password: print String().
	Path string
}

// storeSchemes are the schemes a StoreURL may have, with what follows the colon.
var storeSchemes = map[string]string{
	"sqlite":   "the path of the SQLite database file, e.g. sqlite:/var/lib/resetbot/resetbot.db",
	"postgres": "//USER@HOST:PORT/DATABASE?sslmode=verify-full, e.g. postgres://resetbot@db.example.com:5432/resetbot?sslmode=verify-full",
}

// storeAliases are other names of a scheme.
var storeAliases = map[string]string{"postgresql": "postgres"}

// storeExamples is how the error messages say what to write.
const storeExamples = "write sqlite:PATH (e.g. sqlite:./resetbot.db) or postgres://USER@HOST:PORT/DATABASE"

// ParseStoreURL parses "scheme:rest".
func ParseStoreURL(s string) (StoreURL, error) {
	scheme, rest, ok := strings.Cut(s, ":")
	if !ok || scheme == "" {
		return StoreURL{}, fmt.Errorf("the store has no scheme: %s", storeExamples)
	}
	if alias, ok := storeAliases[scheme]; ok {
		scheme = alias
	}
	want, known := storeSchemes[scheme]
	if !known {
		return StoreURL{}, fmt.Errorf("store scheme %q is not supported: %s", scheme, storeExamples)
	}
	if scheme == "postgres" {
		return parsePostgresURL(rest, want)
	}
	rest = strings.TrimPrefix(rest, "//")
	if strings.TrimSpace(rest) == "" {
		return StoreURL{}, fmt.Errorf("store %q names no location: after %q give %s", s, scheme+":", want)
	}
	return StoreURL{Scheme: scheme, Path: rest}, nil
}

// parsePostgresURL checks the part of a postgres:// URL after the colon. Its errors never
// quote the URL, which may hold a password.
func parsePostgresURL(rest, want string) (StoreURL, error) {
	u, err := url.Parse("postgres:" + rest)
	if err != nil || !strings.HasPrefix(rest, "//") {
		return StoreURL{}, fmt.Errorf("the PostgreSQL store does not parse as a URL: after postgres: give %s", want)
	}
	if u.Host == "" {
		return StoreURL{}, fmt.Errorf("the PostgreSQL store names no host: after postgres: give %s", want)
	}
	if strings.Trim(u.Path, "/") == "" {
		return StoreURL{}, fmt.Errorf("the PostgreSQL store names no database: after postgres: give %s", want)
	}
	return StoreURL{Scheme: "postgres", Path: rest}, nil
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

// ConnString is the whole URL, password included, for the driver alone.
func (u StoreURL) ConnString() string { return u.Scheme + ":" + u.Path }

// String returns the URL in the form it is written, with any password replaced by xxxxx: it
// is what logs and messages show.
func (u StoreURL) String() string {
	if u.Scheme != "postgres" {
		return u.ConnString()
	}
	p, err := url.Parse(u.ConnString())
	if err != nil {
		return u.Scheme + "://(unparsable)"
	}
	q := p.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		p.RawQuery = q.Encode()
	}
	return p.Redacted()
}

// Password reports whether the URL carries a password.
func (u StoreURL) Password() bool {
	p, err := url.Parse(u.ConnString())
	if err != nil {
		return false
	}
	_, set := p.User.Password()
	return set || p.Query().Has("password")
}
