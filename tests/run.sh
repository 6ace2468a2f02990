#!/usr/bin/env bash
# The test command: lint, spelling, then the test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== ruff"
.venv/bin/ruff check .
echo "== codespell"
.venv/bin/codespell
echo "== pytest"
.venv/bin/python -m pytest --durations=12 "$@"
