#!/usr/bin/env bash
# Run Max Photo Gallery locally: backend + built web app at one URL, with demo data.
#
#   bash scripts/run.sh          start (Ctrl+C stops the server and the embedded PostgreSQL)
#   bash scripts/run.sh stop     stop an embedded PostgreSQL left running (e.g. after a kill -9)
#   bash scripts/run.sh reset    stop it and delete its data and the uploads (var/pgdata, var/uploads)
#   bash scripts/run.sh dsn      print the embedded database's DSN while it runs (for psql)
#
# Uses DATABASE_URL when set, else an embedded PostgreSQL 16 kept in var/pgdata (VAR_DIR moves
# var/). HOST and PORT change where it listens.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_loopback

case "${1:-start}" in
  start) ;;
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
  *)
    echo "usage: bash scripts/run.sh [start|stop|reset|dsn]" >&2
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
  log "DATABASE_URL is unset: starting the embedded PostgreSQL in var/pgdata"
  DATABASE_URL="$(embedded_postgres start "$VAR/pgdata")"
  export DATABASE_URL
  embedded=1
fi
stop_database() {
  if [ -n "$embedded" ]; then
    log "stopping the embedded PostgreSQL"
    embedded_postgres stop "$VAR/pgdata" >/dev/null || true
  fi
}
trap stop_database EXIT

export MAX_BOT_TOKEN="${MAX_BOT_TOKEN:-dev-max-bot-token}"
log "loading demo data (idempotent)"
app_cli seed-demo
# Links made on this machine open the web app here (no messenger link is set by default).
export PUBLIC_URL="${PUBLIC_URL:-http://127.0.0.1:$PORT}"
export HOST PORT
log "Max Photo Gallery on http://127.0.0.1:$PORT  (API docs: /api/docs; Ctrl+C stops it)"
# The one server command (app/cli.py `serve`): every uvicorn option comes from settings.
app_cli serve &
server=$!
# A background job of a script ignores Ctrl+C, so pass INT/TERM on; then wait for it to finish.
trap 'kill -TERM "$server" 2>/dev/null || true' INT TERM
status=0
wait "$server" || status=$?
wait "$server" 2>/dev/null || true
exit "$status"
