"""`jifen recompute`: rebuild every stored score of a subtree (or the installation) set-based.

The per-branch refresh (scores.refresh_branch_scores) runs the engine over one branch's entries;
doing that for a province would pull twenty million entries through Python. Here one SQL
statement (bulk_sql.py) does the arithmetic for every member at once into a temporary table,
and Python streams that table in chunks of members to decide grades and flags with the engine's
own rules and write the scores back, a chunk per short transaction. Memory stays bounded by the
chunk size, and writers are never blocked for long: the statement only reads the ledger, and
each chunk locks only the score rows it rewrites.

A score that the per-branch refresh rewrote while this ran (a confirmation came in) is newer
than this computation's snapshot and is left alone. An advisory lock (PostgreSQL) or a lock file
(SQLite) stops two recomputations from running at once, also across machines sharing a database.

Explanations are not written here: a member's explanation is computed from the ledger when it
is read (standing.py). A scheme whose numbers are not whole tenths of a point is left to the
engine, branch by branch.
"""

import contextlib
import datetime as dt
import fcntl
import functools
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from jifen.engine.plan import Plan, plan_for
from jifen.engine.standing import Standing, choose_grade, raise_flags
from jifen.engine.vocab import BASE_COMPONENT, EXEMPT_GRADE, PENDING_GRADE
from jifen.org.enums import OrgKind
from jifen.org.models import Organization
from jifen.schemes.models import Scheme
from jifen.scoring import bulk_sql
from jifen.scoring.bulk_sql import RESULT_COLUMNS, Dialect, tenths
from jifen.scoring.models import OrgStat
from jifen.scoring.rollup import Figures, rebuild_ancestors, upsert_stats

LOCK_KEY = 0x6A69  # "ji": with the database name, the advisory lock of score recomputation
CHUNK = 5000  # members per streamed chunk and per write transaction
WRITE_BATCH = 500  # rows per INSERT statement (SQLite)

SCORE_COLUMNS = ("member_id", "year", "branch_id", "root_id", "scheme_id", "total", "components",
                 "months", "veto", "rank", "ranked", "grade", "flags", "explain", "computed_at")
JSON_COLUMNS = {"components", "months", "flags", "explain"}


class RecomputeBusy(Exception):
    """Another recomputation holds the lock."""


@dataclass
class Outcome:
    members: int = 0
    branches: int = 0
    schemes: int = 0
    engine_branches: int = 0  # branches left to the engine (scheme numbers not in tenths)
    seconds: dict[str, float] = field(default_factory=dict)


# --- the lock ------------------------------------------------------------------------------


@contextlib.contextmanager
def recompute_lock() -> Iterator[None]:
    """Hold the recomputation lock for the duration, or raise RecomputeBusy at once."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # per database: another database on the same server is another installation
            cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(current_database()))",
                           [LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise RecomputeBusy
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, hashtext(current_database()))",
                               [LOCK_KEY])
        return
    # SQLite lives on one machine: a lock file next to nothing in particular will do
    name = str(connection.settings_dict["NAME"])
    if "memory" in name:  # an in-memory database belongs to this process alone
        name += f"#{os.getpid()}"
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"jifen-recompute-{digest}.lock"
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RecomputeBusy from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- what to score --------------------------------------------------------------------------


@dataclass
class Scope:
    branches: dict[int, tuple[int, Scheme]]  # branch id -> (root id, effective scheme)
    by_sql: dict[int, Plan]  # scheme id -> plan, for schemes the SQL can score
    by_engine: list[int]  # branch ids left to the engine


def build_scope(year: int, org: Organization | None) -> Scope:
    """Every branch of the subtree that has a scheme, with the scheme that applies to it (its
    own, else its nearest ancestor's: the same rule as schemes.queries.effective_scheme)."""
    schemes = {s.org_id: s for s in Scheme.objects.filter(year=year)}
    branches = Organization.objects.filter(kind=OrgKind.BRANCH)
    if org is not None:
        branches = branches.filter(path__startswith=org.path)
    scope = Scope({}, {}, [])
    plans: dict[int, Plan | None] = {}
    for branch_id, root_id, path in branches.values_list("id", "root_id", "path"):
        ancestors = [int(part) for part in path.strip("/").split("/")]
        scheme = next((schemes[a] for a in reversed(ancestors) if a in schemes), None)
        if scheme is None:
            continue
        if scheme.pk not in plans:
            plans[scheme.pk] = _sql_plan(scheme)
        scope.branches[branch_id] = (root_id, scheme)
        if plans[scheme.pk] is None:
            scope.by_engine.append(branch_id)
    scope.by_sql = {pk: plan for pk, plan in plans.items() if plan is not None}
    return scope


def _sql_plan(scheme: Scheme) -> Plan | None:
    plan = plan_for(scheme.engine_scheme)
    try:
        bulk_sql.check_tenths(plan)
    except ValueError:
        return None
    return plan


# --- the temporary tables -------------------------------------------------------------------

TEMP_TABLES = {
    "jifen_bulk_scope": "branch_id INTEGER PRIMARY KEY, scheme_id INTEGER NOT NULL",
    "jifen_bulk_scheme": ("scheme_id INTEGER PRIMARY KEY, monthly INTEGER NOT NULL, "
                          "base INTEGER NOT NULL, floor INTEGER NOT NULL, ceiling INTEGER, "
                          "bounded_base INTEGER NOT NULL"),
    "jifen_bulk_item": ("id INTEGER PRIMARY KEY, scheme_id INTEGER NOT NULL, "
                        "code VARCHAR(20) NOT NULL, cat INTEGER NOT NULL, cap INTEGER, "
                        "pick_max INTEGER NOT NULL, veto INTEGER NOT NULL, noid INTEGER NOT NULL"),
}
MADE_BY_SELECT = ("jifen_bulk_people", "jifen_bulk_period", "jifen_bulk_result")


def _create_temp_tables(cursor) -> None:
    """The working tables. On PostgreSQL they are unlogged tables rather than temporary ones:
    parallel workers cannot read a temporary table, and the scoring statements are scans of the
    whole ledger that want both cores. The lock makes their fixed names safe."""
    _drop_temp_tables(cursor)
    for name, columns in TEMP_TABLES.items():
        cursor.execute(f"CREATE {_table_kind()} TABLE {name} ({columns})")


def _table_kind() -> str:
    return "UNLOGGED" if connection.vendor == "postgresql" else "TEMPORARY"


def _drop_temp_tables(cursor) -> None:
    for name in (*TEMP_TABLES, *MADE_BY_SELECT, "jifen_bulk_score"):
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _bounded(plan: Plan, value: int) -> int:
    scheme = plan.scheme
    if value < tenths(scheme.floor):
        return tenths(scheme.floor)
    if scheme.ceiling is not None and value > tenths(scheme.ceiling):
        return tenths(scheme.ceiling)
    return value


def _fill_temp_tables(cursor, scope: Scope) -> None:
    cursor.executemany("INSERT INTO jifen_bulk_scope (branch_id, scheme_id) VALUES (%s, %s)", [
        (branch_id, scheme.pk) for branch_id, (_, scheme) in scope.branches.items()
        if scheme.pk in scope.by_sql])
    schemes, items = [], []
    for pk, plan in scope.by_sql.items():
        s = plan.scheme
        base = tenths(s.base)
        schemes.append((pk, int(plan.monthly), base, tenths(s.floor),
                        None if s.ceiling is None else tenths(s.ceiling), _bounded(plan, base)))
        index = {c.key: i for i, c in enumerate(plan.categories)}
        for code, item in plan.items.items():
            items.append((len(items) + 1, pk, code, index[item.category],
                          None if item.cap is None else tenths(item.cap), int(item.pick_max),
                          int(item.veto), int(code in plan.no_identity_codes)))
    cursor.executemany("INSERT INTO jifen_bulk_scheme VALUES (%s, %s, %s, %s, %s, %s)", schemes)
    cursor.executemany("INSERT INTO jifen_bulk_item VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                       items)
    _analyze(cursor, *TEMP_TABLES)


def _analyze(cursor, *tables: str) -> None:
    """Autovacuum never analyzes temporary tables: without statistics the planner takes them
    for a row or two and loops over the ledger by index, a hundred times slower."""
    if connection.vendor == "postgresql":
        for name in tables:
            cursor.execute(f"ANALYZE {name}")


# --- from result rows to scores --------------------------------------------------------------


@functools.lru_cache(maxsize=4096)  # a few hundred distinct values cover a province
def _money(value_tenths: int) -> str:
    return f"{Decimal(value_tenths) / 10:.2f}"


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


EMPTY_LIST = _json([])


@dataclass
class RowMaker:
    """Turns a result row into a score row (JSON columns as text), with the engine's grade and
    flag rules, and adds the member to their branch's figures."""

    year: int
    scope: Scope
    now: object
    figures: dict[int, Figures] = field(default_factory=dict)

    def __call__(self, row: dict) -> tuple:
        branch_id = row["branch_id"]
        root_id, scheme = self.scope.branches[branch_id]
        plan = self.scope.by_sql[scheme.pk]
        common = (row["member_id"], self.year, branch_id, root_id, scheme.pk)
        figures = self.figures.get(branch_id)
        if figures is None:
            figures = self.figures[branch_id] = Figures()
        if row["exempt"]:
            figures.add_member(None, EXEMPT_GRADE, ())
            return (*common, None, None, None, False, None, row["ranked"], EXEMPT_GRADE,
                    EMPTY_LIST, EMPTY_LIST, self.now)
        total = Decimal(row["cents"]).scaleb(-2)  # exactly the engine's total in cents
        standing = Standing(row["rnk"], row["ranked"], row["lower_count"])
        rule = choose_grade(plan.scheme, total, standing)
        grade = PENDING_GRADE if rule is None else rule.key
        flags, _ = raise_flags(plan.scheme, total, standing, veto=bool(row["veto"]),
                               no_identity=bool(row["noid"]))
        figures.add_member(total, grade, flags)
        months = self._months(plan, row)
        return (*common, total, _json(self._components(plan, row)),
                None if months is None else _json(months), bool(row["veto"]), row["rnk"],
                row["ranked"], grade, _json(list(flags)), EMPTY_LIST, self.now)

    def _components(self, plan: Plan, row: dict) -> dict[str, str]:
        periods = 13 - row["start_month"] if plan.monthly else 1
        components = {BASE_COMPONENT: _money(tenths(plan.scheme.base) * periods)}
        for i, category in enumerate(plan.categories):
            components[category.key] = _money(row[f"c{i}"])
        return components

    def _months(self, plan: Plan, row: dict) -> dict[str, str] | None:
        if not plan.monthly:
            return None
        empty = _money(_bounded(plan, tenths(plan.scheme.base)))
        months = dict(_empty_months(empty, row["start_month"]))
        for part in (row["months"] or "").split(","):
            if part:
                month, total = part.split(":")
                months[month] = _money(int(total))
        return months


@functools.lru_cache(maxsize=256)
def _empty_months(empty: str, start_month: int) -> tuple[tuple[str, str], ...]:
    """Every in-scope month at the base score (bounded): what a month without entries counts."""
    return tuple((str(m), empty) for m in range(start_month, 13))


def _stream(cursor, width: int, chunk: int) -> Iterator[list[dict]]:
    """The result table in chunks of members, ordered by branch (keyset pagination)."""
    columns = (*RESULT_COLUMNS, *(f"c{i}" for i in range(width)))
    select = f"SELECT {', '.join(columns)} FROM jifen_bulk_result"
    after = (-1, -1)
    while True:
        cursor.execute(f"{select} WHERE branch_id > %s OR (branch_id = %s AND member_id > %s) "
                       f"ORDER BY branch_id, member_id LIMIT {chunk}",
                       [after[0], after[0], after[1]])
        rows = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
        if not rows:
            return
        yield rows
        after = (rows[-1]["branch_id"], rows[-1]["member_id"])


def _upsert_sql(rows: int) -> str:
    """SQLite: a multi-row INSERT … ON CONFLICT (SQLite has no COPY)."""
    one = "(" + ", ".join(["%s"] * len(SCORE_COLUMNS)) + ")"
    return (f"INSERT INTO scoring_score ({', '.join(SCORE_COLUMNS)}) VALUES "
            f"{', '.join([one] * rows)} ON CONFLICT (member_id, year) DO UPDATE SET {_UPDATES} "
            "WHERE scoring_score.computed_at < %s")


_UPDATES = ", ".join(f"{c} = excluded.{c}" for c in SCORE_COLUMNS
                     if c not in ("member_id", "year"))
_COMPARED = [c for c in SCORE_COLUMNS if c not in ("member_id", "year", "explain", "computed_at")]

# PostgreSQL: the chunk is copied into a staging table, then merged in one statement. A row whose
# figures did not change is not rewritten at all (no new row version, no index churn): after the
# first run, a nightly recomputation writes only what moved.
STAGING = ("CREATE TEMPORARY TABLE jifen_bulk_score (member_id INTEGER, year INTEGER, "
           "branch_id INTEGER, root_id INTEGER, scheme_id INTEGER, total NUMERIC(7, 2), "
           "components JSONB, months JSONB, veto BOOLEAN, rank INTEGER, ranked INTEGER, "
           "grade VARCHAR(30), flags JSONB, explain JSONB, computed_at TIMESTAMPTZ)")
MERGE = (f"INSERT INTO scoring_score ({', '.join(SCORE_COLUMNS)}) "
         f"SELECT {', '.join(SCORE_COLUMNS)} FROM jifen_bulk_score "
         f"ON CONFLICT (member_id, year) DO UPDATE SET {_UPDATES} "
         "WHERE scoring_score.computed_at < %s AND "
         f"({', '.join('scoring_score.' + c for c in _COMPARED)}) IS DISTINCT FROM "
         f"({', '.join('excluded.' + c for c in _COMPARED)})")


def _write_scores(cursor, rows: list[tuple], started) -> None:
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY jifen_bulk_score ({', '.join(SCORE_COLUMNS)}) "
                                "FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(MERGE, [started])
        cursor.execute("TRUNCATE jifen_bulk_score")
        return
    for start in range(0, len(rows), WRITE_BATCH):
        batch = rows[start:start + WRITE_BATCH]
        params = [value for row in batch for value in row]
        cursor.execute(_upsert_sql(len(batch)), [*params, started])


def _write_stats(year: int, scope: Scope, figures: dict[int, Figures]) -> None:
    """Every branch of the scope gets its figures (zeros for a branch with nobody in scope),
    then every organization above them the sums of its subtree."""
    rows = []
    for branch_id, (root_id, scheme) in scope.branches.items():
        if scheme.pk not in scope.by_sql:
            continue
        f = figures.get(branch_id, Figures())
        f.branches = 1
        rows.append(OrgStat(org_id=branch_id, root_id=root_id, year=year, **f.values()))
    upsert_stats(rows)
    rebuild_ancestors(year, {root_id for root_id, _ in scope.branches.values()})


def _remove_stale(cursor, year: int, started) -> None:
    """Scores of members no longer in a scored branch of the scope (transferred away, joined
    after the year) that nothing rewrote since this run began."""
    cursor.execute(
        "DELETE FROM scoring_score WHERE year = %s AND computed_at < %s AND branch_id IN "
        "(SELECT branch_id FROM jifen_bulk_scope) AND NOT EXISTS (SELECT 1 FROM "
        "jifen_bulk_result r WHERE r.member_id = scoring_score.member_id)", [year, started])


# --- the whole run ---------------------------------------------------------------------------


def recompute(year: int, org: Organization | None = None, *, chunk: int = CHUNK,
              progress: Callable[[str], None] | None = None) -> Outcome:
    """Rebuild the stored scores and branch figures of `org`'s subtree (all when None)."""
    say = progress or (lambda message: None)
    outcome = Outcome()
    with recompute_lock():
        clock = time.perf_counter()
        scope = build_scope(year, org)
        width = max((len(p.categories) for p in scope.by_sql.values()), default=0)
        outcome.branches, outcome.schemes = len(scope.branches), len(scope.by_sql)
        with connection.cursor() as cursor:
            try:
                started = connection.ops.adapt_datetimefield_value(timezone.now())
                _create_temp_tables(cursor)
                _fill_temp_tables(cursor, scope)
                if scope.by_sql:  # else no scheme applies anywhere: nothing to score
                    _score_in_sql(cursor, year, scope, width)
                    outcome.seconds["sql"] = time.perf_counter() - clock
                    say(f"SQL 计算完成：{outcome.seconds['sql']:.1f} 秒")
                    clock = time.perf_counter()
                    outcome.members = _write_all(cursor, year, scope, width, chunk, started, say)
                    outcome.seconds["write"] = time.perf_counter() - clock
            finally:
                _drop_temp_tables(cursor)
        outcome.engine_branches = _engine_fallback(scope, year)
    return outcome


def _score_in_sql(cursor, year: int, scope: Scope, width: int) -> None:
    dialect = Dialect(connection.vendor)
    params = {"year": year, "jan1": dt.date(year, 1, 1), "dec31": dt.date(year, 12, 31)}
    steps = [
        (bulk_sql.people_statement(dialect), "jifen_bulk_people"),
        (bulk_sql.periods_statement(dialect, scope.by_sql, width), "jifen_bulk_period"),
        (bulk_sql.result_statement(dialect, width), "jifen_bulk_result"),
    ]
    postgres = connection.vendor == "postgresql"
    if postgres:
        # Enough memory for the hash aggregates to stay off disk, bounded (128 MB a node); and
        # no nested loops: every join here is between whole tables.
        cursor.execute("SET work_mem = '128MB'")
        cursor.execute("SET enable_nestloop = off")
    try:
        for select, table in steps:
            # CREATE TABLE … AS rather than INSERT … SELECT: PostgreSQL may run it in parallel
            cursor.execute(f"CREATE {_table_kind()} TABLE {table} AS {select}", params)
            if table == "jifen_bulk_period" and not postgres:
                cursor.execute("CREATE INDEX jifen_bulk_period_member "
                               "ON jifen_bulk_period (member_id)")
            if table == "jifen_bulk_result":  # the order _stream pages through
                cursor.execute("CREATE INDEX jifen_bulk_result_order "
                               "ON jifen_bulk_result (branch_id, member_id)")
            _analyze(cursor, table)
    finally:
        if postgres:
            cursor.execute("RESET work_mem")
            cursor.execute("RESET enable_nestloop")


def _write_all(cursor, year, scope, width, chunk, started, say) -> int:
    make = RowMaker(year, scope, connection.ops.adapt_datetimefield_value(timezone.now()))
    if connection.vendor == "postgresql":
        cursor.execute("DROP TABLE IF EXISTS jifen_bulk_score")
        cursor.execute(STAGING)
    written = 0
    for rows in _stream(cursor, width, chunk):
        scores = [make(row) for row in rows]
        with transaction.atomic():
            _write_scores(cursor, scores, started)
        written += len(scores)
        say(f"已写入 {written} 名党员的积分")
    with transaction.atomic():
        _write_stats(year, scope, make.figures)
        _remove_stale(cursor, year, started)
    return written


def _engine_fallback(scope: Scope, year: int) -> int:
    from jifen.scoring.scores import refresh_branch_scores

    for branch_id in scope.by_engine:
        with transaction.atomic():
            refresh_branch_scores(Organization.objects.get(pk=branch_id), year)
    return len(scope.by_engine)
