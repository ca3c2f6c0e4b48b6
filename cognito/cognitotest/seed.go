package cognitotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
)

// Seed is the state a server is loaded with: from a JSON file (ParseSeed) or built in Go.
// The package doc shows the file format.
type Seed struct {
	Pools []SeedPool `json:"pools"`
}

// SeedPool is a user pool to create.
type SeedPool struct {
	// ID is the user pool id, e.g. eu-west-1_Example1; its prefix is the pool's region.
	// When empty, one is made in the server's region.
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
	// PasswordPolicy is Cognito's default (8 characters, every class) when nil.
	PasswordPolicy *SeedPasswordPolicy `json:"passwordPolicy,omitempty"`
	// AccountRecovery lists where reset codes may go, first choice first: verified_email,
	// verified_phone_number (or admin_only). Empty means Cognito's legacy order: SMS, then email.
	AccountRecovery []string `json:"accountRecovery,omitempty"`
	// UsernameAttributes lets users sign in with "email" or "phone_number" instead of a username.
	UsernameAttributes []string     `json:"usernameAttributes,omitempty"`
	CaseInsensitive    bool         `json:"caseInsensitive,omitempty"`
	Clients            []SeedClient `json:"clients,omitempty"`
	Groups             []SeedGroup  `json:"groups,omitempty"`
	Users              []SeedUser   `json:"users,omitempty"`
}

// SeedPasswordPolicy is a pool's PasswordPolicy.
type SeedPasswordPolicy struct {
	MinimumLength                 int32 `json:"minimumLength"`
	RequireUppercase              bool  `json:"requireUppercase"`
	RequireLowercase              bool  `json:"requireLowercase"`
	RequireNumbers                bool  `json:"requireNumbers"`
	RequireSymbols                bool  `json:"requireSymbols"`
	TemporaryPasswordValidityDays int32 `json:"temporaryPasswordValidityDays"`
}

// SeedClient is an app client of the pool, for the end-user operations.
type SeedClient struct {
	ID     string `json:"id,omitempty"` // made up when empty
	Name   string `json:"name"`
	Secret string `json:"secret,omitempty"` // when set, calls must carry SECRET_HASH
	// ExplicitAuthFlows defaults to ALLOW_USER_PASSWORD_AUTH and ALLOW_REFRESH_TOKEN_AUTH.
	ExplicitAuthFlows          []string `json:"explicitAuthFlows,omitempty"`
	PreventUserExistenceErrors string   `json:"preventUserExistenceErrors,omitempty"` // LEGACY (default) or ENABLED
}

// SeedGroup is a group of the pool.
type SeedGroup struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// SeedUser is a user of the pool.
type SeedUser struct {
	Username string `json:"username"`
	// Password must satisfy the pool's policy. It is temporary when Status is FORCE_CHANGE_PASSWORD.
	Password string `json:"password,omitempty"`
	// Status is CONFIRMED (the default), FORCE_CHANGE_PASSWORD, RESET_REQUIRED or UNCONFIRMED.
	Status     string            `json:"status,omitempty"`
	Disabled   bool              `json:"disabled,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"` // sub is made up when absent
	Groups     []string          `json:"groups,omitempty"`
}

// ParseSeed reads a seed file. Unknown fields are errors, so a typo does not go unnoticed.
func ParseSeed(r io.Reader) (Seed, error) {
	var seed Seed
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&seed); err != nil {
		return Seed{}, fmt.Errorf("seed: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Seed{}, errors.New("seed: text after the JSON document")
	}
	return seed, nil
}

// Load adds the seed's pools to the server and returns the seed with the ids it made up filled
// in. On error nothing is added.
func (s *Server) Load(seed Seed) (Seed, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pools, clients := maps.Clone(s.pools), maps.Clone(s.clients)
	out, err := s.load(seed)
	if err != nil {
		s.pools, s.clients = pools, clients
		return Seed{}, err
	}
	return out, nil
}

func (s *Server) load(seed Seed) (Seed, error) {
	out := Seed{Pools: slices.Clone(seed.Pools)}
	for i := range out.Pools {
		sp := &out.Pools[i]
		if err := s.loadPool(sp); err != nil {
			return Seed{}, fmt.Errorf("seed: pools[%d] (%s): %w", i, sp.Name, err)
		}
	}
	return out, nil
}

func (s *Server) loadPool(sp *SeedPool) error {
	if sp.ID == "" {
		sp.ID = newPoolID(s.region)
	}
	spec := poolSpec{
		name: sp.Name, policy: defaultPasswordPolicy, usernameAttrs: sp.UsernameAttributes,
		caseSensitive: !sp.CaseInsensitive,
	}
	if sp.Name == "" {
		return errors.New("name is empty")
	}
	if pp := sp.PasswordPolicy; pp != nil {
		spec.policy = passwordPolicy(*pp)
	}
	for i, name := range sp.AccountRecovery {
		spec.recovery = append(spec.recovery, recoveryOption{Name: name, Priority: i + 1})
	}
	p, apiErr := s.addPool(sp.ID, spec)
	if apiErr != nil {
		return errors.New(apiErr.Message)
	}
	sp.Clients = slices.Clone(sp.Clients)
	for i := range sp.Clients {
		sc := &sp.Clients[i]
		flows := sc.ExplicitAuthFlows
		if len(flows) == 0 {
			flows = []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
		}
		cl, apiErr := s.addClient(p, clientSpec{
			id: sc.ID, name: sc.Name, secret: sc.Secret, authFlows: flows, preventExistence: sc.PreventUserExistenceErrors,
		})
		if apiErr != nil {
			return fmt.Errorf("clients[%d]: %s", i, apiErr.Message)
		}
		sc.ID = cl.id
	}
	for i, g := range sp.Groups {
		if _, apiErr := s.addGroup(p, g.Name, g.Description); apiErr != nil {
			return fmt.Errorf("groups[%d]: %s", i, apiErr.Message)
		}
	}
	for i, su := range sp.Users {
		if err := s.loadUser(p, su); err != nil {
			return fmt.Errorf("users[%d] (%s): %w", i, su.Username, err)
		}
	}
	return nil
}

var seedStatuses = []string{StatusConfirmed, StatusForceChangePassword, StatusResetRequired, StatusUnconfirmed}

func (s *Server) loadUser(p *pool, su SeedUser) error {
	if su.Username == "" {
		return errors.New("username is empty")
	}
	if p.user(su.Username) != nil {
		return errors.New("a user with that username already exists")
	}
	status := su.Status
	if status == "" {
		status = StatusConfirmed
	}
	if !slices.Contains(seedStatuses, status) {
		return fmt.Errorf("status %q is not one of %v", status, seedStatuses)
	}
	if status != StatusResetRequired {
		if apiErr := p.policy.check(su.Password); apiErr != nil {
			return fmt.Errorf("password: %s", apiErr.Message)
		}
	}
	var attrs []attribute
	for k, v := range su.Attributes {
		if k != "sub" {
			attrs = append(attrs, attribute{Name: k, Value: v})
		}
	}
	if apiErr := checkAttributes(attrs); apiErr != nil {
		return errors.New(apiErr.Message)
	}
	now := s.now()
	u := &user{
		username: su.Username, attrs: maps.Clone(su.Attributes), status: status, enabled: !su.Disabled,
		password: su.Password, created: now, modified: now,
		tempExpires: now.AddDate(0, 0, p.policy.tempValidity()),
	}
	if u.attrs == nil {
		u.attrs = map[string]string{}
	}
	if u.attrs["sub"] == "" {
		u.attrs["sub"] = newUUID()
	}
	for _, g := range su.Groups {
		grp, ok := p.groups[g]
		if !ok {
			return fmt.Errorf("group %q is not among the pool's groups", g)
		}
		grp.members[u.username] = true
	}
	p.users[p.key(u.username)] = u
	return nil
}

// MustLoad is Load for tests: it fails the test on error.
func (s *Server) MustLoad(t interface {
	Helper()
	Fatalf(string, ...any)
}, seed Seed) Seed {
	t.Helper()
	out, err := s.Load(seed)
	if err != nil {
		t.Fatalf("cognitotest: %v", err)
	}
	return out
}

// String is the seed as a seed file.
func (seed Seed) String() string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	_ = enc.Encode(seed)
	return b.String()
}
