"""Everything 我的积分 shows about one member and year, all of it from the engine."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from jifen import engine
from jifen.core import clock
from jifen.org import permissions as org_perm
from jifen.org.enums import RankingVisibility
from jifen.org.models import Member
from jifen.schemes.queries import effective_scheme
from jifen.scoring import permissions as perm
from jifen.scoring.models import Entry, Score
from jifen.scoring.scores import (
    COUNTED,
    compute_branch,
    engine_entries,
    engine_members,
    provisional_result,
)

GRADE_TITLES_FALLBACK = {"exempt": "不列入管理范围", "pending": "待支部研究确定"}
FLAG_TITLES = {"admonish": "诫勉谈话", "unqualified": "不合格", "no_award": "取消评先评优资格",
               "veto": "一票否决"}


@dataclass
class Standing:
    scheme: object
    official: Score | None
    provisional: engine.MemberResult | None
    show_rank: bool
    grade_title: str
    flag_titles: list[str]
    trend: list[dict]
    components: list[tuple[str, str]]

    @property
    def explain(self) -> list[str]:
        """The official explanation; before anything is confirmed, the provisional one without
        its rank line (one member computed alone has no meaningful rank)."""
        if self.official is not None:
            return self.official.explain or official_explain(self.official)
        lines = self.provisional.explain if self.provisional else []
        return [line for line in lines if not line.startswith("排名")]


def official_explain(score: Score) -> list[str]:
    """Write the explanation of a stored score that `jifen recompute` left without one: the
    engine over the member's branch, as the per-branch refresh would have stored it. It is kept
    on the row, unless the row was rewritten meanwhile, so the branch is computed once."""
    outcome = compute_branch(score.member.branch, score.year)
    if outcome is None:
        return []
    try:
        lines = list(outcome.result.member(str(score.member_id)).explain)
    except KeyError:  # the member left the branch since: the stored score is all there is
        return []
    Score.objects.filter(pk=score.pk, computed_at=score.computed_at, explain=[]).update(
        explain=lines)
    return lines


def grade_titles(scheme) -> dict[str, str]:
    titles = {g["key"]: g["title"] for g in scheme.definition["grades"]} if scheme else {}
    return {**GRADE_TITLES_FALLBACK, **titles}


def label_rows(rows, scheme) -> list:
    """Give stored scores the Chinese names of their grade and flags, for display."""
    titles = grade_titles(scheme)
    for row in rows:
        row.grade_title = titles.get(row.grade, row.grade)
        row.flag_titles = [FLAG_TITLES.get(f, f) for f in row.flags]
    return rows


def member_standing(viewer, member: Member, year: int) -> Standing | None:
    scheme = effective_scheme(member.branch, year)
    if scheme is None:
        return None
    official = Score.objects.filter(member=member, year=year).first()
    provisional = provisional_result(member, year)
    titles = grade_titles(scheme)
    grade = official.grade if official else (provisional.grade if provisional else "")
    flags = official.flags if official else []
    category_titles = {c["key"]: c["title"] for c in scheme.definition["categories"]}
    components = [("基础分" if key == "base" else category_titles.get(key, key), value)
                  for key, value in (official.components or {}).items()] if official else []
    return Standing(
        scheme=scheme, official=official, provisional=provisional,
        show_rank=_may_see_rank(viewer, member), grade_title=titles.get(grade, grade),
        flag_titles=[FLAG_TITLES.get(f, f) for f in flags],
        trend=_trend(scheme, member, year, official), components=components,
    )


def _may_see_rank(viewer, member: Member) -> bool:
    if perm.can_lead_branch(viewer, member.branch) or org_perm.has_role_over(
            viewer, member.branch, {"reviewer"}):
        return True
    return member.branch.ranking_visibility != RankingVisibility.HIDDEN


def _trend(scheme, member: Member, year: int, official: Score | None) -> list[dict]:
    """Monthly points for the chart: each month's total (monthly schemes) or the running
    official total at each month's end (yearly schemes)."""
    today = clock.today()
    last_month = 12 if year < today.year else today.month
    if scheme.definition["period"] == "month":
        # months still to come are scored at the base: the chart stops at the month under way
        return [{"month": int(m), "total": v} for m, v in (official.months or {}).items()
                if int(m) <= last_month] if official and official.months else []
    scored = engine_members([member], year, group=member.branch.name)
    if not scored:
        return []
    entries = list(Entry.objects.filter(member=member, year=year, state__in=COUNTED)
                   .order_by("id"))
    points = []
    for month in range(scored[0].months[0], last_month + 1):
        month_end = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
        upto = [e for e in entries if e.occurred_on <= month_end]
        upto_ids = {e.pk for e in upto}
        upto = [e for e in upto if e.reverses_id is None or e.reverses_id in upto_ids]
        result = engine.compute(scheme.engine_scheme, year, scored,
                                engine_entries(upto, provisional=False))
        total = result.members[0].total
        points.append({"month": month, "total": str(total if total is not None else Decimal(0))})
    return points
