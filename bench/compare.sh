#!/usr/bin/env bash
# Attain against the floor of a row store and against DuckDB (docs/performance.md). Not part of
# the tests or CI: run it by hand on a quiet machine.
#
#   bench/compare.sh [TRANSACTIONS ...]        (default: 1000000 10000000)
#
# For each size it generates a company with `attain gen` (10,000 people) and times, REPEAT times
# each (best and median reported, wall time and peak memory from /usr/bin/time):
#   - sqlite3 .import of transactions.csv into a bare table (no key, no index): the floor;
#   - attain import of the whole company into a new SQLite store;
#   - attain import of transactions.csv + splits.csv into a store that holds everything else;
#   - attain calc --year 2026 on SQLite (load, compute and write, as the command does it);
#   - DuckDB (Python package) loading the CSVs into a database file and computing the same rules
#     (bench/duckdb_calc.py), checked row by row against attain's export --results;
#   - with PG_URL set (a server URL; a database attain_bench is created and dropped): attain import
#     of the whole company and attain calc on PostgreSQL.
# Writes the Markdown table to $WORK/results.md and prints it.
#
# Environment: ATTAIN (binary; default: cargo build --release and target/release/attain),
# WORK (default /tmp/attain-bench), REPEAT (default 3), PG_URL (optional), PYTHON (python3).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=${WORK:-/tmp/attain-bench}
REPEAT=${REPEAT:-3}
PYTHON=${PYTHON:-python3}
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(1000000 10000000)
if [ -z "${ATTAIN:-}" ]; then
  cargo build --release -q -p attain-cli
  ATTAIN="$ROOT/target/release/attain"
fi
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is needed (apt-get install sqlite3)" >&2; exit 2; }
"$PYTHON" -c "import duckdb" 2>/dev/null || { echo "bench: the duckdb Python package is needed (pip install duckdb)" >&2; exit 2; }
mkdir -p "$WORK"
TIMES="$WORK/times.tsv"
: > "$TIMES"

# timed LABEL SIZE CMD... : runs CMD, appends "SIZE LABEL seconds peak_kb" to $TIMES.
timed() {
  local label=$1 size=$2; shift 2
  local out="$WORK/time.out"
  /usr/bin/time -f "%e %M" -o "$out" "$@" > "$WORK/last.log" 2>&1 || {
    echo "bench: $label failed:" >&2; tail -20 "$WORK/last.log" >&2; exit 1; }
  read -r secs kb < "$out"
  printf '%s\t%s\t%s\t%s\n' "$size" "$label" "$secs" "$kb" >> "$TIMES"
  echo "  $label: $secs s, $((kb / 1024)) MB" >&2
}

# extra LABEL SIZE SECONDS : records a figure measured inside a program (no peak memory).
extra() { printf '%s\t%s\t%s\t0\n' "$2" "$1" "$3" >> "$TIMES"; }

floor_import() { # CSV DB
  rm -f "$2" "$2-wal" "$2-shm"
  sqlite3 "$2" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE transactions (transaction_id TEXT, date TEXT, kind TEXT, amount TEXT, margin TEXT,
  account_id TEXT, opportunity_id TEXT, owner_id TEXT, reverses_id TEXT);
.mode csv
.import --skip 1 $1 transactions
SQL
}

export -f floor_import

fresh_sqlite() { rm -f "$1" "$1-wal" "$1-shm"; }

pg_db_url() { echo "${PG_URL%/*}/attain_bench"; }

for n in "${SIZES[@]}"; do
  d="$WORK/d$n"
  echo "== $n transactions" >&2
  if [ ! -f "$d/transactions.csv" ]; then
    "$ATTAIN" gen "$d" --people 10000 --transactions "$n" >&2
  fi
  mkdir -p "$d-rest" "$d-tx"
  for f in "$d"/*.csv; do
    b=$(basename "$f")
    case $b in
      transactions.csv|splits.csv) ln -sf "$f" "$d-tx/$b" ;;
      *) ln -sf "$f" "$d-rest/$b" ;;
    esac
  done
  db="$WORK/attain$n.db"
  for _ in $(seq "$REPEAT"); do
    timed floor "$n" bash -c 'floor_import "$@"' _ "$d/transactions.csv" "$WORK/floor.db"
  done
  rm -f "$WORK/floor.db"*
  for _ in $(seq "$REPEAT"); do
    fresh_sqlite "$db"
    timed import_all "$n" "$ATTAIN" --db "sqlite://$db" import "$d"
  done
  fresh_sqlite "$WORK/rest.db"
  "$ATTAIN" --db "sqlite://$WORK/rest.db" import "$d-rest" > /dev/null
  for _ in $(seq "$REPEAT"); do
    fresh_sqlite "$WORK/tx.db"
    cp "$WORK/rest.db" "$WORK/tx.db"
    timed import_tx "$n" "$ATTAIN" --db "sqlite://$WORK/tx.db" import "$d-tx"
  done
  rm -f "$WORK/tx.db"* "$WORK/rest.db"*
  for _ in $(seq "$REPEAT"); do
    timed calc "$n" "$ATTAIN" --db "sqlite://$db" calc --year 2026
  done
  rm -rf "$WORK/results$n"
  "$ATTAIN" --db "sqlite://$db" export --results --year 2026 "$WORK/results$n" > /dev/null
  for i in $(seq "$REPEAT"); do
    check=()
    [ "$i" -eq 1 ] && check=(--check "$WORK/results$n")
    timed duckdb "$n" "$PYTHON" bench/duckdb_calc.py "$d" "$WORK/duck$n.duckdb" 2026 "${check[@]}"
    json=$(tail -n 1 "$WORK/last.log")
    [ "$i" -eq 1 ] && echo "$json" > "$WORK/duckdb$n.json"
    for k in load_transactions_s compute_s; do
      extra "duck_$k" "$n" "$(echo "$json" | "$PYTHON" -c "import json,sys; print(round(json.load(sys.stdin)['$k'], 2))")"
    done
  done
  rm -f "$WORK/duck$n.duckdb"*
  if [ -n "${PG_URL:-}" ]; then
    psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS attain_bench" -c "CREATE DATABASE attain_bench"
    timed pg_import_all "$n" "$ATTAIN" --db "$(pg_db_url)" import "$d"
    for _ in $(seq "$REPEAT"); do
      timed pg_calc "$n" "$ATTAIN" --db "$(pg_db_url)" calc --year 2026
    done
    psql -q "$PG_URL" -c "DROP DATABASE attain_bench"
  fi
  fresh_sqlite "$db"
done

"$PYTHON" bench/table.py "$TIMES" "$WORK" | tee "$WORK/results.md"
