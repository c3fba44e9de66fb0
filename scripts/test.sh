#!/usr/bin/env bash
# The project's one test command: installs what the tests need, then runs pytest.
# Usage: bash scripts/test.sh [pytest args...]   e.g. bash scripts/test.sh -m "not e2e"
# Works on a fresh Debian 12 as root with python3, node 20, npm and package-registry access.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Python: the package and its test extra in ./.venv.
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]'

# From Debian: Chromium for the browser tests (`playwright install` cannot download here), and
# a Java runtime for the PySpark test of the kernel-side queries (Spark 4 runs on Java 17+).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v java >/dev/null || missing+=(default-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

# From npm, as the lock file pins them: local copies of CDN modules (three.js) that the browser
# tests serve instead of esm.sh, and the JS tools that check generated code (prettier, tsc).
# Installed again whenever the lock changed since the last install.
if ! cmp -s tests/e2e/js/package-lock.json tests/e2e/js/node_modules/.installed-lock.json; then
  npm ci --prefix tests/e2e/js --no-audit --no-fund
  cp tests/e2e/js/package-lock.json tests/e2e/js/node_modules/.installed-lock.json
fi

exec .venv/bin/python -m pytest "$@"
