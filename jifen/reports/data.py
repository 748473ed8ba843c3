"""The four printed forms, assembled from the ledger and the engine (never re-computed here).

- 《党员亮化记分管理台账》: one member's ledger for a year (Doc A attachment 2);
- 《党员积分登记表》: a branch's scores for a quarter (Doc B §四(三));
- 公示表: a publicity window's list for the notice board;
- annual results of a branch or a subtree.
"""

import datetime as dt

from jifen import engine
from jifen.org.enums import OrgKind
from jifen.org.models import Member, Organization
from jifen.publicity.models import Window
from jifen.publicity.totals import window_totals
from jifen.reports.report import Report, Table
from jifen.results.models import Appraisal
from jifen.schemes.queries import effective_scheme
from jifen.scoring.enums import EntryState
from jifen.scoring.models import Entry, Score
from jifen.scoring.scores import (
    COUNTED,
    engine_entries,
    engine_members,
    entries_for,
    months_in_scope,
)
from jifen.scoring.standing import FLAG_TITLES, grade_titles

SIGN = {"+": "+", "-": "-"}
BLANK_DATE = "＿＿＿＿年＿＿月＿＿日"  # to fill in by hand; spaces would collapse in print


def _signed(entry: Entry, signs: dict[str, str]) -> str:
    sign = signs.get(entry.item_category, "")
    if sign == "veto":
        return "一票否决"
    return f"{SIGN.get(sign, '')}{entry.points}"


def _category_titles(scheme) -> dict[str, str]:
    return {c["key"]: c["title"] for c in scheme.definition["categories"]} if scheme else {}


# --- 台账 ----------------------------------------------------------------------------------

def ledger_report(member: Member, year: int) -> Report:
    scheme = effective_scheme(member.branch, year)
    signs = {c["key"]: c["sign"] for c in scheme.definition["categories"]} if scheme else {}
    entries = (Entry.objects.filter(member=member, year=year).exclude(state=EntryState.DRAFT)
               .select_related("created_by", "reviewed_by").order_by("occurred_on", "id"))
    rows = [[e.occurred_on.isoformat(), f"{e.item_code} {e.item_title}"
             + ("（冲正）" if e.reverses_id else ""), _signed(e, signs), e.reason,
             str(e.created_by), str(e.reviewed_by or ""), e.get_state_display()]
            for e in entries]
    score = Score.objects.filter(member=member, year=year).first()
    titles = _category_titles(scheme)
    breakdown = [["基础分" if k == "base" else titles.get(k, k), v]
                 for k, v in (score.components or {}).items()] if score else []
    breakdown.append(["年度积分（已认定）", str(score.total) if score and score.total is not None
                      else "—"])
    return Report(
        title="党员亮化记分管理台账",
        filename=f"{member.branch.name}_{member.name}_{year}年_党员亮化记分管理台账",
        meta=[("支部", member.branch.name), ("姓名", member.name),
              ("类别", member.get_category_display()), ("状态", member.get_status_display()),
              ("年度", f"{year} 年"), ("联系电话", member.phone_masked or "—")],
        tables=[Table(["日期", "记分项目", "分值", "事由", "记录人", "初评人", "状态"], rows,
                      widths=[12, 36, 8, 36, 10, 10, 10]),
                Table(["构成", "分值"], breakdown, caption="积分构成", widths=[20, 12])],
        signatures=["记分员（签字）：", "支部书记（签字）：", f"日期：{BLANK_DATE}"],
        landscape=True)


# --- 登记表 --------------------------------------------------------------------------------

def quarter_months(quarter: int) -> tuple[int, ...]:
    return tuple(range(3 * quarter - 2, 3 * quarter + 1))


def register_report(branch: Organization, year: int, quarter: int,
                    meeting_on: dt.date | None = None) -> Report:
    """A branch's quarter: month columns (monthly schemes) or the quarter's counted points by
    category (yearly schemes), the total, the rank — all from engine.compute."""
    scheme = effective_scheme(branch, year)
    if scheme is None:
        raise ValueError(f"{branch.name} {year} 年没有计分方案。")
    members = list(Member.objects.filter(branch=branch).order_by("name"))
    months = quarter_months(quarter)
    if scheme.definition["period"] == "month":
        columns, rows = _monthly_quarter(scheme, members, year, months, branch.name)
    else:
        columns, rows = _yearly_quarter(scheme, members, year, months, branch.name)
    meeting = meeting_on.strftime("%Y年%m月%d日") if meeting_on else BLANK_DATE
    return Report(
        title="党员积分登记表",
        filename=f"{branch.name}_{year}年第{quarter}季度_党员积分登记表",
        meta=[("党支部", branch.name), ("年度", f"{year} 年"), ("季度", f"第 {quarter} 季度"),
              ("党员大会评定日期", meeting)],
        tables=[Table(columns, rows, widths=[12] + [10] * (len(columns) - 1))],
        signatures=["支部书记（签字）：", "填表人（签字）："], landscape=True)


def _scored(scheme, members, year, months, group):
    """Engine members whose scope is the quarter (their months within it)."""
    scoped = []
    for member in members:
        in_scope = tuple(m for m in months_in_scope(member, year) if m in months)
        if in_scope:
            scoped.append((member, in_scope))
    people = [m for m, _ in scoped]
    base = {em.id: em for em in engine_members(people, year, group=group)}
    return people, [engine.Member(id=em.id, category=em.category, group=group,
                                  months=in_scope, exempt=em.exempt)
                    for (m, in_scope) in scoped if (em := base.get(str(m.pk)))]


def _monthly_quarter(scheme, members, year, months, group):
    """Each month's total and the quarter's mean (the engine's mean over in-scope months)."""
    people, scored = _scored(scheme, members, year, months, group)
    entries = entries_for(people, year, COUNTED, months=months)
    result = engine.compute(scheme.engine_scheme, year, scored,
                            engine_entries(entries, provisional=False))
    names = {str(m.pk): m.name for m in people}
    rows = [[names[r.id], *[f"{r.months[m]:.2f}" if r.months and m in r.months else "—"
                            for m in months],
             str(r.total) if r.total is not None else "不列入", r.rank or "—"]
            for r in result.members]
    return ["姓名", *[f"{m} 月" for m in months], "季度积分", "名次"], rows


def _yearly_quarter(scheme, members, year, months, group):
    """The quarter's counted points by category (the difference of the engine's components at
    the quarter's end and at the previous quarter's end), the total so far and its rank."""
    so_far = tuple(range(1, months[-1] + 1))
    before = tuple(range(1, months[0]))
    people, scored = _scored(scheme, members, year, so_far, group)
    now = engine.compute(scheme.engine_scheme, year, scored, engine_entries(
        entries_for(people, year, COUNTED, months=so_far), provisional=False))
    earlier = {}
    if before:
        earlier = {r.id: r for r in engine.compute(scheme.engine_scheme, year, scored,
                                                   engine_entries(entries_for(
                                                       people, year, COUNTED, months=before),
                                                       provisional=False)).members}
    keys = [c["key"] for c in scheme.definition["categories"]]
    titles = _category_titles(scheme)
    names = {str(m.pk): m.name for m in people}
    rows = []
    for r in now.members:
        if r.components is None:
            rows.append([names[r.id], *["—"] * len(keys), "不列入", "—"])
            continue
        prior = earlier.get(r.id)
        quarter = [r.components[k] - (prior.components[k] if prior and prior.components else 0)
                   for k in keys]
        rows.append([names[r.id], *[f"{v:.2f}" for v in quarter], str(r.total), r.rank])
    return ["姓名", *[f"本季{titles[k]}" for k in keys], "截至季末积分", "名次"], rows


# --- 公示表 --------------------------------------------------------------------------------

def publicity_report(window: Window) -> Report:
    scheme = effective_scheme(window.branch, window.starts_on.year)
    signs = {c["key"]: c["sign"] for c in scheme.definition["categories"]} if scheme else {}
    tables = []
    if not window.is_annual:
        entries = window.entries.select_related("member").order_by("member__name",
                                                                   "occurred_on")
        tables.append(Table(["姓名", "记分项目", "分值", "日期"],
                            [[e.member.name, e.item_title, _signed(e, signs),
                              e.occurred_on.isoformat()] for e in entries],
                            widths=[12, 40, 10, 12]))
    totals = window_totals(window)
    tables.append(Table(["姓名", "积分"], [[t["name"], str(t["total"]) if t["total"] is not None
                                           else "不列入"] for t in totals],
                        caption="积分合计", widths=[12, 12]))
    return Report(
        title=f"{window.branch.name}{window.title}",
        filename=f"{window.branch.name}_{window.title}_公示表",
        meta=[("公示期", f"{window.starts_on:%Y年%m月%d日} 至 {window.ends_on:%Y年%m月%d日}")],
        tables=tables,
        notes=["对公示内容有异议的，请于公示期内向本支部书面或当面反映，写明事实和理由；"
               "支部查核后予以答复。对答复仍有异议的，可向学校党委组织部申诉。"],
        signatures=[f"中共{window.branch.name}委员会", BLANK_DATE])


# --- 年度结果 -------------------------------------------------------------------------------

def results_report(org: Organization, year: int) -> Report:
    branches = Organization.objects.filter(path__startswith=org.path, kind=OrgKind.BRANCH)
    scores = list(Score.objects.filter(branch__in=branches, year=year)
                  .select_related("member", "branch", "scheme").order_by("branch__path", "rank",
                                                                         "member__name"))
    finals = dict(Appraisal.objects.filter(member__in=[s.member_id for s in scores], year=year)
                  .values_list("member_id", "grade"))
    titles_by_scheme = {}
    rows = []
    for s in scores:
        titles = titles_by_scheme.setdefault(s.scheme_id, grade_titles(s.scheme))
        final = finals.get(s.member_id)
        rows.append([s.branch.name, s.member.name,
                     str(s.total) if s.total is not None else "不列入", s.rank or "—",
                     titles.get(s.grade, s.grade), titles.get(final, final or "—"),
                     "、".join(FLAG_TITLES.get(f, f) for f in s.flags)])
    return Report(
        title=f"{org.name} {year} 年度党员积分结果", filename=f"{org.name}_{year}年_年度积分结果",
        meta=[("单位", org.name), ("年度", f"{year} 年"), ("人数", str(len(rows)))],
        tables=[Table(["支部", "姓名", "年度积分", "名次", "系统建议等次", "评定等次", "提示"],
                      rows, widths=[22, 10, 10, 6, 14, 12, 26])],
        signatures=["审核人（签字）：", f"日期：{BLANK_DATE}"], landscape=True)
