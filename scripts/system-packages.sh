#!/usr/bin/env bash
# Install the Debian 12 packages the service (with "test", the suite; with "bench", the
# benchmarks) needs,
# only those missing. WeasyPrint needs Pango; PDFs need a CJK font with a real bold.
# The browser tests drive Debian's chromium through Playwright's bundled driver (node
# ships inside the wheel): no browser is ever downloaded.
set -euo pipefail

runtime=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk)
testing=(poppler-utils zbar-tools postgresql redis-server chromium)
# wrk: benchmarks/load_test.py; nginx: benchmarks/drills/app_hosts.py (its own config and
# port, never the system service). Run by hand: `scripts/system-packages.sh bench`
benchmarking=(wrk nginx)

wanted=("${runtime[@]}")
[ "${1:-}" = "test" ] && wanted+=("${testing[@]}")
[ "${1:-}" = "bench" ] && wanted+=("${testing[@]}" "${benchmarking[@]}")

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing system packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
