#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs, never prompts,
# and ends with one line "N passed, N failed". Exit code 0 only when every test passed.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing dependencies (npm ci)…"
  npm ci --no-audit --no-fund
fi

report=$(mktemp -t orderctl-vitest.XXXXXX)
trap 'rm -f "$report"' EXIT
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json="$report"
status=$?
set -e

node -e '
  const fs = require("node:fs");
  let r = {};
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch {}
  const failed = (r.numFailedTests ?? 0) + (r.numTotalTests === undefined ? 1 : 0);
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`${r.numPassedTests ?? 0} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$report"
exit "$status"
