package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/cognito"
	"github.com/resetbot/resetbot/policy"
)

// whereIAMPolicy says where the IAM policy is and what it must be attached to.
const whereIAMPolicy = "attach deploy/iam-policy.json (with this pool's ARN in Resource) to the role the bot runs as"

// credentialsFix says how to give the bot AWS credentials that work.
const credentialsFix = "give the bot an AWS identity that AWS accepts: IRSA on EKS (deploy/kubernetes/serviceaccount.yaml), the task role on ECS, an instance role, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN for temporary keys)"

// checkPools finds AWS credentials through the default chain, then checks every pool of the
// policy with DescribeUserPool.
func (p *preflight) checkPools(ctx context.Context) []checkResult {
	awsCfg, err := loadAWSConfig(ctx, p.log)
	if err != nil {
		return []checkResult{fail("AWS credentials", problem{err.Error(), "fix the AWS configuration named above (AWS_PROFILE, AWS_REGION, ~/.aws/config)"})}
	}
	creds, err := awsCfg.Credentials.Retrieve(ctx)
	if err != nil {
		return []checkResult{fail("AWS credentials", problem{"the AWS SDK found no credentials: " + err.Error(), credentialsFix})}
	}
	out := []checkResult{pass("AWS credentials", "found (%s)", creds.Source)}
	if !p.policyRead {
		// The pools are named by the policy file; saying nothing here would read as if they
		// had passed.
		return append(out, skip("Pools", "they are named in the policy file, which did not load"))
	}
	client := cognito.New(awsCfg, cognito.Options{Endpoint: p.cfg.CognitoEndpoint, Logger: p.log})
	probes := newProbeClient(awsCfg, p.cfg.CognitoEndpoint)
	for _, pool := range p.pools {
		name := fmt.Sprintf("Pool %s (%s)", pool.Name, pool.ID)
		if err := client.Preflight(ctx, pool); err != nil {
			out = append(out, fail(name, poolProblem(err)))
			continue
		}
		out = append(out, p.checkActions(ctx, probes, name, pool))
	}
	return out
}

// checkActions says whether the bot's role may call every action the bot needs on the pool.
func (p *preflight) checkActions(ctx context.Context, probes *cip.Client, name string, pool policy.Pool) checkResult {
	missing, err := missingActions(ctx, probes, pool, p.cfg.DryRun)
	if len(missing) > 0 {
		return fail(name, problem{
			fmt.Sprintf("the bot's AWS role may not call %s on pool %s", strings.Join(missing, ", "), pool.Name),
			whereIAMPolicy + "; it allows every action the bot calls"})
	}
	if err != nil {
		return fail(name, problem{"could not tell whether the bot's AWS role may call every action it needs: " + err.Error(),
			"check that this host can reach Cognito in the pool's region (or RESETBOT_COGNITO_ENDPOINT), then run resetbot check again"})
	}
	which := "every action the bot calls"
	if p.cfg.DryRun {
		which = "every action a dry run calls (the changes are not checked: RESETBOT_DRY_RUN is on)"
	}
	return pass(name, "reachable in %s; the bot's role may call %s", pool.Region, which)
}

// poolFixes say how to fix a pool check's failure, by the domain error code.
var poolFixes = map[string]string{
	approval.EIAM:          whereIAMPolicy,
	approval.EPOOLNOTFOUND: "correct the pool's id and region in the policy file (the Cognito console lists pool ids under User pools)",
	approval.ETHROTTLED:    "wait a minute and run resetbot check again",
}

// poolProblem explains a failed DescribeUserPool.
func poolProblem(err error) problem {
	var ce *cognito.Error
	if !errors.As(err, &ce) {
		return problem{err.Error(), "see Troubleshooting in the README"}
	}
	what := ce.Message
	if ce.AWSCode == "" && ce.Err != nil {
		// Cognito never answered: say what the SDK said (no address, refused, timed out).
		what = strings.TrimSuffix(what, "; the details are in the bot's log.") + ": " + ce.Err.Error()
	}
	if ce.Code == approval.EIAM && ce.AWSCode != "AccessDeniedException" {
		return problem{what, credentialsFix}
	}
	if fix, ok := poolFixes[ce.Code]; ok {
		return problem{what, fix}
	}
	if ce.AWSCode == "" {
		return problem{what, "check that this host can open HTTPS connections to Cognito in the pool's region (or to RESETBOT_COGNITO_ENDPOINT)"}
	}
	return problem{what, "see Troubleshooting in the README for " + ce.AWSCode}
}
