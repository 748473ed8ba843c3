"""The set-based half of `jifen recompute`: one SQL statement scores every member of a subtree.

It does, in the database and for every scheme at once, what jifen.engine.score does member by
member: item sums cut to item caps, a `max` category's largest entry, category caps, categories
counted inside another's cap, base + signed categories bounded by floor and ceiling per period,
monthly means rounded half up, veto, and competition ranks per branch with window functions.
Grades and flags (a handful of rules per scheme) are left to Python, which reads one row per
member from the result.

All arithmetic is on whole tenths of a point in integer columns, so SQLite (which has no decimal
type) and PostgreSQL agree to the last cent with the engine's Decimals. A scheme whose numbers
are not whole tenths is left to the engine (see bulk.py).

Three selects, each materialised by CREATE TABLE … AS (bulk.py) and analysed before the next
one runs (the planner needs real row counts to choose hash joins over a million members):
  people_statement   jifen_bulk_people: the members in scope, their scheme and first month
  periods_statement  jifen_bulk_period: per member and period, categories and bounded total
  result_statement   jifen_bulk_result: per member, total in cents, category sums, ranks
They read what bulk.py fills from the schemes:
  jifen_bulk_scope(branch_id, scheme_id)            the branches to score and their scheme
  jifen_bulk_scheme(scheme_id, monthly, base, floor, ceiling, bounded_base)
  jifen_bulk_item(id, scheme_id, code, cat, cap, pick_max, veto, noid)
"""

from dataclasses import dataclass

from jifen.engine.plan import Plan

TENTHS = 10

RESULT_COLUMNS = ("member_id", "branch_id", "scheme_id", "exempt", "start_month", "cents",
                  "veto", "noid", "months", "rnk", "lower_count", "ranked")


@dataclass(frozen=True)
class Dialect:
    """The few spellings that differ between PostgreSQL and SQLite."""

    vendor: str

    def month(self, column: str) -> str:
        if self.vendor == "postgresql":
            return f"CAST(EXTRACT(MONTH FROM {column}) AS INTEGER)"
        return f"CAST(strftime('%%m', {column}) AS INTEGER)"

    def text_agg(self, expression: str) -> str:
        if self.vendor == "postgresql":
            return f"string_agg({expression}, ',')"
        return f"group_concat({expression}, ',')"

    def text(self, expression: str) -> str:
        return f"CAST({expression} AS TEXT)"


def tenths(value) -> int:
    """A scheme number in tenths of a point; ValueError if it is not a whole number of them."""
    scaled = value * TENTHS
    if scaled != scaled.to_integral_value():
        raise ValueError(value)
    return int(scaled)


def check_tenths(plan: Plan) -> None:
    """Raise ValueError unless every number of the scheme is a whole number of tenths."""
    scheme = plan.scheme
    for value in (scheme.base, scheme.floor, scheme.ceiling):
        if value is not None:
            tenths(value)
    for item in plan.items.values():
        tenths(item.min), tenths(item.max)
        if item.cap is not None:
            tenths(item.cap)
    for category in plan.categories:
        if category.cap is not None:
            tenths(category.cap)


def category_steps(plan: Plan) -> list[dict[str, str]]:
    """The caps of one scheme as successive layers of column expressions over c0…c{width-1}.

    The same order as Scorer._cut_categories: each category's own cap, then for each category
    that others count inside, the inner ones take their share of its cap first and it keeps what
    is left. `lft` carries what is left of the current outer cap from one layer to the next.
    """
    index = {c.key: i for i, c in enumerate(plan.categories)}
    layers: list[dict[str, str]] = []
    caps = {f"c{index[c.key]}": f"CASE WHEN c{index[c.key]} > {tenths(c.cap)} "
            f"THEN {tenths(c.cap)} ELSE c{index[c.key]} END"
            for c in plan.capped if c.cap is not None}
    if caps:
        layers.append(caps)
    for outer in plan.nests:
        assert outer.cap is not None
        layers.append({"lft": str(tenths(outer.cap))})
        for inner_key in outer.inner:
            col = f"c{index[inner_key]}"
            share = f"CASE WHEN {col} < lft THEN {col} ELSE lft END"
            layers.append({col: share, "lft": f"lft - ({share})"})
        col = f"c{index[outer.key]}"
        layers.append({col: f"CASE WHEN {col} > lft THEN lft ELSE {col} END"})
    return layers


def _merge_layers(plans: dict[int, Plan]) -> list[dict[str, str]]:
    """One list of layers for every scheme: where schemes differ, a CASE on scheme_id."""
    per_scheme = {sid: category_steps(plan) for sid, plan in plans.items()}
    depth = max((len(steps) for steps in per_scheme.values()), default=0)
    merged = []
    for level in range(depth):
        columns: dict[str, list[tuple[int, str]]] = {}
        for sid, steps in per_scheme.items():
            if level < len(steps):
                for col, expression in steps[level].items():
                    columns.setdefault(col, []).append((sid, expression))
        merged.append({
            col: "CASE scheme_id " + " ".join(f"WHEN {sid} THEN {expr}" for sid, expr in cases)
                 + f" ELSE {col} END"
            for col, cases in columns.items()
        })
    return merged


def _signed_sum(plans: dict[int, Plan]) -> str:
    """base + Σ factor·category, per scheme (the factors differ between schemes)."""
    cases = []
    for sid, plan in plans.items():
        terms = [f"{'+' if c.factor > 0 else '-'} c{i}"
                 for i, c in enumerate(plan.categories) if c.factor]
        cases.append(f"WHEN {sid} THEN {' '.join(terms) or '+ 0'}")
    return f"sc.base + (CASE p.scheme_id {' '.join(cases)} ELSE 0 END)"


def _components(plans: dict[int, Plan], width: int) -> list[str]:
    """Each category's signed contribution per period, as cK columns (0 for unused positions)."""
    columns = []
    for i in range(width):
        cases = [f"WHEN {sid} THEN {c.factor} * c{i}"
                 for sid, plan in plans.items()
                 for j, c in enumerate(plan.categories) if j == i]
        columns.append(f"CASE p.scheme_id {' '.join(cases)} ELSE 0 END AS c{i}" if cases
                       else f"0 AS c{i}")
    return columns


def people_statement(dialect: Dialect) -> str:
    """jifen_bulk_people: every member in scope for the year, with their scheme,
    first month and whether they are exempt (不列入管理范围)."""
    return f"""
SELECT m.id AS member_id, m.branch_id, s.scheme_id,
  CASE WHEN m.joined_on < %(jan1)s THEN 1 ELSE {dialect.month("m.joined_on")} END AS start_month,
  CASE WHEN EXISTS (SELECT 1 FROM org_exemption x WHERE x.member_id = m.id
                    AND x.year = %(year)s AND x.state = 'approved') THEN 1 ELSE 0 END AS exempt
FROM org_member m JOIN jifen_bulk_scope s ON s.branch_id = m.branch_id
WHERE m.joined_on <= %(dec31)s
"""


def periods_statement(dialect: Dialect, plans: dict[int, Plan], width: int) -> str:
    """jifen_bulk_period: per member and period (the year, or a month) with counted
    entries, each category after caps and the bounded period total. Grouping keys are integers
    (an item is its number in jifen_bulk_item), so the aggregates hash instead of sorting text."""
    cols = [f"c{i}" for i in range(width)]
    # one aggregate for every category: a `sum` category adds its items' capped sums, a `max`
    # category keeps its largest capped entry (a category has one mode, so one term is 0)
    pivot = ", ".join(
        f"SUM(CASE WHEN cat = {i} AND pick_max = 0 THEN total ELSE 0 END) + "
        f"COALESCE(MAX(CASE WHEN cat = {i} AND pick_max = 1 THEN best END), 0) AS c{i}"
        for i in range(width))
    ctes = [f"l0 AS (SELECT member_id, scheme_id, period, veto, noid{_list(cols)}, 0 AS lft "
            "FROM pivot)"]
    for n, layer in enumerate(_merge_layers(plans), start=1):
        exprs = [f"{layer.get(c, c)} AS {c}" for c in (*cols, "lft")]
        ctes.append(f"l{n} AS (SELECT member_id, scheme_id, period, veto, noid, "
                    f"{', '.join(exprs)} FROM l{n - 1})")
    last = f"l{len(ctes) - 1}"
    month_of_entry = dialect.month("e.occurred_on")
    signed = _signed_sum(plans)
    return f"""
WITH
reversed AS (
  SELECT reverses_id AS id FROM scoring_entry
  WHERE year = %(year)s AND state = 'confirmed' AND reverses_id IS NOT NULL
),
counted AS (
  SELECT p.member_id, p.scheme_id, i.id AS item,
    CASE WHEN sc.monthly = 1 THEN {month_of_entry} ELSE 0 END AS period,
    CAST(ROUND(e.points * 10) AS INTEGER) AS pts
  FROM scoring_entry e
  JOIN jifen_bulk_people p ON p.member_id = e.member_id
  JOIN jifen_bulk_scheme sc ON sc.scheme_id = p.scheme_id
  JOIN jifen_bulk_item i ON i.scheme_id = p.scheme_id AND i.code = e.item_code
  WHERE e.year = %(year)s AND e.state = 'confirmed' AND e.reverses_id IS NULL
    AND p.exempt = 0 AND NOT EXISTS (SELECT 1 FROM reversed r WHERE r.id = e.id)
    AND (sc.monthly = 0 OR {month_of_entry} >= p.start_month)
),
per_item AS (
  SELECT member_id, scheme_id, period, item, SUM(pts) AS total, MAX(pts) AS best
  FROM counted GROUP BY member_id, scheme_id, period, item
),
capped AS (
  SELECT g.member_id, g.scheme_id, g.period, i.cat, i.pick_max, i.veto, i.noid,
    CASE WHEN i.cap IS NOT NULL AND g.total > i.cap THEN i.cap ELSE g.total END AS total,
    CASE WHEN i.cap IS NOT NULL AND g.best > i.cap THEN i.cap ELSE g.best END AS best
  FROM per_item g JOIN jifen_bulk_item i ON i.id = g.item
),
pivot AS (
  SELECT member_id, scheme_id, period, MAX(veto) AS veto, MAX(noid) AS noid, {pivot}
  FROM capped GROUP BY member_id, scheme_id, period
),
{', '.join(ctes)}
SELECT p.member_id, p.period, p.veto, p.noid, {', '.join(_components(plans, width))},
  CASE WHEN {signed} < sc.floor THEN sc.floor
       WHEN sc.ceiling IS NOT NULL AND {signed} > sc.ceiling THEN sc.ceiling
       ELSE {signed} END AS t
FROM {last} p JOIN jifen_bulk_scheme sc ON sc.scheme_id = p.scheme_id
"""


def _list(columns: list[str]) -> str:
    return "".join(f", {c}" for c in columns)


def result_statement(dialect: Dialect, width: int) -> str:
    """jifen_bulk_result: each member's total in cents (the monthly mean rounded
    half up, in integers), the sums of their categories, and their rank in the branch."""
    cols = [f"c{i}" for i in range(width)]
    sums = _list([f"CAST(COALESCE(SUM(pr.c{i}), 0) AS BIGINT) AS c{i}" for i in range(width)])
    months = months_text(dialect)
    whole = "(sum_t + (n - k) * bounded_base)"
    return f"""
WITH
members AS (
  SELECT p.member_id, p.branch_id, p.scheme_id, p.exempt, p.start_month,
    CASE WHEN sc.monthly = 1 THEN 13 - p.start_month ELSE 1 END AS n,
    COUNT(pr.period) AS k, CAST(COALESCE(SUM(pr.t), 0) AS BIGINT) AS sum_t, sc.bounded_base,
    COALESCE(MAX(pr.veto), 0) AS veto, COALESCE(MAX(pr.noid), 0) AS noid,
    {months} AS months{sums}
  FROM jifen_bulk_people p JOIN jifen_bulk_scheme sc ON sc.scheme_id = p.scheme_id
  LEFT JOIN jifen_bulk_period pr ON pr.member_id = p.member_id
  GROUP BY p.member_id, p.branch_id, p.scheme_id, p.exempt, p.start_month, sc.monthly,
    sc.bounded_base
),
totals AS (
  SELECT member_id, branch_id, scheme_id, exempt, start_month, veto, noid, months{_list(cols)},
    CASE WHEN exempt = 1 THEN NULL WHEN veto = 1 THEN 0
         WHEN {whole} >= 0 THEN (20 * {whole} + n) / (2 * n)
         ELSE -((-20 * {whole} + n) / (2 * n)) END AS cents
  FROM members
)
SELECT member_id, branch_id, scheme_id, exempt, start_month, cents, veto, noid, months,
  CASE WHEN exempt = 1 THEN NULL
       ELSE RANK() OVER (PARTITION BY branch_id, exempt ORDER BY cents DESC) END AS rnk,
  CASE WHEN exempt = 1 THEN 0
       ELSE RANK() OVER (PARTITION BY branch_id, exempt ORDER BY cents ASC) - 1 END
    AS lower_count,
  SUM(1 - exempt) OVER (PARTITION BY branch_id) AS ranked{_list(cols)}
FROM totals
"""


def months_text(dialect: Dialect) -> str:
    """The months of a member with entries as text "3:1005,7:980" (month:total in tenths)."""
    return dialect.text_agg(f"{dialect.text('pr.period')} || ':' || {dialect.text('pr.t')}")
