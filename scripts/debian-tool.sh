#!/usr/bin/env bash
# debian-tool.sh PROGRAM PACKAGE: installs a Debian package that tests drive as a real client
# (chromium for the viewer, gdal-bin's ogrinfo for OGC API – Features), or that the build
# reads (fonts-noto-core, whose fonts the map labels are made from), with apt-get when PROGRAM
# is missing: a command, or an absolute path to a file of the package. As root only,
# otherwise it says which package to install.
# BANDOSO_SKIP_BROWSER=1 skips chromium.
set -euo pipefail

PROGRAM=$1
PACKAGE=$2
say() { echo "debian-tool.sh: $*" >&2; }

if [ "$PACKAGE" = chromium ] && [ "${BANDOSO_SKIP_BROWSER:-}" = 1 ]; then
	exit 0
fi
if [ -e "$PROGRAM" ] || command -v "$PROGRAM" >/dev/null 2>&1; then
	exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
	say "$PROGRAM is missing: install Debian's package (sudo apt-get install $PACKAGE)"
	exit 1
fi
say "installing $PACKAGE (apt-get)"
if ! "$(dirname "${BASH_SOURCE[0]}")/apt-get.sh" "$PACKAGE"; then
	say "apt-get install $PACKAGE failed"
	exit 1
fi
