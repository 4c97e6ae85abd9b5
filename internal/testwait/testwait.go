// Package testwait is how tests wait for something to happen: by polling for it, with one
// ceiling for the whole suite. The suite runs on 2-core machines busy with other work, where
// a step that takes milliseconds on a quiet one may take many seconds; a short fixed wait
// then fails a correct program. The ceiling is there only so that a broken one fails at all.
package testwait

import (
	"testing"
	"time"
)

// Patience is the longest a test waits for an event that should come soon.
const Patience = 2 * time.Minute

// poll is how often a condition is checked again.
const poll = 20 * time.Millisecond

// Until polls cond until it holds, failing t when it still does not after Patience; what
// names the awaited event in the failure.
func Until(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(Patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, Patience)
		}
		time.Sleep(poll)
	}
}
