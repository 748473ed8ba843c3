"""Last year, completed in the demo branch: confirmed entries, annual publicity, the branch
meeting's appraisal (one override), an admonishment talk, submitted and filed — so the demo
shows a locked year next to the current one. A second branch (计算机学院学生第一党支部, secretary
`xsshuji`) has last year's ledger confirmed and its annual publicity over, and waits for its
year-end: appraisal, talks, submission (xsshuji) and filing (`shenhe`) are left to try.

Played day by day like this year (`Timeline`): quarterly windows on the 3rd of the month after
each quarter (the fourth quarter's entries end on 5 December and are publicized on the 8th),
the annual window from 15 December, appraisal, talk and disposal in the days after it, submitted
on 24 and filed on 28 December — all before this year begins, whatever today is.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model

from jifen.core import clock
from jifen.core.demo_ledger import (
    DEMO_BRANCH,
    SCHOOL_EVENTS,
    _branch_staff,
    _events,
    _pick,
    schedule_window,
    story,
)
from jifen.core.demo_timeline import Timeline
from jifen.org.enums import Role
from jifen.org.models import Member, Organization
from jifen.publicity import services as publicity
from jifen.results import services as results
from jifen.results.models import YearResult
from jifen.scoring.models import Score

# (first day, last day of its entries, window opens) per quarter, as (month, day)
YEAR_END_BRANCH = "计算机学院学生第一党支部"
QUARTERS = [((1, 1), (3, 31), (4, 3)), ((4, 1), (6, 30), (7, 3)), ((7, 1), (9, 30), (10, 3)),
            ((10, 1), (12, 5), (12, 8))]


def build_previous_year(*, today: dt.date | None = None, seed: int = 2024) -> None:
    today = today or clock.today()
    branch = Organization.objects.filter(name=DEMO_BRANCH).first()
    year = today.year - 1
    if branch is None or YearResult.objects.filter(branch=branch, year=year).exists():
        return
    User = get_user_model()
    staff = {Role.SECRETARY: User.objects.get(username="shuji"),
             Role.COMMITTEE: User.objects.get(username="zhiwei"),
             Role.RECORDER: User.objects.get(username="jifenyuan")}
    rng = random.Random(seed)
    members = [m for m in Member.objects.filter(branch=branch).order_by("id")
               if m.joined_on.year < year]
    admonished = next(m for m in members if m.user_id is None)
    others = [m for m in members if m != admonished]
    timeline = Timeline(dt.date(year, 12, 31))
    for number, (first, last, opens) in enumerate(QUARTERS, start=1):
        first, last, opens = (dt.date(year, *first), dt.date(year, *last),
                              dt.date(year, *opens))
        for member in others:
            for _ in range(rng.choices([0, 1, 2], weights=[4, 4, 2])[0]):
                event = _pick(rng, SCHOOL_EVENTS)
                when = first + dt.timedelta(days=rng.randint(0, (last - first).days))
                story(timeline, staff, member, event, when, rng,
                      until=opens - dt.timedelta(days=1))
        schedule_window(timeline, staff, branch, f"{year}年第{number}季度积分公示", opens)
    _admonished_member(timeline, staff, admonished, year, rng)
    timeline.at(dt.date(year, 12, 15), lambda: _annual_window(timeline, staff, branch, year))
    timeline.at(dt.date(year, 12, 21), lambda: _appraise(timeline, branch, staff, year))
    timeline.at(dt.date(year, 12, 24), lambda: results.submit_year(
        actor=staff[Role.SECRETARY], branch=branch, year=year))
    timeline.at(dt.date(year, 12, 28), lambda: results.file_year(
        actor=User.objects.get(username="shenhe"), branch=branch, year=year))
    timeline.run()
    _year_waiting_for_its_end(year, rng)


def _year_waiting_for_its_end(year: int, rng: random.Random) -> None:
    """The student branch's last year: every entry through its window, the annual publicity
    over, nothing appraised yet."""
    branch = Organization.objects.filter(name=YEAR_END_BRANCH).first()
    if branch is None:
        return
    staff = _branch_staff(branch, rng)
    members = [m for m in Member.objects.filter(branch=branch).order_by("id")
               if m.joined_on.year < year]
    timeline = Timeline(dt.date(year, 12, 31))
    for number, (first, last, opens) in enumerate(QUARTERS, start=1):
        first, last, opens = (dt.date(year, *first), dt.date(year, *last),
                              dt.date(year, *opens))
        for member in members:
            for _ in range(rng.choices([0, 1, 2], weights=[5, 4, 1])[0]):
                event = _pick(rng, _events(branch, member, monthly=False))
                when = first + dt.timedelta(days=rng.randint(0, (last - first).days))
                story(timeline, staff, member, event, when, rng,
                      until=opens - dt.timedelta(days=1))
        schedule_window(timeline, staff, branch, f"{year}年第{number}季度积分公示", opens)
    timeline.at(dt.date(year, 12, 15), lambda: _annual_window(timeline, staff, branch, year))
    timeline.run()


def _annual_window(timeline, staff, branch, year):
    """民主评议前 the year's totals are publicized; the cron job closes the window when over."""
    window = publicity.open_annual_window(actor=staff[Role.SECRETARY], branch=branch,
                                          year=year, starts_on=clock.today())
    timeline.at(window.ends_on + dt.timedelta(days=1),
                lambda: publicity.close_window(actor=None, window=window))


def _admonished_member(timeline, staff, member, year, rng):
    """One member fell below 75 last year: absences from organizational life, work left
    undone, a lapse at work (80 − 5 − 4 − 4 = 67)."""
    for month, code, points, reason in [(3, "A-K01", "5", "无故缺席支部党员大会"),
                                        (6, "A-K04", "4", "分配的支部工作未完成"),
                                        (9, "A-K03", "4", "工作中出现疏漏")]:
        when = dt.date(year, month, 15)
        story(timeline, staff, member, (code, points, reason, 1), when, rng,
              until=when + dt.timedelta(days=1))


def _appraise(timeline, branch, staff, year):
    """The branch meeting's grades (one member gives up an excellent place), then the talk and
    the disposal in the days after it."""
    secretary = staff[Role.SECRETARY]
    scores = list(Score.objects.filter(branch=branch, year=year).exclude(grade="exempt")
                  .select_related("member").order_by("rank"))
    for index, score in enumerate(scores):
        grade, reason = score.grade, ""
        if index == 0 and score.grade == "excellent_candidate":
            grade, reason = "qualified", "本人主动让出优秀名额，经支部党员大会同意"
        results.record_appraisal(actor=secretary, member=score.member, year=year, grade=grade,
                                 reason=reason)
        if "admonish" in score.flags:
            timeline.at(dt.date(year, 12, 22), lambda member=score.member: results.record_talk(
                actor=secretary, member=member, year=year, held_on=clock.today(),
                by="李书记", notes="指出多次无故缺席组织生活的问题，本人表示接受批评、限期改正"))
        if "unqualified" in score.flags:
            timeline.at(dt.date(year, 12, 23), lambda member=score.member:
                        results.record_disposal(actor=secretary, member=member, year=year,
                                                decision="限期改正",
                                                decided_on=clock.today()))
