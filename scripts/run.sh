#!/usr/bin/env bash
# Run Max Photo Gallery locally: backend + built web app at one URL, with demo data.
# Uses DATABASE_URL when set, else an embedded PostgreSQL 16 kept in var/pgdata.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_venv
ensure_webapp_build
if [ -z "${DATABASE_URL:-}" ]; then
  log "DATABASE_URL is unset: starting the embedded PostgreSQL in var/pgdata"
  DATABASE_URL="$(embedded_postgres "$VAR/pgdata")"
  export DATABASE_URL
fi
export UPLOAD_DIR="${UPLOAD_DIR:-$VAR/uploads}"
export MAX_BOT_TOKEN="${MAX_BOT_TOKEN:-dev-max-bot-token}"
log "loading demo data (idempotent)"
PYTHONPATH="$ROOT/backend" "$VENV/bin/python" -m app.cli seed-demo
PORT="${PORT:-8000}"
# Links made on this machine open the web app here (no messenger link is set by default).
export PUBLIC_URL="${PUBLIC_URL:-http://127.0.0.1:$PORT}"
log "Max Photo Gallery on http://127.0.0.1:$PORT  (API docs: /api/docs)"
# Like the image: the app's own JSON request log (route templates, never query strings), not
# uvicorn's access log, which prints every URL with its query.
exec "$VENV/bin/uvicorn" app.main:app --app-dir backend --host "${HOST:-127.0.0.1}" --port "$PORT" \
  --log-config backend/logging.json --no-access-log
