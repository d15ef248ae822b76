#!/usr/bin/env bash
# paperflow set-up on a Debian/Ubuntu machine. As root or with sudo it installs what is missing;
# as an ordinary user it needs no sudo when the system packages are already there.
#   bash setup.sh demo   install what is needed, then run the main job on the bundled example
#   bash setup.sh test   install what is needed (incl. test tools), then run the test suite
# Both can be repeated: installed packages are skipped, the demo workspace is made anew.
set -euo pipefail
cd "$(dirname "$0")"
mode="${1:-demo}"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
# sudo only where it is needed and possible (never asked for when nothing is missing)
can_sudo() { [ -z "$SUDO" ] || { command -v sudo >/dev/null && sudo -n true 2>/dev/null; } || [ -t 0 ]; }

# Runtime: LibreOffice (conversion, with python3-uno for its persistent workers; Calc reads .xls), SoftHSM2 (the
# demo/test token), poppler (pdfsig/pdftotext), tesseract with Vietnamese (scanned decisions),
# fonts with Vietnamese glyphs (Liberation = Times New Roman metrics).
APT_RUNTIME="python3 python3-venv python3-pip libreoffice-writer-nogui libreoffice-calc-nogui python3-uno softhsm2 opensc
  poppler-utils tesseract-ocr tesseract-ocr-vie fonts-liberation2 fonts-dejavu-core fonts-noto-core"
# Tests only: a browser for the web page test, PostgreSQL for the register on PostgreSQL.
APT_TEST="chromium postgresql"

pkgs="$APT_RUNTIME"
if [ "$mode" = "test" ]; then pkgs="$pkgs $APT_TEST"; fi
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if ! command -v dpkg-query >/dev/null; then
  missing=""
  echo "== not Debian/Ubuntu: install LibreOffice, SoftHSM2, poppler, tesseract (vie) yourself"
fi
if [ -n "$missing" ] && ! can_sudo; then
  echo "== missing system packages:$missing" >&2
  echo "   ask an administrator: sudo apt-get install$missing" >&2
  exit 1
fi
if [ -n "$missing" ]; then
  echo "== apt: installing$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"

case "$mode" in
  demo)
    rm -rf demo
    .venv/bin/paperflow init demo --example --demo
    cd demo
    ../.venv/bin/paperflow run --once
    echo
    echo "== Kiểm tra chữ ký / verifying the signatures"
    # the batch folders only: the recipient folders hold links to the same files
    mapfile -t signed < <(find outbox -mindepth 2 -maxdepth 2 -name '*.signed.pdf' -not -path '*/.*' | sort)
    ../.venv/bin/paperflow verify "${signed[@]}"
    echo
    echo "Kết quả / results: $(pwd)/outbox/"
    ;;
  test)
    shift || true
    # The register on PostgreSQL as well as SQLite: a local server on loopback, a scratch database.
    pg_url="postgresql+psycopg://paperflow:paperflow@127.0.0.1/paperflow_test"
    if [ -z "${PAPERFLOW_TEST_PG_URL:-}" ] && command -v psql >/dev/null \
       && PGCONNECT_TIMEOUT=3 psql "postgresql://paperflow:paperflow@127.0.0.1/paperflow_test" -qtAc "SELECT 1" >/dev/null 2>&1; then
      export PAPERFLOW_TEST_PG_URL="$pg_url"          # already set up: no sudo needed
    fi
    if [ -z "${PAPERFLOW_TEST_PG_URL:-}" ] && command -v pg_ctlcluster >/dev/null && ! can_sudo; then
      echo "== PostgreSQL not set up and no sudo: its test is skipped (set PAPERFLOW_TEST_PG_URL)"
    elif [ -z "${PAPERFLOW_TEST_PG_URL:-}" ] && command -v pg_ctlcluster >/dev/null; then
      ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
      if ! pg_lsclusters -h 2>/dev/null | grep -q "^$ver main"; then $SUDO pg_createcluster "$ver" main >/dev/null; fi
      $SUDO pg_ctlcluster "$ver" main start 2>/dev/null || true
      as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }
      as_pg "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='paperflow'\" | grep -q 1 || psql -qc \"CREATE ROLE paperflow LOGIN PASSWORD 'paperflow'\"" >/dev/null
      as_pg "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='paperflow_test'\" | grep -q 1 || createdb -O paperflow paperflow_test" >/dev/null
      export PAPERFLOW_TEST_PG_URL="$pg_url"
    fi
    set +e
    .venv/bin/python -m pytest -q "$@"
    rc=$?
    set -e
    if [ "$rc" -eq 5 ]; then echo "pytest collected no tests: that is a failure here." >&2; exit 1; fi
    exit "$rc"
    ;;
  *)
    echo "usage: bash setup.sh [demo|test]" >&2; exit 2 ;;
esac
