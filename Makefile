# bandoso: `make run` serves the demo city on http://localhost:8080, `make test` runs every test.
# Where DATABASE_URL is unset, both start a project-local PostGIS (scripts/pg.sh); where
# REDIS_URL is unset, `make test` starts a project-local Redis (scripts/redis.sh).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
GO ?= go
BIN := bin/bandoso
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
# WITH_DB sets and exports DATABASE_URL, starting the local cluster where it is unset, and
# stops the recipe when that fails: in `export DATABASE_URL="$(…)"` the export's status
# hides pg.sh's, and the recipe would go on with an empty URL.
WITH_DB = DATABASE_URL="$$(scripts/pg.sh url)"; export DATABASE_URL;
# WITH_REDIS does the same for REDIS_URL and the local Redis (scripts/redis.sh).
WITH_REDIS = REDIS_URL="$$(scripts/redis.sh url)"; export REDIS_URL;
# WITH_POOLS does the same for REPLICA_URL (a streaming replica, scripts/replica.sh) and
# PGBOUNCER_URL (pgbouncer in transaction mode, scripts/pgbouncer.sh), after WITH_DB.
WITH_POOLS = REPLICA_URL="$$(scripts/replica.sh url)"; export REPLICA_URL; \
	PGBOUNCER_URL="$$(scripts/pgbouncer.sh url)"; export PGBOUNCER_URL;

.PHONY: build run test bench bench-peers loadtest cluster cluster-stop cluster-status vet vulncheck gdal web browser db-start db-stop db-status redis-start redis-stop redis-status psql clean

build: web
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/bandoso

## run: set up the database, migrate, load the demo city (once) and serve it on LISTEN_ADDR (:8080)
run: build
	$(WITH_DB) \
	$(BIN) migrate; \
	$(BIN) demo; \
	exec $(BIN) serve

## test: vet and every test, against a real PostGIS (with a streaming replica and pgbouncer
## beside it: scripts/replica.sh, scripts/pgbouncer.sh); the viewer's in headless Chromium, the
## OGC API's through GDAL's ogrinfo, the OpenAPI document through redocly lint (npm). A
## package's ceiling is generous: on a 2-core machine busy with other work the api package
## has taken 13 minutes.
test: web browser gdal vet node_modules/.package-lock.json
	$(WITH_DB) $(WITH_POOLS) $(WITH_REDIS) \
	$(GO) test -race -count=1 -timeout 40m ./...

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "not gofmt-formatted: $$unformatted"; exit 1; fi
	$(GO) vet ./...

## vulncheck: govulncheck (pinned, installed into bin/) over every package, against GOVULNDB
## (vuln.go.dev unless set; a mirror, file:// too). Known vulnerabilities fail; a database
## that cannot be reached is reported as SKIPPED, loudly, and does not.
GOVULNCHECK_VERSION := v1.9.0
vulncheck:
	GOBIN="$(CURDIR)/bin" $(GO) install golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION)
	@db="$${GOVULNDB:-https://vuln.go.dev}"; out=$$(mktemp); rc=0; \
	bin/govulncheck -db "$$db" ./... >"$$out" 2>&1 || rc=$$?; cat "$$out"; \
	if [ $$rc -ne 0 ] && grep -q "fetching vulnerabilities" "$$out"; then \
		echo "!!! SKIPPED: vulnerability database $$db unreachable: NO vulnerability check was done."; \
		echo "!!! Set GOVULNDB to a reachable mirror (https:// or file://) to check."; rc=0; \
	fi; rm -f "$$out"; exit $$rc

## bench: Go benchmarks, the demo-city load at one million parcels, tiles, an export and layer
## downloads of that city, then imports: OpenStreetMap extracts of 34 and 300 MB, a 100,000-row CSV (see docs/benchmarks.md)
bench: build
	$(WITH_DB) $(WITH_REDIS) \
	$(GO) test -run '^$$' -bench . -benchmem ./...; \
	scripts/bench-demo.sh; \
	scripts/bench-tiles.sh; \
	scripts/bench-export.sh; \
	scripts/bench-download.sh; \
	scripts/bench-import.sh

## bench-peers: bandoso against pg_tileserv, tegola and pg_featureserv on the one-million-parcel
## city, servers in rotation, pools of 16 (scripts/bench-peers.sh; the peers' binaries from
## PEERS_DIR, default ../shared/peers); the report goes to .artifacts/ (see docs/benchmarks.md);
## PEERS_ARGS go to tilebench (e.g. -peer-rounds 3 -peer-clients 8,64; -help lists them)
PEERS_DIR ?= ../shared/peers
bench-peers:
	$(WITH_DB) \
	PEERS_DIR="$(PEERS_DIR)" scripts/bench-peers.sh $(PEERS_ARGS)

## loadtest: serve the one-million-parcel city and replay a mix of tiles, items, geocodes and
## planning reports at a fixed rate, RATE requests/s for DURATION (see docs/benchmarks.md);
## LOADTEST_ARGS go to bin/bandoso-loadtest (e.g. -json; -help lists them); INSTANCES="1 2"
## sends it through nginx to a cluster of 1, then 2 instances, cold then warm (scripts/cluster.sh)
RATE ?= 120
DURATION ?= 10m
loadtest: build
	$(WITH_DB) \
	RATE=$(RATE) DURATION=$(DURATION) INSTANCES="$(INSTANCES)" scripts/loadtest.sh $(LOADTEST_ARGS)

## cluster: the primary, a streaming replica, Redis, CLUSTER_INSTANCES (2) instances of serve
## and nginx with deploy/nginx.conf in front, all on loopback (scripts/cluster.sh; the demo
## city must be loaded: make run, once); prints nginx's URL (http://127.0.0.1:18080)
cluster: build
	$(WITH_DB) \
	scripts/cluster.sh start

cluster-stop:
	@scripts/cluster.sh stop

cluster-status:
	@scripts/cluster.sh status

## web: MapLibre GL JS and Swagger UI from npm (package-lock.json) into web/lib, and the map
## labels' glyphs made from Debian's Noto Sans into web/fonts, all of which go:embed puts in
## the binary
WEB_LIB_FILES := maplibre-gl.mjs maplibre-gl-worker.mjs maplibre-gl.css
SWAGGER_UI_FILES := swagger-ui-bundle.js swagger-ui.css LICENSE NOTICE
web: web/lib/VERSION web/fonts/.built

# npm ci only when the lock file is newer than the last install
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# VERSION is written last: its presence means the copy is complete
web/lib/VERSION: node_modules/.package-lock.json
	rm -f web/lib/VERSION
	cp $(addprefix node_modules/maplibre-gl/dist/,$(WEB_LIB_FILES)) node_modules/maplibre-gl/LICENSE.txt web/lib/
	rm -rf web/lib/swagger-ui-dist && mkdir web/lib/swagger-ui-dist
	cp $(addprefix node_modules/swagger-ui-dist/,$(SWAGGER_UI_FILES)) web/lib/swagger-ui-dist/
	node -p 'require("swagger-ui-dist/package.json").version' > web/lib/swagger-ui-dist/VERSION
	node -p 'require("maplibre-gl/package.json").version' > $@.tmp
	mv $@.tmp $@

# The fonts map labels are drawn with: Debian's fonts-noto-core, installed when missing.
NOTO_DIR ?= /usr/share/fonts/truetype/noto
GLYPH_FONTS := $(NOTO_DIR)/NotoSans-Regular.ttf $(NOTO_DIR)/NotoSans-Bold.ttf
$(GLYPH_FONTS):
	@scripts/debian-tool.sh $@ fonts-noto-core

# .built is written last: its presence means every font's ranges are complete
web/fonts/.built: $(GLYPH_FONTS) $(filter-out %_test.go,$(wildcard internal/glyphs/*.go cmd/glyphs/*.go))
	rm -f $@
	$(GO) run ./cmd/glyphs -out web/fonts $(GLYPH_FONTS)
	touch $@

## browser: Debian's chromium for the viewer's test in a browser (nothing when BANDOSO_SKIP_BROWSER=1)
browser:
	@scripts/debian-tool.sh "$${BANDOSO_CHROMIUM:-/usr/bin/chromium}" chromium

## gdal: GDAL's ogrinfo, a real OGC API – Features client for the tests
gdal:
	@scripts/debian-tool.sh ogrinfo gdal-bin

db-start:
	@scripts/pg.sh url

db-stop:
	@scripts/pg.sh stop

db-status:
	@scripts/pg.sh status

redis-start:
	@scripts/redis.sh url

redis-stop:
	@scripts/redis.sh stop

redis-status:
	@scripts/redis.sh status

psql:
	$(WITH_DB) psql "$$DATABASE_URL"

clean:
	rm -rf bin web/lib/VERSION web/fonts/.built web/fonts/*/
