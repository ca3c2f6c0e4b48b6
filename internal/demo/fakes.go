package demo

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/resetbot/resetbot/cognito/cognitotest"
	"github.com/resetbot/resetbot/internal/slacktest"
)

// Fakes are the fake Slack and the fake Cognito of one demo, seeded with its workspace, on
// 127.0.0.1.
type Fakes struct {
	Workspace Workspace
	Slack     *slacktest.Server
	Cognito   *cognitotest.Server
}

// StartFakes starts the fake Slack and the fake Cognito and seeds them with ws.
func StartFakes(ws Workspace, log *slog.Logger) (_ *Fakes, err error) {
	f := &Fakes{Workspace: ws}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	if f.Slack, err = slacktest.Start(slacktest.WithTeam(ws.TeamID, "resetbot-demo"), slacktest.WithLogger(log)); err != nil {
		return nil, fmt.Errorf("starting the fake Slack: %w", err)
	}
	for _, p := range ws.People {
		f.Slack.AddUser(slacktest.User{ID: p.ID, Name: p.Name, RealName: p.RealName, Email: p.Name + "@demo.example"})
	}
	for _, g := range ws.Groups {
		f.Slack.AddUserGroup(g.ID, g.Handle, g.Members...)
	}
	members := []string{f.Slack.BotUserID()}
	for _, p := range ws.People {
		members = append(members, p.ID)
	}
	for _, c := range ws.Channels {
		f.Slack.AddChannel(c.ID, c.Name, members...)
	}
	f.Cognito = cognitotest.New(cognitotest.WithLogger(log))
	if _, err := f.Cognito.Load(ws.Seed()); err != nil {
		return nil, fmt.Errorf("seeding the fake Cognito: %w", err)
	}
	if len(ws.Channels) == 0 {
		return nil, errors.New("the demo workspace has no channel")
	}
	return f, nil
}

// Close stops both fakes.
func (f *Fakes) Close() {
	if f.Slack != nil {
		f.Slack.Close()
	}
	if f.Cognito != nil {
		f.Cognito.Close()
	}
}
