#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs, never prompts,
# and ends with one line "N passed, N failed". Exit code 0 only when every test passed.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the tests use: Chromium renders diagrams and opens the HTML reports; tmux is the
# terminal the walk test types into; docker-compose validates docker-compose.yml (no Docker engine
# needed). Installed from Debian's packages when missing, before npm ci.
missing=()
command -v docker-compose >/dev/null || missing+=(docker-compose)
[ -n "${PUPPETEER_EXECUTABLE_PATH:-}" ] || command -v chromium >/dev/null || missing+=(chromium)
command -v tmux >/dev/null || missing+=(tmux)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (apt-get)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing dependencies (npm ci)…"
  npm ci --no-audit --no-fund
fi

# The PostgreSQL tests talk to the server on 127.0.0.1:5432 (trust auth); start it when it is down.
pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
if ! pg_up; then
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    echo "PostgreSQL is not running on 127.0.0.1:5432 and no cluster is installed (apt-get install postgresql)." >&2
    exit 1
  fi
  echo "starting PostgreSQL (pg_ctlcluster)…"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  for _ in $(seq 1 60); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL did not come up on 127.0.0.1:5432 within 60 s; see /var/log/postgresql/." >&2; exit 1; }
fi

# The RabbitMQ tests talk to a real broker on 127.0.0.1:5672 (guest/guest); start it when it is down.
rabbit_up() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }
if ! rabbit_up; then
  if ! command -v rabbitmq-server >/dev/null; then
    echo "RabbitMQ is not running on 127.0.0.1:5672 and rabbitmq-server is not installed (apt-get install rabbitmq-server)." >&2
    exit 1
  fi
  echo "starting RabbitMQ (rabbitmq-server -detached)…"
  rabbitmq-server -detached || true
  for _ in $(seq 1 120); do rabbit_up && break; sleep 1; done
  if ! rabbit_up; then
    echo "RabbitMQ did not come up on 127.0.0.1:5672 within 120 s; see /var/log/rabbitmq/." >&2
    exit 1
  fi
  rabbitmqctl await_startup >/dev/null 2>&1 || true
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
