#!/usr/bin/env python3
"""Turns bench/compare.sh's times.tsv (size, label, seconds, peak KB) into the Markdown table of
docs/performance.md: best and median of each figure, and the ratios the targets are stated in."""

import json
import os
import statistics
import sys


def main():
    times, work = sys.argv[1], sys.argv[2]
    runs = {}
    for line in open(times):
        size, label, secs, kb = line.rstrip("\n").split("\t")
        runs.setdefault((int(size), label), []).append((float(secs), int(kb)))

    def fig(size, label):
        r = runs.get((size, label))
        if not r:
            return None
        secs = sorted(s for s, _ in r)
        return secs[0], statistics.median(secs), max(kb for _, kb in r) / 1024

    def cell(f, mem=True):
        if f is None:
            return "–"
        best, median, mb = f
        text = f"{best:.2f} s / {median:.2f} s"
        return f"{text}, {mb:.0f} MB" if mem and mb else text

    def ratio(a, b):
        if a is None or b is None or b[0] == 0:
            return "–"
        return f"{a[0] / b[0]:.2f}× / {a[1] / b[1]:.2f}×"

    sizes = sorted({s for s, _ in runs})
    out = [
        "Times are best / median of the runs (wall clock); memory is the peak resident set. "
        "Ratios are best / best and median / median.",
        "",
        "| figure | " + " | ".join(f"{s:,} transactions" for s in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    rows = [
        ("sqlite3 .import transactions.csv, bare table (floor)", lambda s: cell(fig(s, "floor"))),
        ("attain import, transactions + splits into a store holding the rest",
         lambda s: cell(fig(s, "import_tx"))),
        ("**import ratio to the floor** (target ≤ 1.5×)",
         lambda s: ratio(fig(s, "import_tx"), fig(s, "floor"))),
        ("DuckDB load of transactions.csv", lambda s: cell(fig(s, "duck_load_transactions_s"))),
        ("import ratio to DuckDB's load",
         lambda s: ratio(fig(s, "import_tx"), fig(s, "duck_load_transactions_s"))),
        ("attain import, whole company (21 files)", lambda s: cell(fig(s, "import_all"))),
        ("attain calc --year 2026 (SQLite)", lambda s: cell(fig(s, "calc"))),
        ("DuckDB compute of the same rules", lambda s: cell(fig(s, "duck_compute_s"))),
        ("**calc ratio to DuckDB** (target ≤ 3×)",
         lambda s: ratio(fig(s, "calc"), fig(s, "duck_compute_s"))),
        ("DuckDB script, whole run (load, compute, peak memory)", lambda s: cell(fig(s, "duckdb"))),
        ("attain import, whole company (PostgreSQL)", lambda s: cell(fig(s, "pg_import_all"))),
        ("attain calc --year 2026 (PostgreSQL)", lambda s: cell(fig(s, "pg_calc"))),
    ]
    for name, f in rows:
        out.append(f"| {name} | " + " | ".join(f(s) for s in sizes) + " |")
    out.append("")
    for s in sizes:
        path = os.path.join(work, f"duckdb{s}.json")
        if os.path.exists(path):
            check = json.load(open(path)).get("check", {})
            out.append(
                f"Check at {s:,}: {check.get('credit_rows_differing')} of "
                f"{check.get('credit_rows')} credits rows and {check.get('payout_rows_differing')} "
                f"of {check.get('payout_rows')} payouts rows differ between DuckDB and attain "
                f"({check.get('people_checked')} people, total payout "
                f"{check.get('total_payout_cents', 0) / 100:,.2f})."
            )
    print("\n".join(out))


if __name__ == "__main__":
    main()
