package approval

import (
	"context"
	"slices"
	"sync"
)

// knownMax bounds how many requests known keeps, a few KB each: the open requests a burst of
// clicks may come for. Past it, a request written is kept in place of another, taken at
// random; a click on one not kept reads it.
const knownMax = 1024

// known keeps, per open request, a copy of the version this process last wrote, so that a
// decision on it starts from that copy instead of reading the store: a burst of clicks then
// costs no read each, and does not queue for the store's read connections behind the Home
// tabs and the sweeper. The copy is only a guess at the newest version: a write from it is a
// compare-and-swap on its version, which fails when another process has written since, and
// the request is then read again; and a decision that refuses from it is made again on the
// request as read (see mutateClaiming), so that whatever a person is told comes from the
// store. A request in a final state is dropped, as is one whose write failed.
type known struct {
	mu sync.Mutex
	m  map[string]*Request // request id → the version last written; never changed once kept
}

// get returns a copy of the last version of request id this process wrote, if it keeps one.
func (k *known) get(id string) (*Request, bool) {
	k.mu.Lock()
	r, ok := k.m[id]
	k.mu.Unlock()
	if !ok {
		return nil, false
	}
	return cloneRequest(r), true
}

// wrote keeps a copy of r as written; a request in a final state is dropped.
func (k *known) wrote(r *Request) {
	if r.State.Final() {
		k.forget(r.ID)
		return
	}
	c := cloneRequest(r)
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]*Request{}
	}
	if _, ok := k.m[r.ID]; !ok && len(k.m) >= knownMax {
		for id := range k.m { // a random one: Go's map order
			delete(k.m, id)
			break
		}
	}
	k.m[r.ID] = c
}

// forget drops what is kept of request id.
func (k *known) forget(id string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, id)
}

// drop forgets every request kept: after a busy period the copies would hold megabytes that
// the next decisions, whenever they come, can read again.
func (k *known) drop() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m = nil
}

// cloneRequest copies r and the slices it holds, so that a change made to the copy (an
// approval appended) never reaches another's.
func cloneRequest(r *Request) *Request {
	c := *r
	c.Groups = slices.Clone(r.Groups)
	c.Target.Groups = slices.Clone(r.Target.Groups)
	c.Approvers = slices.Clone(r.Approvers)
	c.Approvals = slices.Clone(r.Approvals)
	for i := range c.Approvals {
		c.Approvals[i].Groups = slices.Clone(c.Approvals[i].Groups)
	}
	return &c
}

// ReleaseMemory forgets the versions of open requests the Service keeps for the decisions to
// come (they read the store instead), so that memory a busy period grew can be given back.
// It never fails; it takes a context as a store's ReleaseMemory does.
func (s *Service) ReleaseMemory(context.Context) error {
	s.known.drop()
	return nil
}
