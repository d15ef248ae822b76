#!/usr/bin/env bash
# paperflow set-up on a fresh Debian/Ubuntu machine (as root, or with sudo).
#   bash setup.sh demo   install what is needed, then run the main job on the bundled example
#   bash setup.sh test   install what is needed (incl. test tools), then run the test suite
# Both can be repeated: installed packages are skipped, the demo workspace is made anew.
set -euo pipefail
cd "$(dirname "$0")"
mode="${1:-demo}"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Runtime: LibreOffice (conversion, with python3-uno for its persistent workers), SoftHSM2 (the
# demo/test token), poppler (pdfsig/pdftotext), tesseract with Vietnamese (scanned decisions),
# fonts with Vietnamese glyphs (Liberation = Times New Roman metrics).
APT_RUNTIME="python3 python3-venv python3-pip libreoffice-writer-nogui python3-uno softhsm2 opensc
  poppler-utils tesseract-ocr tesseract-ocr-vie fonts-liberation2 fonts-dejavu-core fonts-noto-core"
# Tests only: a browser for the web page test, PostgreSQL for the register on PostgreSQL.
APT_TEST="chromium postgresql"

pkgs="$APT_RUNTIME"
if [ "$mode" = "test" ]; then pkgs="$pkgs $APT_TEST"; fi
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
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
    if [ -z "${PAPERFLOW_TEST_PG_URL:-}" ] && command -v pg_ctlcluster >/dev/null; then
      ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
      if ! pg_lsclusters -h 2>/dev/null | grep -q "^$ver main"; then $SUDO pg_createcluster "$ver" main >/dev/null; fi
      $SUDO pg_ctlcluster "$ver" main start 2>/dev/null || true
      as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }
      as_pg "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='paperflow'\" | grep -q 1 || psql -qc \"CREATE ROLE paperflow LOGIN PASSWORD 'paperflow'\"" >/dev/null
      as_pg "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='paperflow_test'\" | grep -q 1 || createdb -O paperflow paperflow_test" >/dev/null
      export PAPERFLOW_TEST_PG_URL="postgresql+psycopg://paperflow:paperflow@127.0.0.1/paperflow_test"
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
