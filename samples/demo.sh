#!/usr/bin/env bash
# samples/demo.sh [stop] - `make demo`: the nightly job end to end on samples/.
#
# With no database configured (no PGHOST, PGSERVICE, PGDATABASE or
# DATABASE_URL) it starts a private PostgreSQL in .pgdata/ inside the project
# and keeps it between runs, so you can look inside afterwards.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PGDATA_DIR="$ROOT/.pgdata"

if [ "${1:-}" = stop ]; then
    samples/pg.sh stop "$PGDATA_DIR"
    echo "private PostgreSQL in .pgdata/ stopped"
    exit 0
fi

if [ -z "${PGHOST:-}${PGSERVICE:-}${PGDATABASE:-}${DATABASE_URL:-}" ]; then
    samples/pg.sh start "$PGDATA_DIR"
    eval "$(samples/pg.sh env "$PGDATA_DIR")"
    export PGDATABASE=adreport
    psql -X -q -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'adreport'" | grep -q 1 ||
        createdb adreport
    private=1
fi

./adreport init
rc=0
./adreport run --incoming samples/incoming --reports reports --rejects rejects || rc=$?
case $rc in
0) ;;
3) echo "(exit 3: the samples contain bad rows on purpose; see rejects/)" ;;
*) exit $rc ;;
esac
echo
echo "reports are in reports/, rejected rows in rejects/"
if [ -n "${private:-}" ]; then
    echo "look inside:  psql -h '$PGHOST' -U postgres adreport"
    echo "stop server:  make demo-stop"
fi
