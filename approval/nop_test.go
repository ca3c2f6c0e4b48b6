package approval

import (
	"context"
	"time"

	"github.com/resetbot/resetbot/policy"
)

// The nop implementations stand in where a test needs a dependency that is never called.

type nopStore struct{ Store }

type nopDir struct{}

func (nopDir) Lookup(context.Context, policy.Pool, string) (User, error)     { return User{}, nil }
func (nopDir) LookupUser(context.Context, policy.Pool, string) (User, error) { return User{}, nil }
func (nopDir) Run(context.Context, policy.Pool, User, policy.Action) (RunResult, error) {
	return RunResult{}, nil
}
func (nopDir) SignOut(context.Context, policy.Pool, string) (RunResult, error) {
	return RunResult{}, nil
}

type nopPolicy struct{}

func (nopPolicy) Decide(policy.Facts) policy.Decision { return policy.Decision{} }
func (nopPolicy) CanApprove(policy.Decision, policy.Approver, string, []string) (bool, string) {
	return false, ""
}
func (nopPolicy) CanDeny(policy.Decision, policy.Approver, string) (bool, string) { return false, "" }
func (nopPolicy) Permitted(policy.Facts) map[string][]policy.Action               { return nil }

type nopNotifier struct{}

func (nopNotifier) PostCard(context.Context, *Request) (Thread, error)    { return Thread{}, nil }
func (nopNotifier) Notify(context.Context, *Request, Notice) error        { return nil }
func (nopNotifier) DeliverSecret(context.Context, *Request, Secret) error { return nil }
func (nopNotifier) UpdateCard(context.Context, *Request) error            { return nil }
func (nopNotifier) FindCard(context.Context, *Request, time.Time, time.Time) (Thread, error) {
	return Thread{}, nil
}
