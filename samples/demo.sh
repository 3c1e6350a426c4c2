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

# What a customer without Excel sees: company 1's newest workbook, printed by
# LibreOffice to PDF, each page rendered to PNG in preview/.
month=$(ls -d reports/1/*/ 2>/dev/null | sort | tail -n 1)
if [ -n "$month" ] && command -v libreoffice >/dev/null && command -v pdftoppm >/dev/null; then
    rm -rf preview
    mkdir -p preview
    if timeout 180 libreoffice --headless "-env:UserInstallation=file://$ROOT/preview/.lo-profile" \
        --convert-to pdf --outdir preview "${month}performance.xlsx" >preview/.lo.log 2>&1 &&
        pdftoppm -r 80 -png preview/performance.pdf preview/page; then
        rm -rf preview/.lo-profile preview/.lo.log
        echo "printed pages of ${month}performance.xlsx: preview/performance.pdf, preview/page-*.png"
    else
        echo "(could not render ${month}performance.xlsx; see preview/.lo.log)"
    fi
fi
echo
echo "reports are in reports/, rejected rows in rejects/"
if [ -n "${private:-}" ]; then
    echo "look inside:  psql -h '$PGHOST' -U postgres adreport"
    echo "stop server:  make demo-stop"
fi
