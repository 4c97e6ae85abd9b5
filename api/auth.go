package api

import (
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"bandoso/store"
)

// AuthError is a request without the key a resource needs (401) or with a key whose role
// is too low (403).
type AuthError struct {
	Status int
	Detail string
}

func (e *AuthError) Error() string { return e.Detail }

// keyHeader is where scripts may put a key instead of Authorization: Bearer.
const keyHeader = "X-API-Key"

// keyCacheTTL bounds how long a revoked key keeps working on an instance that saw it: the
// price of not asking the database on every request that carries a key.
const keyCacheTTL = 10 * time.Second

// keyCache remembers what the database said of a secret's hash, found or not.
type keyCache = expirable.LRU[string, keyLookup]

type keyLookup struct {
	key   store.APIKey
	found bool
}

func newKeyCache() *keyCache { return expirable.NewLRU[string, keyLookup](4096, nil, keyCacheTTL) }

// credential returns the key the request carries, "" for none; ok is false when it carries
// something that is not a bearer key.
func credential(r *http.Request) (secret string, ok bool) {
	if v := r.Header.Get(keyHeader); v != "" {
		return strings.TrimSpace(v), true
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return "", true
	}
	scheme, token, found := strings.Cut(auth, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// keyUncached says the request carries a well-formed key the cache holds nothing about, so
// that reading it would ask the database.
func (s *Server) keyUncached(r *http.Request) bool {
	secret, ok := credential(r)
	if !ok || secret == "" || !store.LooksLikeKey(secret) {
		return false
	}
	return !s.keys.Contains(hex.EncodeToString(store.KeyHash(secret)))
}

// apiKey returns the request's key; found is false for a request without one. A key that is
// malformed, unknown or revoked is a 401 AuthError.
func (s *Server) apiKey(r *http.Request) (key store.APIKey, found bool, err error) {
	secret, ok := credential(r)
	if !ok {
		return key, false, &AuthError{Status: http.StatusUnauthorized, Detail: "Authorization must be \"Bearer <API key>\""}
	}
	if secret == "" {
		return key, false, nil
	}
	if !store.LooksLikeKey(secret) {
		return key, false, &AuthError{Status: http.StatusUnauthorized, Detail: "the API key is not valid"}
	}
	id := hex.EncodeToString(store.KeyHash(secret))
	look, cached := s.keys.Get(id)
	if !cached {
		k, err := s.DB.KeyBySecret(r.Context(), secret)
		switch {
		case err == nil:
			look = keyLookup{key: k, found: true}
		case errors.Is(err, store.ErrNotFound):
		default:
			return key, false, err
		}
		s.keys.Add(id, look)
	}
	// Keys are found by the SHA-256 of their secret, never by the secret itself: whatever the
	// index or the cache's map leak through timing is about the digest, which tells an
	// attacker nothing about a secret that would match.
	if !look.found {
		return key, false, &AuthError{Status: http.StatusUnauthorized, Detail: "the API key is not valid or has been revoked"}
	}
	return look.key, true, nil
}

// need returns the request's key when its role allows role; otherwise a 401 (no key, or a
// bad one) or 403 (a key whose role is too low) to return as is.
func (s *Server) need(r *http.Request, role store.Role) (store.APIKey, error) {
	key, found, err := s.apiKey(r)
	if err != nil {
		return key, err
	}
	if !found {
		return key, &AuthError{Status: http.StatusUnauthorized,
			Detail: "this needs an API key with the " + string(role) + " role: send Authorization: Bearer <key>"}
	}
	if !key.Role.Allows(role) {
		return key, &AuthError{Status: http.StatusForbidden,
			Detail: "the API key " + key.Prefix + " has the " + string(key.Role) + " role; this needs " + string(role)}
	}
	return key, nil
}

// mayRead reports whether the request may read restricted layers: it carries a valid key
// of any role. A bad key is an error even where the resource is public, so that a client
// learns its key is wrong.
func (s *Server) mayRead(r *http.Request) (bool, error) {
	_, found, err := s.apiKey(r)
	return found, err
}
