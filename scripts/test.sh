#!/usr/bin/env bash
# The project's one test command: installs what the tests need, then runs pytest.
# Usage: bash scripts/test.sh [pytest args...]   e.g. bash scripts/test.sh -m "not e2e"
# Works on a fresh Debian 12 as root with python3, node 20, npm and package-registry access.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Python: the package and its test extra in ./.venv.
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]'

# Browser for the e2e tests: Debian's Chromium (`playwright install` cannot download here).
if [ ! -x /usr/bin/chromium ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi

# Local copies of CDN modules (three.js) that the e2e browser serves instead of esm.sh.
if [ ! -d tests/e2e/js/node_modules ]; then
  if [ -f tests/e2e/js/package-lock.json ]; then
    npm ci --prefix tests/e2e/js --no-audit --no-fund
  else
    npm install --prefix tests/e2e/js --no-audit --no-fund
  fi
fi

exec .venv/bin/python -m pytest "$@"
