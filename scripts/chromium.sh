#!/usr/bin/env bash
# chromium.sh: Debian's chromium for the viewer's end-to-end test, installed with apt-get when
# missing (as root; otherwise it says which package to install). BANDOSO_SKIP_BROWSER=1 skips it.
set -euo pipefail

CHROMIUM=${BANDOSO_CHROMIUM:-/usr/bin/chromium}
say() { echo "chromium.sh: $*" >&2; }

if [ "${BANDOSO_SKIP_BROWSER:-}" = 1 ] || [ -x "$CHROMIUM" ]; then
	exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
	say "$CHROMIUM is missing: install Debian's package (sudo apt-get install chromium), or set BANDOSO_SKIP_BROWSER=1 to skip the browser test"
	exit 1
fi
say "installing chromium (apt-get)"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends chromium; } >"$log" 2>&1; then
	cat "$log" >&2
	rm -f "$log"
	say "apt-get install chromium failed"
	exit 1
fi
rm -f "$log"
