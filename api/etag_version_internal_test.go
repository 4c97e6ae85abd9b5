package api

import (
	"testing"

	"bandoso/store"
)

// TestVersionETag: a version's entity tag reads back as the version; tags we did not make,
// weak ones among them, read as none.
func TestVersionETag(t *testing.T) {
	for _, v := range []store.Version{1, 1751328000123456, store.Version(1<<63 - 1)} {
		tag := versionETag(v)
		if got, ok := parseVersionETag(tag); !ok || got != v {
			t.Errorf("%d written %s reads back as %d, %v", v, tag, got, ok)
		}
	}
	if got := versionETag(1751328000123456); got != `"v1751328000123456"` {
		t.Errorf("versionETag = %s", got)
	}
	for _, tag := range []string{``, `"v"`, `"v0"`, `"v-5"`, `"vx"`, `v12`, `W/"v12"`, `"12"`, `"v12`, `"v99999999999999999999"`} {
		if v, ok := parseVersionETag(tag); ok {
			t.Errorf("%q read as version %d", tag, v)
		}
	}
}
