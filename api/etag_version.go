package api

import (
	"strconv"

	"bandoso/store"
)

// versionETag is a feature's version as a strong entity tag (RFC 9110 §8.8.3): "v" and the
// version's number, quoted.
func versionETag(v store.Version) string { return `"v` + strconv.FormatInt(int64(v), 10) + `"` }

// parseVersionETag reads an entity tag made by versionETag; ok is false for any other.
func parseVersionETag(etag string) (store.Version, bool) {
	if len(etag) < 4 || etag[0] != '"' || etag[1] != 'v' || etag[len(etag)-1] != '"' {
		return 0, false
	}
	n, err := strconv.ParseInt(etag[2:len(etag)-1], 10, 64)
	return store.Version(n), err == nil && n > 0
}
