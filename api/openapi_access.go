package api

// Who may call each operation of the OpenAPI document (its security requirement), and the
// responses the middleware gives on every route whatever the handler.
//
// Each operation says it: anyone, keyOptional or keyed. One left unmarked fails the document's
// lint (redocly's security-defined rule, TestOpenAPILint).

// apiKeyScheme is the name of the API key's security scheme in the components.
const apiKeyScheme = "apiKey"

// anyone marks an operation whose handler never reads an API key: the answer is the same for
// everyone (security: []).
func anyone(o obj) obj {
	o["security"] = []obj{}
	return o
}

// keyOptional marks an operation open to anonymous requests that reads an API key when one is
// sent: with it, the restricted layers are in the answer too. The empty requirement is
// OpenAPI's way to say that no key is needed.
func keyOptional(o obj) obj {
	o["security"] = []obj{{}, {apiKeyScheme: []string{}}}
	return o
}

// keyed marks an operation that needs an API key.
func keyed(o obj) obj {
	o["security"] = []obj{{apiKeyScheme: []string{}}}
	return o
}

// middlewareResponses adds to each operation of paths the responses the middleware gives
// before its handler runs: 400 for a query string plainQuery refuses, 429 past the client's
// rate limit on the paths rateLimit meters, and 401 for a key that is not valid where the
// operation reads one (keyOptional or keyed).
func middlewareResponses(paths obj) {
	for path, item := range paths {
		for _, v := range item.(obj) {
			o, isOperation := v.(obj) // not the item's servers
			if !isOperation {
				continue
			}
			responses := o["responses"].(obj)
			add := func(status, name string) {
				if _, given := responses[status]; !given {
					responses[status] = ref("#/components/responses/" + name)
				}
			}
			add("400", "InvalidParameter")
			if !unmetered(path) {
				add("429", "TooManyRequests")
			}
			if security, _ := o["security"].([]obj); len(security) > 0 {
				add("401", "Unauthorized")
			}
		}
	}
}
