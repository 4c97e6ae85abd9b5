package admit

import "sync"

// Quota caps how many of something (uploads in progress) each client holds at once. It is
// safe for concurrent use; a nil *Quota lets everything through.
type Quota struct {
	max  int
	mu   sync.Mutex
	held map[string]int
}

// NewQuota returns a quota of n per client; n < 1 is no cap (nil).
func NewQuota(n int) *Quota {
	if n < 1 {
		return nil
	}
	return &Quota{max: n, held: map[string]int{}}
}

// Take takes one for client and returns the function that gives it back, to be called
// exactly once; ok is false, and nothing is taken, when client holds its whole quota.
func (q *Quota) Take(client string) (give func(), ok bool) {
	if q == nil {
		return func() {}, true
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.held[client] >= q.max {
		return nil, false
	}
	q.held[client]++
	var once sync.Once
	return func() {
		once.Do(func() {
			q.mu.Lock()
			defer q.mu.Unlock()
			if q.held[client]--; q.held[client] == 0 {
				delete(q.held, client)
			}
		})
	}, true
}
