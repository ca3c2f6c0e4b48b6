package cognitotest

import (
	"slices"
	"strings"
)

func (g *group) wire(poolID string) map[string]any {
	out := map[string]any{
		"GroupName":        g.name,
		"UserPoolId":       poolID,
		"CreationDate":     epoch(g.created),
		"LastModifiedDate": epoch(g.modified),
	}
	if g.description != "" {
		out["Description"] = g.description
	}
	if g.roleArn != "" {
		out["RoleArn"] = g.roleArn
	}
	if g.precedence != nil {
		out["Precedence"] = *g.precedence
	}
	return out
}

type createGroupInput struct {
	UserPoolId  string
	GroupName   string
	Description string
	RoleArn     string
	Precedence  *int32
}

func createGroup(s *Server, c *call, in *createGroupInput) (any, *apiError) {
	p, err := s.pool(c, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	g, err := s.addGroup(p, in.GroupName, in.Description)
	if err != nil {
		return nil, err
	}
	g.roleArn, g.precedence = in.RoleArn, in.Precedence
	return map[string]any{"Group": g.wire(p.id)}, nil
}

func (s *Server) addGroup(p *pool, name, description string) (*group, *apiError) {
	if name == "" {
		return nil, errRequired("groupName")
	}
	if _, taken := p.groups[name]; taken {
		return nil, errf("GroupExistsException", "A group with the name %s already exists.", name)
	}
	now := s.now()
	g := &group{name: name, description: description, created: now, modified: now, members: map[string]bool{}}
	p.groups[name] = g
	return g, nil
}

type adminAddUserToGroupInput struct{ UserPoolId, Username, GroupName string }

func adminAddUserToGroup(s *Server, c *call, in *adminAddUserToGroupInput) (any, *apiError) {
	p, err := s.pool(c, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if in.GroupName == "" {
		return nil, errRequired("groupName")
	}
	g, ok := p.groups[in.GroupName]
	if !ok {
		return nil, errf("ResourceNotFoundException", "Group not found.")
	}
	_, u, err := s.poolUser(c, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	g.members[u.username] = true
	return map[string]any{}, nil
}

type adminListGroupsForUserInput struct {
	UserPoolId, Username string
	Limit                *int32
	NextToken            string
}

func adminListGroupsForUser(s *Server, c *call, in *adminListGroupsForUserInput) (any, *apiError) {
	p, u, err := s.poolUser(c, in.UserPoolId, in.Username)
	if err != nil {
		return nil, err
	}
	limit, err := pageLimit(in.Limit)
	if err != nil {
		return nil, err
	}
	var mine []*group
	for _, g := range p.groups {
		if g.members[u.username] {
			mine = append(mine, g)
		}
	}
	slices.SortFunc(mine, func(a, b *group) int { return strings.Compare(a.name, b.name) })
	page, next, err := paginate(mine, in.NextToken, limit, func(g *group) string { return g.name })
	if err != nil {
		return nil, err
	}
	groups := make([]map[string]any, len(page))
	for i, g := range page {
		groups[i] = g.wire(p.id)
	}
	out := map[string]any{"Groups": groups}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}
