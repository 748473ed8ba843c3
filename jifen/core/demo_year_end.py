"""Last year, completed in the demo branch: confirmed entries, annual publicity, the branch
meeting's appraisal (one override), an admonishment talk, submitted and filed — so the demo
shows a locked year next to the current one."""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model

from jifen.core.demo_ledger import DEMO_BRANCH, SCHOOL_EVENTS, _record, _review
from jifen.org.enums import Role
from jifen.org.models import Member, Organization
from jifen.publicity import services as publicity
from jifen.results import services as results
from jifen.results.models import YearResult
from jifen.scoring import services as scoring
from jifen.scoring.models import Entry, Score
from jifen.scoring.services import ready_for_publicity


def build_previous_year(*, today: dt.date, seed: int = 2024) -> None:
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
    for quarter in range(4):
        _quarter(branch, staff, others, rng, year, quarter)
    _admonished_member(staff, admonished, year)
    if _ready(branch):  # the admonished member's entries, publicized in December
        window = publicity.open_window(actor=staff[Role.SECRETARY], branch=branch,
                                       title=f"{year}年12月补充公示",
                                       starts_on=dt.date(year, 12, 10))
        publicity.close_window(actor=staff[Role.SECRETARY], window=window, today=today)
    publicity.open_annual_window(actor=staff[Role.SECRETARY], branch=branch, year=year,
                                 starts_on=dt.date(year, 12, 20))
    _appraise(branch, staff, year)
    results.submit_year(actor=staff[Role.SECRETARY], branch=branch, year=year)
    results.file_year(actor=User.objects.get(username="shenhe"), branch=branch, year=year)


def _ready(branch) -> bool:
    return ready_for_publicity(Entry.objects.filter(branch=branch)).exists()


def _quarter(branch, staff, members, rng, year, quarter):
    for member in members:
        for _ in range(rng.choices([0, 1, 2], weights=[4, 4, 2])[0]):
            code, points, reason, _w = rng.choices(SCHOOL_EVENTS,
                                                   weights=[e[3] for e in SCHOOL_EVENTS])[0]
            when = dt.date(year, quarter * 3 + rng.randint(1, 3), rng.randint(1, 28))
            entry = _record(staff, member, code, points, reason, when, rng)
            _review(staff, entry)
    window = publicity.open_window(actor=staff[Role.SECRETARY], branch=branch,
                                   title=f"{year}年第{quarter + 1}季度积分公示",
                                   starts_on=dt.date(year, quarter * 3 + 3, 25))
    publicity.close_window(actor=staff[Role.SECRETARY], window=window,
                           today=window.ends_on + dt.timedelta(days=1))


def _admonished_member(staff, member, year):
    """One member fell below 75 last year: absences from organizational life, work left
    undone, a lapse at work (80 − 5 − 4 − 4 = 67)."""
    for month, code in [(3, "A-K01"), (6, "A-K04"), (9, "A-K03")]:
        entry = scoring.create_entry(actor=staff[Role.RECORDER], member=member, item_code=code,
                                     points=Decimal(5 if code == "A-K01" else 4),
                                     occurred_on=dt.date(year, month, 15),
                                     reason={"A-K01": "无故缺席支部党员大会",
                                             "A-K04": "分配的支部工作未完成",
                                             "A-K03": "工作中出现疏漏"}[code])
        _review(staff, entry)


def _appraise(branch, staff, year):
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
            results.record_talk(actor=secretary, member=score.member, year=year,
                                held_on=dt.date(year, 12, 28), by="李书记",
                                notes="指出多次无故缺席组织生活的问题，本人表示接受批评、限期改正")
        if "unqualified" in score.flags:
            results.record_disposal(actor=secretary, member=score.member, year=year,
                                    decision="限期改正", decided_on=dt.date(year, 12, 30))

