package cognito

import (
	"context"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/resetbot/resetbot/policy"
)

// PasswordPolicy is what a pool demands of passwords (DescribeUserPool's PasswordPolicy).
type PasswordPolicy struct {
	MinimumLength    int
	RequireUppercase bool
	RequireLowercase bool
	RequireNumbers   bool
	RequireSymbols   bool
	// TemporaryPasswordValidityDays is how long a temporary password works (Cognito's default: 7).
	TemporaryPasswordValidityDays int
}

// defaultTemporaryPasswordValidityDays is Cognito's, for pools that do not say.
const defaultTemporaryPasswordValidityDays = 7

// poolInfo is what the client remembers of a pool from DescribeUserPool.
type poolInfo struct {
	policy PasswordPolicy
	// recovery lists where reset codes go, first choice first: "verified_email",
	// "verified_phone_number" (or "admin_only"); nil means the legacy order, SMS first.
	recovery []string
	fetched  time.Time
}

func poolKey(pool policy.Pool) string { return region(pool) + "/" + pool.ID }

// PasswordPolicy returns the pool's password policy, from a cache refreshed every
// Options.PolicyCacheTTL.
func (c *Client) PasswordPolicy(ctx context.Context, pool policy.Pool) (PasswordPolicy, error) {
	info, _, err := c.poolInfo(ctx, pool)
	return info.policy, err
}

// poolInfo returns what is known of the pool, and whether it was just fetched.
func (c *Client) poolInfo(ctx context.Context, pool policy.Pool) (poolInfo, bool, error) {
	c.mu.Lock()
	info, ok := c.pools[poolKey(pool)]
	c.mu.Unlock()
	if ok && c.now().Sub(info.fetched) < c.ttl {
		return info, false, nil
	}
	// Callers who miss the cache together share one DescribeUserPool call (Cognito's quota
	// for it is small); each waits for it no longer than its own context lets it.
	done := c.describing.DoChan(poolKey(pool), func() (any, error) {
		return c.describe(context.WithoutCancel(ctx), pool)
	})
	select {
	case r := <-done:
		info, _ := r.Val.(poolInfo)
		return info, true, r.Err
	case <-ctx.Done():
		return poolInfo{}, true, c.classify(ctx.Err(), pool)
	}
}

// forget drops the cached description of the pool.
func (c *Client) forget(pool policy.Pool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pools, poolKey(pool))
}

// describe asks Cognito about the pool and caches the answer.
func (c *Client) describe(ctx context.Context, pool policy.Pool) (poolInfo, error) {
	if pool.ID == "" {
		return poolInfo{}, invalid("The pool has no user pool id.")
	}
	out, err := call(ctx, c, pool, func(ctx context.Context, o func(*cip.Options)) (*cip.DescribeUserPoolOutput, error) {
		return c.api.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(pool.ID)}, o)
	})
	if err != nil {
		return poolInfo{}, err
	}
	info := poolInfo{fetched: c.now()}
	if up := out.UserPool; up != nil {
		if up.Policies != nil && up.Policies.PasswordPolicy != nil {
			pp := up.Policies.PasswordPolicy
			info.policy = PasswordPolicy{
				MinimumLength:                 int(aws.ToInt32(pp.MinimumLength)),
				RequireUppercase:              pp.RequireUppercase,
				RequireLowercase:              pp.RequireLowercase,
				RequireNumbers:                pp.RequireNumbers,
				RequireSymbols:                pp.RequireSymbols,
				TemporaryPasswordValidityDays: int(pp.TemporaryPasswordValidityDays),
			}
		}
		if up.AccountRecoverySetting != nil {
			mech := slices.Clone(up.AccountRecoverySetting.RecoveryMechanisms)
			slices.SortStableFunc(mech, func(a, b types.RecoveryOptionType) int { return int(aws.ToInt32(a.Priority) - aws.ToInt32(b.Priority)) })
			for _, m := range mech {
				info.recovery = append(info.recovery, string(m.Name))
			}
		}
	}
	if info.policy.TemporaryPasswordValidityDays == 0 {
		info.policy.TemporaryPasswordValidityDays = defaultTemporaryPasswordValidityDays
	}
	c.mu.Lock()
	c.pools[poolKey(pool)] = info
	c.mu.Unlock()
	return info, nil
}

// Preflight checks the bot can reach the pool: that it exists in its region and that the
// bot's IAM role may describe it. Errors say what to fix (the missing IAM action, the wrong
// pool id or region).
func (c *Client) Preflight(ctx context.Context, pool policy.Pool) error {
	_, err := c.describe(ctx, pool)
	return err
}
