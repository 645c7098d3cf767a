#!/usr/bin/env bash
# Web app end-to-end: a real backend (fresh database) serving webapp/dist, driven by headless
# Debian Chromium through @playwright/test (webapp/playwright.config.ts, webapp/e2e/*.spec.ts).
# Called by scripts/test.sh. Arguments go to `playwright test` (e.g. --project=max-ru-390 or a
# file name); E2E_PORT picks the backend's first port to try (default 8700).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
: "${TEST_DATABASE_URL:?set by scripts/test.sh}"

# Nothing is installed system-wide here: .ci/run installs Debian's chromium; test.sh reports
# this stage as not run when it is missing.
if ! command -v chromium >/dev/null 2>&1; then
  echo "chromium is missing: install Debian's chromium package (apt-get install chromium)" >&2
  exit 1
fi

db="gallery_e2e_$$"
port="${E2E_PORT:-8700}"
while port_open "$port"; do port=$((port + 1)); done
uploads="$(mktemp -d)"
DATABASE_URL="$("$VENV/bin/python" scripts/test_database.py create "$db")"
token="123456:e2e-max-bot-token"
log "backend for e2e on :$port"
DATABASE_URL="$DATABASE_URL" MAX_BOT_TOKEN="$token" TELEGRAM_BOT_TOKEN="654321:e2e-tg-token" \
  JWT_SECRET="e2e-secret-0123456789abcdef0123456789" UPLOAD_DIR="$uploads" APP_ENV=test \
  BCRYPT_ROUNDS=4 REDIS_URL= WEBAPP_DIST="$ROOT/webapp/dist" PUBLIC_URL="http://127.0.0.1:$port" \
  MINIAPP_LINK="https://max.ru/e2e_gallery_bot" TELEGRAM_MINIAPP_LINK="https://t.me/e2e_gallery_bot/gallery" \
  TELEGRAM_BOT_API_URL="http://127.0.0.1:9" MAX_BOT_API_URL="http://127.0.0.1:9" \
  HOST=127.0.0.1 PORT="$port" app_cli serve >"$VAR/e2e-backend.log" 2>&1 &
server=$!
cleanup() {
  # $server is the subshell running app_cli; the server is its child (it outlived the run before).
  pkill -TERM -P "$server" 2>/dev/null || true
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  "$VENV/bin/python" scripts/test_database.py drop "$db" || true
  rm -rf "$uploads"
}
trap cleanup EXIT
for _ in $(seq 100); do port_open "$port" && break; sleep 0.2; done

(cd webapp && E2E_BASE_URL="http://127.0.0.1:$port" E2E_MAX_BOT_TOKEN="$token" \
  E2E_TG_BOT_TOKEN="654321:e2e-tg-token" E2E_DATABASE_URL="$DATABASE_URL" npm run --silent e2e -- "$@")

# The documented `node scripts/measure-paint.mjs --nginx`, in its quick mode against the same
# backend (behind nginx.conf when nginx is installed): it must print its figures, or the command
# has rotted.
edge=""
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then edge="--nginx"; fi
paint="$(cd webapp && E2E_BASE_URL="http://127.0.0.1:$port" E2E_MAX_BOT_TOKEN="$token" node scripts/measure-paint.mjs --quick $edge)"
echo "$paint"
grep -Eq '^first gallery paint \(ms\): [0-9]+ → median [0-9]+$' <<<"$paint" \
  && grep -Eq '^requests before the first tiles: [0-9]+ \([0-9]+ JS files\)' <<<"$paint" \
  && grep -Eq '^initial JS [0-9.]+ KiB \+ CSS [0-9.]+ KiB' <<<"$paint" \
  && grep -Eq '^bytes over the wire until then .*: [0-9.]+ KiB$' <<<"$paint" \
  || { echo "measure-paint.mjs --quick did not print its figures" >&2; exit 1; }
