package policyfile

import (
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/resetbot/resetbot/policy"
)

// Holder holds the policy in force and swaps it on Reload. It is safe for concurrent use: a
// decision reads whichever policy is current when it starts, and never a half-loaded one.
type Holder struct {
	path    string
	log     *slog.Logger
	reload  sync.Mutex // one reload at a time
	current atomic.Pointer[policy.Policy]
}

// NewHolder loads the policy file at path. It fails when the file is invalid: the bot does not
// start without a valid policy.
func NewHolder(path string, log *slog.Logger) (*Holder, error) {
	p, err := Load(path)
	if err != nil {
		return nil, fmt.Errorf("load policy: %w", err)
	}
	h := &Holder{path: path, log: log}
	h.current.Store(p)
	h.logLoaded("policy loaded", p)
	return h, nil
}

// Reload loads the file again. When the new file is invalid it keeps the policy in force,
// logs why and returns the error.
func (h *Holder) Reload() error {
	h.reload.Lock()
	defer h.reload.Unlock()
	p, err := Load(h.path)
	if err != nil {
		h.log.Error("policy reload failed; the previous policy stays in force",
			"path", h.path, "digest", h.current.Load().Digest(), "err", err)
		return fmt.Errorf("reload policy: %w", err)
	}
	old := h.current.Swap(p)
	h.logLoaded("policy reloaded", p, "previous_digest", old.Digest())
	return nil
}

func (h *Holder) logLoaded(msg string, p *policy.Policy, extra ...any) {
	args := append([]any{"path", h.path, "digest", p.Digest(), "pools", len(p.Pools()), "rules", len(p.Rules())}, extra...)
	h.log.Info(msg, args...)
	for _, w := range Lint(p) {
		h.log.Warn("policy warning", "warning", w.String())
	}
}

// Policy returns the policy in force.
func (h *Holder) Policy() *policy.Policy { return h.current.Load() }

// Decide is Policy.Decide on the policy in force.
func (h *Holder) Decide(f policy.Facts) policy.Decision { return h.Policy().Decide(f) }

// CanApprove is Policy.CanApprove on the policy in force.
func (h *Holder) CanApprove(d policy.Decision, a policy.Approver, requester string, approvals []string) (bool, string) {
	return h.Policy().CanApprove(d, a, requester, approvals)
}

// CanDeny is Policy.CanDeny on the policy in force.
func (h *Holder) CanDeny(d policy.Decision, a policy.Approver, requester string) (bool, string) {
	return h.Policy().CanDeny(d, a, requester)
}

// Permitted is Policy.Permitted on the policy in force.
func (h *Holder) Permitted(f policy.Facts) map[string][]policy.Action { return h.Policy().Permitted(f) }

// Pools is Policy.Pools on the policy in force.
func (h *Holder) Pools() []policy.Pool { return h.Policy().Pools() }

// Pool is Policy.Pool on the policy in force.
func (h *Holder) Pool(name string) (policy.Pool, bool) { return h.Policy().Pool(name) }

// IdentityChecks is Policy.IdentityChecks on the policy in force.
func (h *Holder) IdentityChecks() []policy.IdentityCheck { return h.Policy().IdentityChecks() }

// Digest is Policy.Digest on the policy in force.
func (h *Holder) Digest() string { return h.Policy().Digest() }
