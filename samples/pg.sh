#!/usr/bin/env bash
# samples/pg.sh start|stop|crash|env DIR - a private PostgreSQL 15 inside DIR.
#
# Unix socket in DIR, no TCP port, trust auth for the local OS user.  Under
# root the server runs as the "postgres" OS user, because PostgreSQL refuses
# to run as root.  `env` prints the PG* exports that reach it.
set -euo pipefail
cmd=${1:?start|stop|crash|env}
DIR=$(realpath -m "${2:?data folder}")
BIN=$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)
[ -x "$BIN/initdb" ] || BIN=/usr/lib/postgresql/15/bin
PORT=5432

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The socket path must fit in sun_path (107 bytes); else use a short one.
sockdir() {
    if [ ${#DIR} -le 80 ]; then echo "$DIR"; else echo "/tmp/adreport-$(echo "$DIR" | md5sum | cut -c1-12)"; fi
}

case "$cmd" in
start)
    if [ ! -f "$DIR/PG_VERSION" ]; then
        mkdir -p "$DIR"
        if [ "$(id -u)" = 0 ]; then
            chown postgres: "$DIR"
            runuser -u postgres -- test -w "$DIR" || {
                echo "adreport: error: the postgres user cannot write \"$DIR\"" >&2
                echo "HINT:  make every parent folder of the project searchable (chmod o+x), or set PGHOST" >&2
                exit 1
            }
        fi
        as_owner "$BIN/initdb" -D "$DIR" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$DIR.initdb.log" 2>&1 ||
            { cat "$DIR.initdb.log" >&2; exit 1; }
        rm -f "$DIR.initdb.log"
    fi
    S=$(sockdir)
    mkdir -p "$S"
    [ "$(id -u)" = 0 ] && chown postgres: "$S"
    if ! as_owner "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
        as_owner "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -s \
            -o "-c listen_addresses='' -c unix_socket_directories='$S' -p $PORT" start
    fi
    ;;
stop)
    if [ -f "$DIR/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
        as_owner "$BIN/pg_ctl" -D "$DIR" -w -s -m fast stop
    fi
    ;;
crash)
    # Immediate shutdown: what a power cut leaves of the server (WAL not yet
    # written out is lost; recovery replays the rest at the next start).
    # For the fault tests.
    if [ -f "$DIR/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
        as_owner "$BIN/pg_ctl" -D "$DIR" -w -s -m immediate stop
    fi
    ;;
env)
    echo "export PGHOST='$(sockdir)' PGPORT=$PORT PGUSER=postgres"
    ;;
esac
