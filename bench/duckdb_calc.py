#!/usr/bin/env python3
"""The DuckDB side of bench/compare.sh: loads a dataset folder (dataset.md) into a DuckDB database
file and computes, in SQL, the same crediting and commission rules as `attain calc`
(compensation.md), exactly, in integer cents; then, apart from the timings, checks its results
against attain's `export --results` files.

What it computes (§ of compensation.md):
  §1 split credits RHE2(x * percent / 100) with the owner keeping the remainder; reversals without
     an owner or split rows of their own credited with their original's (chains followed); direct
     credit per person x fiscal month x metric; override credit up the reporting tree as it stood
     on each credit's date (reporting.csv, else people.manager_id), all levels; credited.
  §2 windows (month, quarter, year): period-to-date credit C(m), whole-period target Q(m).
  §3 commission (marginal tiers, charge-back at the first band's rate below zero) and payout_curve
     (linear interpolation, target incentive x weight x months / 12), caps, Q = 0 earns 0.
  §4 E(m) = RHE2(g(C(m))), earned to date across ended windows, payout = ETD(m) - ETD(m-1).
What it leaves out: locked months and paid.csv (the benchmark company has none), statements and
adjustments, territory results (§6), warnings, and writing results back as rows of a store.

Usage: duckdb_calc.py DATASET_DIR DB_FILE YEAR [--check RESULTS_DIR] [--load-only]
Prints one JSON line: {"load_transactions_s": .., "load_rest_s": .., "compute_s": .., ...}.
"""

import json
import os
import sys
import time

import duckdb

MONEY = "DECIMAL(18,2)"


def read(con, name, path, columns):
    cols = ", ".join(f"'{c}': '{t}'" for c, t in columns)
    con.execute(
        f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_csv('{path}', header = true, "
        f"columns = {{{cols}}})"
    )


def load(con, d):
    """Loads transactions.csv (timed alone: the figure compared with sqlite3 .import) and then
    the other files the rules read."""
    t0 = time.perf_counter()
    read(con, "transactions", f"{d}/transactions.csv", [
        ("transaction_id", "VARCHAR"), ("date", "DATE"), ("kind", "VARCHAR"),
        ("amount", MONEY), ("margin", MONEY), ("account_id", "VARCHAR"),
        ("opportunity_id", "VARCHAR"), ("owner_id", "VARCHAR"), ("reverses_id", "VARCHAR"),
    ])
    t1 = time.perf_counter()
    read(con, "splits", f"{d}/splits.csv",
         [("transaction_id", "VARCHAR"), ("person_id", "VARCHAR"), ("percent", "DECIMAL(9,4)")])
    read(con, "people", f"{d}/people.csv", [
        ("person_id", "VARCHAR"), ("name", "VARCHAR"), ("email", "VARCHAR"), ("role", "VARCHAR"),
        ("job_id", "VARCHAR"), ("manager_id", "VARCHAR"), ("territory_id", "VARCHAR"),
        ("hire_date", "DATE"), ("end_date", "DATE"),
    ])
    read(con, "reporting", f"{d}/reporting.csv",
         [("person_id", "VARCHAR"), ("manager_id", "VARCHAR"), ("start_date", "DATE")])
    read(con, "targets", f"{d}/targets.csv", [
        ("scope", "VARCHAR"), ("scope_id", "VARCHAR"), ("year", "INTEGER"), ("month", "INTEGER"),
        ("metric", "VARCHAR"), ("amount", MONEY),
    ])
    read(con, "plans", f"{d}/plans.csv", [
        ("plan_id", "VARCHAR"), ("name", "VARCHAR"), ("year", "INTEGER"), ("component", "VARCHAR"),
        ("metric", "VARCHAR"), ("method", "VARCHAR"), ("period", "VARCHAR"),
        ("weight", "DECIMAL(18,6)"), ("cap", MONEY),
    ])
    read(con, "plan_tiers", f"{d}/plan_tiers.csv", [
        ("plan_id", "VARCHAR"), ("component", "VARCHAR"), ("att_from", "DECIMAL(18,6)"),
        ("att_to", "DECIMAL(18,6)"), ("rate", "DECIMAL(18,6)"),
    ])
    read(con, "plan_curve", f"{d}/plan_curve.csv", [
        ("plan_id", "VARCHAR"), ("component", "VARCHAR"), ("attainment", "DECIMAL(18,6)"),
        ("payout", "DECIMAL(18,6)"),
    ])
    read(con, "plan_assignments", f"{d}/plan_assignments.csv", [
        ("person_id", "VARCHAR"), ("plan_id", "VARCHAR"), ("year", "INTEGER"),
        ("target_incentive", MONEY),
    ])
    read(con, "settings", f"{d}/settings.csv", [("key", "VARCHAR"), ("value", "VARCHAR")])
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1


def fiscal(con, year):
    settings = dict(con.execute("SELECT key, value FROM settings").fetchall())
    start = int(settings.get("fiscal_year_start_month", "1"))
    named_by = settings.get("fiscal_year_named_by", "start")
    first_year = year if named_by == "start" or start == 1 else year - 1
    end_exclusive = f"{first_year + 1:04d}-{start:02d}-01"
    return f"{first_year:04d}-{start:02d}-01", end_exclusive, first_year * 12 + start - 1


def compute(con, year):
    ys, ye, base = fiscal(con, year)
    q = con.execute
    # RHE: n / d rounded half to even (d > 0); DuckDB's // and % truncate like C.
    q("""CREATE OR REPLACE MACRO rhe(n, d) AS (
           CASE WHEN 2 * abs(n % d) > d OR (2 * abs(n % d) = d AND (n // d) % 2 <> 0)
                THEN n // d + sign(n) ELSE n // d END)""")
    q(f"""CREATE OR REPLACE TEMP TABLE tx AS
          SELECT transaction_id, date,
                 CAST(year(date) * 12 + month(date) - 1 - {base} + 1 AS INTEGER) AS m,
                 kind, CAST(amount * 100 AS BIGINT) AS amount,
                 CAST(coalesce(margin, 0) * 100 AS BIGINT) AS margin,
                 owner_id, reverses_id
          FROM transactions WHERE date >= DATE '{ys}' AND date < DATE '{ye}'""")
    q("""CREATE OR REPLACE TEMP TABLE sp AS
         SELECT transaction_id, person_id, CAST(percent * 10000 AS BIGINT) AS units
         FROM splits WHERE percent <> 0""")
    # §1 reversals: follow the chain while the row has no owner or no split rows of its own.
    q("""CREATE OR REPLACE TEMP TABLE src AS
         WITH RECURSIVE chain(tid, cur, hops) AS (
           SELECT transaction_id, transaction_id, 0 FROM tx WHERE reverses_id IS NOT NULL
           UNION ALL
           SELECT c.tid, o.transaction_id, c.hops + 1
           FROM chain c
           JOIN transactions t ON t.transaction_id = c.cur
           JOIN transactions o ON o.transaction_id = t.reverses_id
           WHERE c.hops < 64
             AND (t.owner_id IS NULL
                  OR NOT EXISTS (SELECT 1 FROM sp WHERE sp.transaction_id = t.transaction_id)))
         SELECT c.tid, c.src, t.owner_id AS src_owner
         FROM (SELECT tid, arg_max(cur, hops) AS src FROM chain GROUP BY tid) c
         JOIN transactions t ON t.transaction_id = c.src""")
    q("""CREATE OR REPLACE TEMP TABLE tv AS
         WITH s AS (
           SELECT tx.*, coalesce(src.src, tx.transaction_id) AS source,
                  CASE WHEN src.tid IS NULL THEN tx.owner_id ELSE src.src_owner END AS credited_owner
           FROM tx LEFT JOIN src ON src.tid = tx.transaction_id)
         SELECT s.transaction_id, s.date, s.m, v.metric, v.x, s.source,
                s.credited_owner AS owner_id
         FROM s
         CROSS JOIN LATERAL (VALUES
             (CASE WHEN s.kind = 'booking' THEN 'bookings' ELSE 'revenue' END, s.amount),
             ('margin', CASE WHEN s.kind = 'revenue' THEN s.margin ELSE 0 END)) v(metric, x)
         WHERE v.x <> 0""")
    q("""CREATE OR REPLACE TEMP TABLE split_credit AS
         SELECT tv.transaction_id, tv.metric, tv.date, tv.m, sp.person_id,
                CAST(rhe(CAST(tv.x AS HUGEINT) * sp.units, 1000000) AS BIGINT) AS c
         FROM tv JOIN sp ON sp.transaction_id = tv.source""")
    q("""CREATE OR REPLACE TEMP TABLE direct_day AS
         WITH owner_credit AS (
           SELECT tv.owner_id AS person_id, tv.date, tv.m, tv.metric,
                  tv.x - coalesce(s.c, 0) AS c
           FROM tv LEFT JOIN (SELECT transaction_id, metric, sum(c) AS c
                              FROM split_credit GROUP BY ALL) s
             ON s.transaction_id = tv.transaction_id AND s.metric = tv.metric
           WHERE tv.owner_id IS NOT NULL)
         SELECT person_id, date, m, metric, CAST(sum(c) AS BIGINT) AS amount FROM (
           SELECT person_id, date, m, metric, c FROM owner_credit
           UNION ALL SELECT person_id, date, m, metric, c FROM split_credit)
         GROUP BY ALL""")
    # The reporting tree by date: each person's manager over [valid_from, valid_to).
    q(f"""CREATE OR REPLACE TEMP TABLE mgr AS
          WITH r AS (SELECT * FROM reporting WHERE start_date < DATE '{ye}'),
          iv AS (
            SELECT person_id, start_date AS valid_from,
                   coalesce(lead(start_date) OVER (PARTITION BY person_id ORDER BY start_date),
                            DATE '9999-12-31') AS valid_to,
                   manager_id
            FROM r
            UNION ALL
            SELECT p.person_id, DATE '0001-01-01',
                   coalesce((SELECT min(start_date) FROM r WHERE r.person_id = p.person_id),
                            DATE '9999-12-31'),
                   p.manager_id
            FROM people p)
          SELECT * FROM iv WHERE manager_id IS NOT NULL AND valid_from < valid_to""")
    # Override: walk up one level at a time, summing per manager and date at every level.
    q("""CREATE OR REPLACE TEMP TABLE override_day AS
         SELECT person_id, date, m, metric, amount FROM direct_day WHERE false""")
    q("CREATE OR REPLACE TEMP TABLE level AS SELECT person_id, date, m, metric, amount FROM direct_day")
    for _ in range(64):
        q("""CREATE OR REPLACE TEMP TABLE level AS
             SELECT mgr.manager_id AS person_id, l.date, l.m, l.metric,
                    CAST(sum(l.amount) AS BIGINT) AS amount
             FROM level l JOIN mgr ON mgr.person_id = l.person_id
               AND l.date >= mgr.valid_from AND l.date < mgr.valid_to
             GROUP BY ALL""")
        if q("SELECT count(*) FROM level").fetchone()[0] == 0:
            break
        q("INSERT INTO override_day SELECT * FROM level")
    q(f"""CREATE OR REPLACE TEMP TABLE credits AS
          WITH d AS (SELECT person_id, m, metric, sum(amount) AS direct FROM direct_day GROUP BY ALL),
          o AS (SELECT person_id, m, metric, sum(amount) AS override FROM override_day GROUP BY ALL),
          t AS (SELECT scope_id AS person_id, month AS m, metric,
                       CAST(amount * 100 AS BIGINT) AS target
                FROM targets WHERE scope = 'person' AND year = {year})
          SELECT person_id, m, metric,
                 CAST(coalesce(direct, 0) AS BIGINT) AS direct,
                 CAST(coalesce(override, 0) AS BIGINT) AS override,
                 CAST(coalesce(direct, 0) + coalesce(override, 0) AS BIGINT) AS credited,
                 coalesce(target, 0) AS target
          FROM d FULL JOIN o USING (person_id, m, metric) FULL JOIN t USING (person_id, m, metric)""")
    # §2 windows, per assigned person x component x month.
    q(f"""CREATE OR REPLACE TEMP TABLE pcm AS
          WITH comp AS (
            SELECT plan_id, component, metric, method, period,
                   CAST(coalesce(weight, 1) * 1000000 AS BIGINT) AS weight,
                   CAST(cap * 100 AS BIGINT) AS cap
            FROM plans),
          months AS (SELECT range AS m FROM range(1, 13))
          SELECT a.person_id, c.plan_id, c.component, c.metric, c.method, c.period, c.weight,
                 c.cap, CAST(a.target_incentive * 100 AS BIGINT) AS ti, months.m,
                 CASE c.period WHEN 'month' THEN months.m
                               WHEN 'quarter' THEN (months.m - 1) // 3 * 3 + 1 ELSE 1 END AS ws,
                 CASE c.period WHEN 'month' THEN months.m
                               WHEN 'quarter' THEN (months.m - 1) // 3 * 3 + 3 ELSE 12 END AS we
          FROM plan_assignments a JOIN comp c ON c.plan_id = a.plan_id CROSS JOIN months
          WHERE a.year = {year}""")
    q("""CREATE OR REPLACE TEMP TABLE cq AS
         SELECT p.person_id, p.plan_id, p.component, p.metric, p.method, p.period, p.weight,
                p.cap, p.ti, p.m, p.ws, p.we,
                CAST(coalesce(sum(k.credited) FILTER (WHERE k.m <= p.m), 0) AS HUGEINT) AS c,
                CAST(coalesce(sum(k.target), 0) AS HUGEINT) AS q
         FROM pcm p LEFT JOIN credits k ON k.person_id = p.person_id AND k.metric = p.metric
           AND k.m BETWEEN p.ws AND p.we
         GROUP BY ALL""")
    # §3 commission: marginal bands, scaled by 10^12; curve: K * N / (12 * 10^12 * D).
    q("""CREATE OR REPLACE TEMP TABLE earned AS
         WITH tiers AS (
           SELECT plan_id, component, CAST(att_from * 1000000 AS HUGEINT) AS a,
                  CAST(att_to * 1000000 AS HUGEINT) AS b, CAST(rate * 1000000 AS HUGEINT) AS r
           FROM plan_tiers),
         comm AS (
           SELECT cq.person_id, cq.plan_id, cq.component, cq.m,
                  sum(t.r * greatest(0, least(cq.c * 1000000, coalesce(t.b * cq.q, cq.c * 1000000))
                                        - t.a * cq.q))
                  + coalesce(max(CASE WHEN t.a = 0 THEN t.r END), 0) * least(0, cq.c) * 1000000 AS f
           FROM cq JOIN tiers t ON t.plan_id = cq.plan_id AND t.component = cq.component
           WHERE cq.method = 'commission' AND cq.q <> 0
           GROUP BY cq.person_id, cq.plan_id, cq.component, cq.m, cq.c),
         pts AS (
           SELECT plan_id, component, CAST(attainment * 1000000 AS HUGEINT) AS a,
                  CAST(payout * 1000000 AS HUGEINT) AS p,
                  lead(CAST(attainment * 1000000 AS HUGEINT)) OVER w AS a2,
                  lead(CAST(payout * 1000000 AS HUGEINT)) OVER w AS p2
           FROM plan_curve WINDOW w AS (PARTITION BY plan_id, component ORDER BY attainment)),
         seg AS (
           SELECT cq.person_id, cq.plan_id, cq.component, cq.m,
                  CAST(coalesce(cq.ti, 0) AS HUGEINT) * cq.weight * (cq.we - cq.ws + 1) AS k,
                  CASE WHEN pts.a2 IS NULL THEN pts.p
                       ELSE pts.p * cq.q * (pts.a2 - pts.a)
                            + (pts.p2 - pts.p) * (cq.c * 1000000 - pts.a * cq.q) END AS n,
                  CASE WHEN pts.a2 IS NULL THEN 1 ELSE cq.q * (pts.a2 - pts.a) END AS d
           FROM cq JOIN pts ON pts.plan_id = cq.plan_id AND pts.component = cq.component
             AND pts.a * cq.q <= cq.c * 1000000
             AND (pts.a2 IS NULL OR cq.c * 1000000 < pts.a2 * cq.q)
           WHERE cq.method = 'payout_curve' AND cq.q <> 0),
         curve AS (
           SELECT person_id, plan_id, component, m, k, n // gcd(n, d) AS n, d // gcd(n, d) AS d
           FROM seg)
         SELECT cq.person_id, cq.plan_id, cq.component, cq.m, cq.ws, cq.we, cq.c, cq.q,
                CASE WHEN cq.q = 0 THEN 0
                     ELSE least(
                       CASE cq.method
                         WHEN 'commission' THEN rhe(coalesce(comm.f, 0), CAST(1000000000000 AS HUGEINT))
                         ELSE coalesce(rhe(curve.k * curve.n,
                                           CAST(12000000000000 AS HUGEINT) * curve.d), 0) END,
                       coalesce(cq.cap, 170141183460469231731687303715884105727)) END AS e
         FROM cq
         LEFT JOIN comm USING (person_id, plan_id, component, m)
         LEFT JOIN curve USING (person_id, plan_id, component, m)""")
    # §4 earned to date and payouts (no locked months).
    q("""CREATE OR REPLACE TEMP TABLE payouts AS
         WITH etd AS (
           SELECT e.*, e.e + coalesce((SELECT sum(x.e) FROM earned x
                   WHERE x.person_id = e.person_id AND x.plan_id = e.plan_id
                     AND x.component = e.component AND x.m = x.we AND x.m < e.ws), 0) AS etd
           FROM earned e)
         SELECT person_id, plan_id, component, m, c AS period_credit, q AS period_target,
                CAST(etd AS BIGINT) AS earned_to_date,
                CAST(etd - coalesce(lag(etd) OVER (PARTITION BY person_id, plan_id, component
                                                   ORDER BY m), 0) AS BIGINT) AS payout
         FROM etd""")


def cents(s):
    s = s.strip()
    if not s:
        return 0
    neg = s.startswith("-")
    whole, _, frac = s.lstrip("-").partition(".")
    v = int(whole) * 100 + int((frac + "00")[:2])
    return -v if neg else v


def check(con, results):
    """Compares every credits row (direct, override, credited) and every payouts row (period
    credit and target, earned to date, payout) with attain's exported results, to the cent."""
    import csv

    ours = {(p, m, metric): (d, o, c) for p, m, metric, d, o, c in con.execute(
        "SELECT person_id, m, metric, direct, override, credited FROM credits").fetchall()}
    theirs = {}
    with open(os.path.join(results, "credits.csv")) as f:
        for r in csv.DictReader(f):
            theirs[(r["person_id"], int(r["month"]), r["metric"])] = (
                cents(r["direct"]), cents(r["override"]), cents(r["credited"]))
    zero = (0, 0, 0)
    credit_diff = [k for k in set(ours) | set(theirs) if ours.get(k, zero) != theirs.get(k, zero)]
    ours_p = {(p, pl, c, m): (pc, pt, e, pay) for p, pl, c, m, pc, pt, e, pay in con.execute(
        "SELECT person_id, plan_id, component, m, period_credit, period_target, earned_to_date,"
        " payout FROM payouts").fetchall()}
    theirs_p = {}
    with open(os.path.join(results, "payouts.csv")) as f:
        for r in csv.DictReader(f):
            theirs_p[(r["person_id"], r["plan_id"], r["component"], int(r["month"]))] = (
                cents(r["period_credit"]), cents(r["period_target"]),
                cents(r["earned_to_date"]), cents(r["payout"]))
    payout_diff = [k for k in set(ours_p) | set(theirs_p)
                   if ours_p.get(k, (0, 0, 0, 0)) != theirs_p.get(k, (0, 0, 0, 0))]
    per_person = {}
    for (p, _, metric), (_, _, c) in theirs.items():
        if metric == "bookings":
            per_person.setdefault(p, [0, 0])[0] += c
    for (p, *_), v in theirs_p.items():
        per_person.setdefault(p, [0, 0])[1] += v[3]
    return {
        "credit_rows": len(theirs), "credit_rows_differing": len(credit_diff),
        "payout_rows": len(theirs_p), "payout_rows_differing": len(payout_diff),
        "people_checked": len(per_person),
        "total_payout_cents": sum(v[1] for v in per_person.values()),
        "examples": sorted(map(str, credit_diff))[:3] + sorted(map(str, payout_diff))[:3],
    }


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        sys.exit(__doc__)
    d, db, year = args[0], args[1], int(args[2])
    for ext in ("", ".wal"):
        if os.path.exists(db + ext):
            os.remove(db + ext)
    con = duckdb.connect(db)
    out = {}
    out["load_transactions_s"], out["load_rest_s"] = load(con, d)
    con.execute("CHECKPOINT")
    if "--load-only" not in args:
        t0 = time.perf_counter()
        compute(con, year)
        out["compute_s"] = time.perf_counter() - t0
        out["credit_rows"] = con.execute("SELECT count(*) FROM credits").fetchone()[0]
        out["payout_rows"] = con.execute("SELECT count(*) FROM payouts").fetchone()[0]
        if "--check" in args:
            out["check"] = check(con, args[args.index("--check") + 1])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
