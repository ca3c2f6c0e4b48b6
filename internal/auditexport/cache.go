package auditexport

import "container/list"

// cacheSize bounds the requests kept while exporting: events of one request are close
// together in time, so a few hundred cover every request in flight at once.
const cacheSize = 512

// subjects is a least-recently-used cache of what requests are about, by request id.
type subjects struct {
	order *list.List // of *entry, most recent first
	byID  map[string]*list.Element
}

type entry struct {
	id string
	s  subject
}

func newSubjects() *subjects { return &subjects{order: list.New(), byID: map[string]*list.Element{}} }

func (c *subjects) get(id string) (subject, bool) {
	el, ok := c.byID[id]
	if !ok {
		return subject{}, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry).s, true
}

func (c *subjects) put(id string, s subject) {
	c.byID[id] = c.order.PushFront(&entry{id: id, s: s})
	if c.order.Len() > cacheSize {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.byID, oldest.Value.(*entry).id)
	}
}
