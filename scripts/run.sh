#!/usr/bin/env bash
# Run Max Photo Gallery locally: backend + built web app at one URL.
#
#   bash scripts/run.sh            start (Ctrl+C stops the server and the embedded PostgreSQL)
#   bash scripts/run.sh --demo     start, and load the demo data even into DATABASE_URL's database
#   bash scripts/run.sh stop       stop an embedded PostgreSQL left running (e.g. after a kill -9)
#   bash scripts/run.sh reset      stop it and delete its data and the uploads (var/pgdata, var/uploads)
#   bash scripts/run.sh dsn        print the embedded database's DSN while it runs (for psql)
#   bash scripts/run.sh dump FILE     back up the embedded database (pg_dump -Fc, PostgreSQL 16)
#   bash scripts/run.sh restore FILE  restore such a backup over the embedded database
#
# Uses DATABASE_URL when set, else an embedded PostgreSQL 16 kept in var/pgdata (VAR_DIR moves
# var/). Demo users and art objects go only into the embedded database (or with --demo). HOST
# and PORT change where it listens.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_loopback

# dump/restore: the embedded server's own client programs (the pgserver wheel ships PostgreSQL
# 16's); a distribution's older pg_dump refuses a newer server. Starts the server if needed and
# stops it again afterwards.
with_embedded_database() {
  local started=""
  if ! embedded_postgres dsn "$VAR/pgdata" >/dev/null 2>&1; then
    embedded_postgres start "$VAR/pgdata" >/dev/null
    started=1
  fi
  local dsn status=0
  dsn="$(embedded_postgres dsn "$VAR/pgdata")"
  "$@" "$dsn" || status=$?
  if [ -n "$started" ]; then embedded_postgres stop "$VAR/pgdata" >/dev/null; fi
  return "$status"
}
dump_to() {
  "$(pg_bin)/pg_dump" -Fc --no-owner -f "$1" "$2"
}
restore_from() {
  "$(pg_bin)/pg_restore" --clean --if-exists --no-owner --exit-on-error -d "$2" "$1"
}

demo=""
case "${1:-start}" in
  start) ;;
  --demo) demo=1 ;;
  stop)
    ensure_venv
    embedded_postgres stop "$VAR/pgdata"
    exit 0 ;;
  reset)
    ensure_venv
    embedded_postgres stop "$VAR/pgdata"
    rm -rf "$VAR/pgdata" "$VAR/uploads"
    log "removed var/pgdata and var/uploads: the next start begins with a new database"
    exit 0 ;;
  dsn)
    ensure_venv
    embedded_postgres dsn "$VAR/pgdata" || { echo "the embedded PostgreSQL is not running" >&2; exit 1; }
    exit 0 ;;
  dump | restore)
    file="${2:?usage: bash scripts/run.sh $1 FILE}"
    file="$(cd "$(dirname "$file")" && pwd)/$(basename "$file")"
    ensure_venv
    [ -f "$VAR/pgdata/PG_VERSION" ] || { echo "no embedded database in $VAR/pgdata" >&2; exit 1; }
    if [ "$1" = dump ]; then
      with_embedded_database dump_to "$file"
      log "dumped the embedded database ($VAR/pgdata) to $file; the uploads are in $VAR/uploads"
    else
      with_embedded_database restore_from "$file"
      log "restored $file into the embedded database ($VAR/pgdata)"
    fi
    exit 0 ;;
  *)
    echo "usage: bash scripts/run.sh [start|--demo|stop|reset|dsn|dump FILE|restore FILE]" >&2
    exit 2 ;;
esac

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
# First, before installing or starting anything: is the port free?
probe="$HOST"
[ "$probe" = "0.0.0.0" ] && probe=127.0.0.1
if port_open "$PORT" "$probe"; then
  echo "error: $HOST:$PORT is already in use (another run.sh?). Stop that server, or pick another port: PORT=8001 bash scripts/run.sh" >&2
  exit 1
fi

ensure_venv
ensure_webapp_build
embedded=""
if [ -z "${DATABASE_URL:-}" ]; then
  log "DATABASE_URL is unset: starting the embedded PostgreSQL in $VAR/pgdata"
  DATABASE_URL="$(embedded_postgres start "$VAR/pgdata")"
  export DATABASE_URL
  embedded=1
  demo=1  # its own database: demo data by default
  # A development token, so messenger sign-in can be tried against this local database only.
  export MAX_BOT_TOKEN="${MAX_BOT_TOKEN:-dev-max-bot-token}"
else
  # The password never reaches the terminal.
  log "database: DATABASE_URL ($(sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#' <<<"$DATABASE_URL"))"
fi
stop_database() {
  if [ -n "$embedded" ]; then
    log "stopping the embedded PostgreSQL"
    embedded_postgres stop "$VAR/pgdata" >/dev/null || true
  fi
}
trap stop_database EXIT

if [ -n "$demo" ]; then
  log "loading demo data (idempotent): sign in as demo / demo-password"
  app_cli seed-demo
else
  log "no demo data in DATABASE_URL's database (bash scripts/run.sh --demo loads it)"
  app_cli migrate
fi
# Links made on this machine open the web app here (no messenger link is set by default).
export PUBLIC_URL="${PUBLIC_URL:-http://127.0.0.1:$PORT}"
export HOST PORT
log "Max Photo Gallery on http://127.0.0.1:$PORT  (API docs: /api/docs; Ctrl+C stops it)"
# The one server command (app/cli.py `serve`): every uvicorn option comes from settings.
app_cli serve &
server=$!
# A background job of a script ignores Ctrl+C, so pass INT/TERM on; then wait for it to finish.
# $server is the subshell running app_cli; the server process is its child.
trap 'pkill -TERM -P "$server" 2>/dev/null; kill -TERM "$server" 2>/dev/null || true' INT TERM
status=0
wait "$server" || status=$?
wait "$server" 2>/dev/null || true
exit "$status"
