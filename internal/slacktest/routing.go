package slacktest

import "fmt"

// Route chooses which open connection gets the next envelope. Slack picks one of the app's
// connections for each envelope; the fake picks at random unless told otherwise.
type Route struct {
	kind routeKind
	conn string
}

type routeKind int

const (
	routeRandom routeKind = iota
	routeOldest
	routeNewest
	routeConn
)

// The routes.
var (
	RouteRandom = Route{kind: routeRandom} // any open connection, at random (repeatable WithSeed)
	RouteOldest = Route{kind: routeOldest} // the longest-open connection
	RouteNewest = Route{kind: routeNewest} // the most recently opened connection
)

// RouteTo sends every envelope to the connection with the id (see Connections); while it is not
// open, helpers fail with ErrNoConnection.
func RouteTo(connID string) Route { return Route{kind: routeConn, conn: connID} }

func (r Route) String() string {
	switch r.kind {
	case routeOldest:
		return "oldest"
	case routeNewest:
		return "newest"
	case routeConn:
		return "conn:" + r.conn
	case routeRandom:
	}
	return "random"
}

// SetRoute sets how envelopes are routed.
func (s *Server) SetRoute(r Route) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.route = r
}

// pickLocked chooses the connection for the next envelope: nil (and no error) when there is
// none yet to wait for. s.mu held.
func (s *Server) pickLocked() (*wsConn, error) {
	live := s.liveConnsLocked()
	switch s.route.kind {
	case routeConn:
		for _, c := range live {
			if c.id == s.route.conn {
				return c, nil
			}
		}
		return nil, fmt.Errorf("route to %s: %w", s.route.conn, ErrNoConnection)
	case routeOldest:
		if len(live) > 0 {
			return live[0], nil
		}
	case routeNewest:
		if len(live) > 0 {
			return live[len(live)-1], nil
		}
	default:
		if len(live) > 0 {
			return live[s.ids.intn(len(live))], nil
		}
	}
	return nil, nil
}
