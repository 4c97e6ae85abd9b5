package admit

// EnterIdle takes a place at once, without waiting, when nobody waits for one of the gate's
// places (a caller waiting only for its client's share does not count) and at least
// free places are free (any free place when nobody is in), and returns the function that
// gives it back; ok is false otherwise. It is for work that may wait or be left out, such
// as the service's own background work: it never queues, so it is never served before a
// caller who waits, and it leaves free − 1 places for callers who come meanwhile. A nil gate admits everyone. The place counts
// towards no client's share.
func (g *Gate) EnterIdle(free int) (leave func(), ok bool) {
	if g == nil {
		return func() {}, true
	}
	if g.waiting.Load() > 0 {
		return nil, false
	}
	if in := len(g.slots); in > 0 && cap(g.slots)-in < free {
		return nil, false
	}
	select {
	case g.slots <- struct{}{}:
	default:
		return nil, false
	}
	// A caller may have joined the queue between the looks and the take: the place is
	// theirs.
	if g.waiting.Load() > 0 {
		<-g.slots
		return nil, false
	}
	return g.entered(nil), true
}
