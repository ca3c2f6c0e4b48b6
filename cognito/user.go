package cognito

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/resetbot/resetbot/approval"
	"github.com/resetbot/resetbot/internal/textform"
	"github.com/resetbot/resetbot/policy"
)

// maxPages bounds a listing, in case a paginator never ends.
const maxPages = 1000

var hexDigits = textform.Chars("0-9a-fA-F")

// isSub reports whether ref is a user's sub, a UUID:
// ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$.
func isSub(ref string) bool {
	parts := strings.Split(ref, "-")
	if len(parts) != 5 {
		return false
	}
	for i, n := range []int{8, 4, 4, 4, 12} {
		if !textform.Only(parts[i], hexDigits, n, n) {
			return false
		}
	}
	return true
}

// Lookup finds a user by username, email or sub, with their groups, as the workflow's one
// type of a Cognito user (approval.User).
//
// An email or a sub is looked up with ListUsers (email = "..." or sub = "..."). A username is
// what Cognito knows a user by, and an address can be someone's username too, so a user whose
// username is ref is the one found, whoever else has it as their email; otherwise the one user
// with that email or sub (several is an error saying how many). When no one has it, ref is tried
// as a username or a sign-in alias (AdminGetUser). So Lookup of a user's own username always
// finds that user.
//
// Cognito compares email addresses exactly, capitals included, and keeps them as they were
// typed when the user was made. An address that finds no one as typed is tried with its domain
// in lower case, then all in lower case, the forms most pools hold.
func (c *Client) Lookup(ctx context.Context, pool policy.Pool, ref string) (approval.User, error) {
	ref, name, err := userRef(ref)
	switch {
	case err != nil:
		return approval.User{}, err
	case name:
		return c.lookupName(ctx, pool, ref)
	}
	u, err := c.resolve(ctx, pool, ref)
	if err != nil {
		return approval.User{}, err
	}
	if u.Groups, err = c.groups(ctx, pool, u.Username); err != nil {
		return approval.User{}, err
	}
	return u, nil
}

// LookupUser is Lookup without the user's groups (Groups nil): the user alone, found as Lookup
// finds them, one call fewer (AdminGetUser alone for a username).
func (c *Client) LookupUser(ctx context.Context, pool policy.Pool, ref string) (approval.User, error) {
	ref, name, err := userRef(ref)
	switch {
	case err != nil:
		return approval.User{}, err
	case name:
		return c.getUser(ctx, pool, ref)
	}
	return c.resolve(ctx, pool, ref)
}

// userRef is ref trimmed, and whether it can only be a username or a sign-in alias (no finder
// matches it).
func userRef(ref string) (_ string, name bool, _ error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return "", false, invalid("Say which user: a username, an email address or a sub.")
	}
	return ref, !slices.ContainsFunc(finders, func(f finder) bool { return f.match(ref) }), nil
}

// lookupName finds a user by a ref that can only be a username or a sign-in alias: it reads
// the user (AdminGetUser) and the groups of that name at the same time, one wait on Cognito
// instead of two; a groups answer for a user who is not found is dropped. When ref turns out
// to be an alias, or names the user in other capitals, the groups are read again by the
// username itself.
func (c *Client) lookupName(ctx context.Context, pool policy.Pool, ref string) (approval.User, error) {
	type listed struct {
		groups []string
		err    error
	}
	groups := make(chan listed, 1)
	go func() {
		g, err := c.groups(ctx, pool, ref)
		groups <- listed{g, err}
	}()
	u, err := c.getUser(ctx, pool, ref)
	g := <-groups // awaited even when unused: no call outlives the lookup
	if err != nil {
		return approval.User{}, err
	}
	if u.Username != ref {
		g.groups, g.err = c.groups(ctx, pool, u.Username)
	}
	if g.err != nil {
		return approval.User{}, g.err
	}
	u.Groups = g.groups
	return u, nil
}

// resolve finds the one user ref names.
func (c *Client) resolve(ctx context.Context, pool policy.Pool, ref string) (approval.User, error) {
	var (
		matches []approval.User
		attr    string
	)
	if i := slices.IndexFunc(finders, func(f finder) bool { return f.match(ref) }); i >= 0 {
		attr = finders[i].attr
		for _, value := range finders[i].forms(ref) {
			users, err := c.listBy(ctx, pool, attr, value)
			if err != nil {
				return approval.User{}, err
			}
			if matches = users; len(matches) > 0 {
				break
			}
		}
	}
	if i := slices.IndexFunc(matches, func(u approval.User) bool { return isUsername(u, ref) }); i >= 0 {
		return matches[i], nil
	}
	named, err := c.getUser(ctx, pool, ref)
	switch {
	case err == nil && (isUsername(named, ref) || len(matches) == 0):
		return named, nil
	case err != nil && !isNotFound(err):
		return approval.User{}, err
	case len(matches) == 1:
		return matches[0], nil
	case len(matches) > 1:
		return approval.User{}, invalid("%d users in pool %s have that %s; name the user by username instead.", len(matches), poolName(pool), attr)
	}
	return approval.User{}, notFoundByEmail(err, pool, ref)
}

// isUsername reports whether ref is u's username (which a pool may compare without case).
func isUsername(u approval.User, ref string) bool { return strings.EqualFold(u.Username, ref) }

// finder is a way of telling a user from what the requester typed.
type finder struct {
	attr  string                // the attribute ListUsers filters on
	match func(string) bool     // whether ref looks like a value of it
	forms func(string) []string // the values to try, in order
}

var finders = []finder{
	{"email", isEmail, emailForms},
	{"sub", isSub, func(ref string) []string { return []string{ref} }},
}

func isEmail(ref string) bool { return strings.Contains(ref, "@") }

// emailForms are an address as typed, with its domain in lower case, and all in lower case,
// without repeats.
func emailForms(ref string) []string {
	forms := []string{ref}
	if at := strings.LastIndex(ref, "@"); at >= 0 {
		forms = append(forms, ref[:at]+strings.ToLower(ref[at:]))
	}
	forms = append(forms, strings.ToLower(ref))
	return slices.Compact(forms)
}

func isNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == approval.ENOTFOUND
}

// notFoundByEmail explains a user typed as an email address whom no one matched.
func notFoundByEmail(err error, pool policy.Pool, ref string) error {
	var e *Error
	if !isEmail(ref) || !isNotFound(err) || !errors.As(err, &e) {
		return err
	}
	found := *e
	found.Message = fmt.Sprintf("No user in pool %s has that email address or username. Cognito compares email addresses exactly, capitals included: try the address as the user's profile holds it, or their username.", poolName(pool))
	return &found
}

// listBy lists the users whose attribute is value, across pages.
func (c *Client) listBy(ctx context.Context, pool policy.Pool, attr, value string) ([]approval.User, error) {
	filter := fmt.Sprintf(`%s = "%s"`, attr, strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(value))
	var users []approval.User
	var token *string
	for range maxPages {
		out, err := call(ctx, c, pool, func(ctx context.Context, o func(*cip.Options)) (*cip.ListUsersOutput, error) {
			return c.api.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String(pool.ID), Filter: aws.String(filter), PaginationToken: token}, o)
		})
		if err != nil {
			return nil, err
		}
		for _, u := range out.Users {
			users = append(users, user(aws.ToString(u.Username), u.Attributes, u.UserStatus, u.Enabled, u.UserCreateDate, u.UserLastModifiedDate))
		}
		if token = out.PaginationToken; aws.ToString(token) == "" {
			break
		}
	}
	return users, nil
}

func (c *Client) getUser(ctx context.Context, pool policy.Pool, username string) (approval.User, error) {
	out, err := call(ctx, c, pool, func(ctx context.Context, o func(*cip.Options)) (*cip.AdminGetUserOutput, error) {
		return c.api.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(pool.ID), Username: aws.String(username)}, o)
	})
	if err != nil {
		return approval.User{}, err
	}
	return user(aws.ToString(out.Username), out.UserAttributes, out.UserStatus, out.Enabled, out.UserCreateDate, out.UserLastModifiedDate), nil
}

// groups lists every group of the user, across pages.
func (c *Client) groups(ctx context.Context, pool policy.Pool, username string) ([]string, error) {
	groups := []string{}
	var token *string
	for range maxPages {
		out, err := call(ctx, c, pool, func(ctx context.Context, o func(*cip.Options)) (*cip.AdminListGroupsForUserOutput, error) {
			return c.api.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(pool.ID), Username: aws.String(username), NextToken: token}, o)
		})
		if err != nil {
			return nil, err
		}
		for _, g := range out.Groups {
			groups = append(groups, aws.ToString(g.GroupName))
		}
		if token = out.NextToken; aws.ToString(token) == "" {
			break
		}
	}
	return groups, nil
}

func user(username string, attrs []types.AttributeType, status types.UserStatusType, enabled bool, created, modified *time.Time) approval.User {
	a := map[string]string{}
	for _, at := range attrs {
		a[aws.ToString(at.Name)] = aws.ToString(at.Value)
	}
	return approval.User{
		Username:      username,
		Sub:           a["sub"],
		Status:        string(status),
		Enabled:       enabled,
		Email:         a["email"],
		EmailVerified: a["email_verified"] == "true",
		Phone:         a["phone_number"],
		PhoneVerified: a["phone_number_verified"] == "true",
		Created:       aws.ToTime(created),
		Modified:      aws.ToTime(modified),
	}
}
