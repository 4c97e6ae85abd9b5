# bandoso: `make run` serves the demo city on http://localhost:8080, `make test` runs every test.
# Where DATABASE_URL is unset, both start a project-local PostGIS (scripts/pg.sh).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
GO ?= go
BIN := bin/bandoso
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
DB_URL = $$(scripts/pg.sh url)

.PHONY: build run test bench vet db-start db-stop db-status psql clean

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/bandoso

## run: set up the database, migrate, load the demo city (once) and serve it on LISTEN_ADDR (:8080)
run: build
	export DATABASE_URL="$(DB_URL)"; \
	$(BIN) migrate; \
	$(BIN) demo; \
	exec $(BIN) serve

## test: vet and every test, against a real PostGIS
test: vet
	export DATABASE_URL="$(DB_URL)"; \
	$(GO) test -race -count=1 -timeout 15m ./...

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "not gofmt-formatted: $$unformatted"; exit 1; fi
	$(GO) vet ./...

## bench: Go benchmarks, then the demo-city load at one million parcels (see docs/benchmarks.md)
bench: build
	export DATABASE_URL="$(DB_URL)"; \
	$(GO) test -run '^$$' -bench . -benchmem ./...; \
	scripts/bench-demo.sh

db-start:
	@scripts/pg.sh url

db-stop:
	@scripts/pg.sh stop

db-status:
	@scripts/pg.sh status

psql:
	psql "$(DB_URL)"

clean:
	rm -rf bin
