"""A year of ledger activity for the demo school, through the real services.

Quarterly publicity (Doc A) for the school, monthly (Doc B) for the logistics group; past
windows are closed and confirmed; the current one is open in the demo branch with an objection
in progress and an escalated one; recent entries sit in every other state. Every step happens
as of its own day (`Timeline`), so the demo is the same story on any date.
"""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from jifen.core import clock
from jifen.core.demo_timeline import Timeline
from jifen.core.errors import ConflictError
from jifen.org import services as org_services
from jifen.org.enums import OrgKind, Role
from jifen.org.models import Member, Organization, RoleAssignment
from jifen.publicity import services as publicity
from jifen.schemes.queries import effective_scheme
from jifen.scoring import services as scoring
from jifen.scoring.enums import EntryState
from jifen.scoring.evidence import blank_pdf
from jifen.scoring.models import Entry

PDF = blank_pdf()
DEMO_BRANCH = "计算机学院教工党支部"

# (item, points, reason, weight) — most members do ordinary things; few deductions.
SCHOOL_EVENTS = [
    ("A-J01", "2", "在支部主题党日作专题宣讲", 6),
    ("A-J03", "2", "联系帮扶困难学生，定期谈心谈话", 8),
    ("A-J04", "3", "参加社区志愿服务", 8),
    ("A-J02", "1", "带头开展批评与自我批评", 4),
    ("A-J08", "2", "党员先锋岗履职突出，获师生好评", 3),
    ("A-B01", "1", "无故迟到主题党日活动", 4),
    ("A-B02", "1", "未按时交纳党费，经提醒后补交", 2),
    ("A-K01", "2", "无故缺席支部党员大会", 2),
    ("A-K03", "2", "工作中出现疏漏，造成一定影响", 1),
]
TEACHER_EVENTS = [("A-J05", "4", "主持省级教学改革项目获奖", 3)]
STUDENT_EVENTS = [("A-J06", "3", "获全国大学生数学建模竞赛省级一等奖", 3)]
LOGISTICS_EVENTS = [
    ("B-P01", "6", "按时完成食堂保障任务", 10),
    ("B-P03", "3", "参加校园志愿服务", 6),
    ("B-P04", "3", "宿舍维修服务获学生好评", 5),
    ("B-P05", "6", "疫情防控物资保障攻坚", 2),
    ("B-D01", "2", "无故不参加“三会一课”", 2),
    ("B-D04", "3", "工作出现失误", 1),
    ("B-C04", "6", "获评学校优秀共产党员", 1),
]


def evidence(name: str = "证明材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def build_demo_year(admin, *, today: dt.date | None = None, seed: int = 2025) -> None:
    """This year up to `today`, played day by day: every finished period recorded, reviewed,
    publicized and confirmed; this period in every state of the workflow; the demo branch's
    window open with objections; the logistics branch's last window over and waiting to be
    closed. Works on any day of any year (on 1 January "this year" is one day long)."""
    today = today or clock.today()
    if Entry.objects.filter(year=today.year).exists():
        return  # idempotent: the demo year is there already
    rng = random.Random(seed)
    timeline = Timeline(today)
    for branch in Organization.objects.filter(kind=OrgKind.BRANCH).order_by("path"):
        scheme = effective_scheme(branch, today.year)
        if scheme is None:
            continue
        staff = _branch_staff(branch, rng)
        monthly = scheme.definition["period"] == "month"
        _past_periods(timeline, branch, staff, rng, monthly)
        _recent(timeline, branch, staff, rng, monthly)
    _ready_to_close(timeline)
    _demo_branch_publicity(timeline)
    timeline.run()
    with clock.as_of(today):
        _exemptions(admin, today)


def publicity_days(branch: Organization, year: int) -> int:
    scheme = effective_scheme(branch, year)
    return scheme.definition.get("publicity_days", 5) if scheme else 5


def periods(year: int, monthly: bool) -> list[tuple[dt.date, dt.date]]:
    """The year's scoring periods as (first day, last day): months or quarters."""
    step = 1 if monthly else 3
    result = []
    for first_month in range(1, 13, step):
        last_month = first_month + step - 1
        last_day = (dt.date(year + 1, 1, 1) if last_month == 12
                    else dt.date(year, last_month + 1, 1)) - dt.timedelta(days=1)
        result.append((dt.date(year, first_month, 1), last_day))
    return result


def schedule_window(timeline: Timeline, staff, branch, title: str, opens_on: dt.date, *,
                    close: bool = True, public_board: bool = False, then=None) -> None:
    """Open a window on `opens_on` (as that day) for whatever is ready then, and close it the
    day after its last day, as the cron job would; `then(window)` runs right after opening."""
    secretary = staff[Role.SECRETARY]

    def open_():
        try:
            window = publicity.open_window(actor=secretary, branch=branch, title=title,
                                           starts_on=clock.today(), public_board=public_board)
        except ConflictError:  # nothing ready this period: no window
            return
        if close:
            timeline.at(window.ends_on + dt.timedelta(days=1),
                        lambda: publicity.close_window(actor=secretary, window=window))
        if then is not None:
            then(window)

    timeline.at(opens_on, open_)


def _branch_staff(branch: Organization, rng: random.Random) -> dict:
    """The branch's secretary, committee member and recorder; a branch without demo logins
    gets its own (usernames sj<id>, zw<id>, jf<id>, the demo password)."""
    from jifen.core.demo import DEMO_PASSWORD

    staff = {}
    for index, (role, prefix) in enumerate([(Role.SECRETARY, "sj"), (Role.COMMITTEE, "zw"),
                                            (Role.RECORDER, "jf")]):
        holder = RoleAssignment.objects.filter(org=branch, role=role).select_related(
            "user").first()
        if holder is None and prefix:
            member = Member.objects.filter(branch=branch, user__isnull=True).order_by("id")[index]
            user = get_user_model().objects.create_user(
                username=f"{prefix}{branch.pk}", password=DEMO_PASSWORD, name=member.name)
            Member.objects.filter(pk=member.pk).update(user=user)
            RoleAssignment.objects.create(user=user, role=role, org=branch)
            holder = RoleAssignment.objects.get(user=user, role=role)
        staff[role] = holder.user
    return staff


def _events(branch: Organization, member: Member, monthly: bool):
    if monthly:
        return LOGISTICS_EVENTS
    extra = TEACHER_EVENTS if member.category == "teacher" else STUDENT_EVENTS
    return SCHOOL_EVENTS + extra


def _record(staff, member, code, points, reason, when, rng):
    """One entry as a real branch makes it: members who can log in declare what they may;
    bonus items are otherwise recorded by whichever committee member knew of it (not always
    the recorder), usually with a photo or certificate; deductions come from the recorder."""
    scheme = effective_scheme(member.branch, when.year)
    item = next(i for i in scheme.definition["items"] if i["code"] == code)
    bonus = scheme.engine_scheme.category(item["category"]).sign == "+"
    reviewers = (staff[Role.COMMITTEE], staff[Role.SECRETARY])
    # whoever records must leave a reviewer who neither wrote the entry nor is its subject
    people = [p for p in (staff[Role.RECORDER], *reviewers) if p.pk != member.user_id
              and any(r.pk not in (p.pk, member.user_id) for r in reviewers)]
    actor = rng.choice(people) if bonus else people[0]
    if member.user_id and item["declarable"] and rng.random() < 0.5:
        actor = member.user
    with_proof = item["evidence_required"] or (bonus and rng.random() < 0.85)
    return scoring.create_entry(actor=actor, member=member, item_code=code,
                                points=Decimal(points), occurred_on=when, reason=reason,
                                files=[evidence()] if with_proof else [])


def _review(staff, entry, approve=True):
    """Review by a committee member who neither made the entry nor is its subject (four eyes);
    when the branch has nobody such, the entry waits in the queue, as it would in life."""
    entry.refresh_from_db()
    if entry.state != EntryState.SUBMITTED:
        return entry
    for reviewer in (staff[Role.COMMITTEE], staff[Role.SECRETARY]):
        if reviewer.pk not in (entry.created_by_id, entry.member.user_id):
            return scoring.review_entry(actor=reviewer, entry=entry, approve=approve,
                                        note="" if approve else "经核实，情况与申报不符")
    return entry


def _approve_if_needed(branch, entry):
    entry.refresh_from_db()
    if entry.needs_approval and entry.state == EntryState.REVIEWED:
        approver = RoleAssignment.objects.filter(
            role__in=[Role.REVIEWER, Role.ORG_ADMIN], org_id__in=branch.ancestor_ids()
        ).select_related("user").first().user
        scoring.approve_entry(actor=approver, entry=entry, approve=True)


def story(timeline: Timeline, staff, member, event, when: dt.date, rng, *, until: dt.date,
          stage: int = 2, approve: bool = True, on_recorded=None) -> None:
    """One entry's life: recorded on `when`, reviewed the next day, approved (where the item
    needs it) the day after, each step only if its day is at most `until` (and today).
    `stage` stops it early: 0 recorded only, 1 reviewed, 2 all the way."""
    code, points, reason, _weight = event

    def record():
        entry = _record(staff, member, code, points, reason, when, rng)
        if on_recorded is not None:
            on_recorded(entry)
        if stage >= 1:
            timeline.at(min(when + dt.timedelta(days=1), until), lambda: review(entry))

    def review(entry):
        entry = _review(staff, entry, approve=approve)
        if stage >= 2 and entry.state == EntryState.REVIEWED and entry.needs_approval:
            timeline.at(min(when + dt.timedelta(days=2), until),
                        lambda: _approve_if_needed(member.branch, entry))

    timeline.at(when, record)


def _pick(rng, events):
    return rng.choices(events, weights=[e[3] for e in events])[0]


def _past_periods(timeline, branch, staff, rng, monthly):
    """Every period of the year that is over: its entries, reviewed as they come, and its
    window opened on the 3rd of the next month (closed once its days are over)."""
    today = timeline.today
    members = list(Member.objects.filter(branch=branch).order_by("id"))
    for first, last in periods(today.year, monthly):
        if last >= today:
            return  # this period is not over yet
        opens_on = last + dt.timedelta(days=3)
        for member in members:
            for _ in range(rng.choices([0, 1, 2], weights=[5, 4, 1])[0]):
                event = _pick(rng, _events(branch, member, monthly))
                when = first + dt.timedelta(days=rng.randint(0, (last - first).days))
                if when < member.joined_on:
                    continue
                story(timeline, staff, member, event, when, rng, until=opens_on - dt.timedelta(1),
                      approve=rng.random() > 0.05)
        title = (f"{today.year}年{first.month}月积分公示" if monthly
                 else f"{today.year}年第{(first.month + 2) // 3}季度积分公示")
        schedule_window(timeline, staff, branch, title, opens_on)


def _recent(timeline, branch, staff, rng, monthly):
    """The last three weeks' entries (never before 1 January), left in every state of the
    workflow: recorded, reviewed, approved at the general branch, rejected."""
    today = timeline.today
    first = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=20))
    members = list(Member.objects.filter(branch=branch).order_by("id"))
    for index, member in enumerate(members[: max(6, len(members) // 2)]):
        stage = index % 4
        event = _pick(rng, _events(branch, member, monthly))
        when = first + dt.timedelta(days=rng.randint(0, (today - first).days))
        if monthly and stage == 2:  # today's commendation, waiting at or past the general
            event, when = LOGISTICS_EVENTS[-1], today  # branch (no window has taken it yet)
        if when < member.joined_on:
            continue
        story(timeline, staff, member, event, when, rng, until=today, stage=min(stage, 2),
              approve=stage != 3)


def _ready_to_close(timeline):
    """The logistics branch's latest window has run its days and waits to be closed (by the
    secretary, or by tonight's cron job). Early in January it belongs to last December."""
    branch = Organization.objects.filter(name="后勤集团第一党支部").first()
    if branch is None:
        return
    today = timeline.today
    days = publicity_days(branch, today.year)
    opens_on = today - dt.timedelta(days=days + 1)  # its last day was the day before yesterday
    if opens_on.day == 3:  # the day the month's own window opens: a day earlier, to stay apart
        opens_on -= dt.timedelta(days=1)
    staff = _branch_staff(branch, random.Random(0))
    members = list(Member.objects.filter(branch=branch, user__isnull=True).order_by("-id")[:2])
    for member, event in zip(members, [LOGISTICS_EVENTS[1], LOGISTICS_EVENTS[2]], strict=False):
        story(timeline, staff, member, event, opens_on - dt.timedelta(days=2), random.Random(1),
              until=opens_on - dt.timedelta(days=1))
    title = f"{opens_on.year}年{opens_on.month}月补充积分公示"
    schedule_window(timeline, staff, branch, title, opens_on, close=False)


def _demo_branch_publicity(timeline):
    """The demo branch has a window open now, with an objection waiting for the branch's answer
    and an escalated one waiting for the org department."""
    branch = Organization.objects.filter(name=DEMO_BRANCH).first()
    if branch is None:
        return
    today = timeline.today
    User = get_user_model()
    staff = {Role.SECRETARY: User.objects.get(username="shuji"),
             Role.COMMITTEE: User.objects.get(username="zhiwei"),
             Role.RECORDER: User.objects.get(username="jifenyuan")}
    start_of_year = dt.date(today.year, 1, 1)
    recorded_on = max(start_of_year, today - dt.timedelta(days=3))
    opens_on = max(start_of_year, today - dt.timedelta(days=1))
    targets = list(Member.objects.filter(branch=branch, user__isnull=True).order_by("id")[:3])
    publicized = []
    for member, (code, points, reason) in zip(targets, [
            ("A-J03", "3", "结对帮扶学生 3 名"), ("A-J01", "2", "开展理论宣讲"),
            ("A-J02", "2", "主动承担支部工作")], strict=False):
        def record(member=member, code=code, points=points, reason=reason):
            entry = scoring.create_entry(actor=staff[Role.RECORDER], member=member,
                                         item_code=code, points=Decimal(points),
                                         occurred_on=recorded_on, reason=reason)
            scoring.review_entry(actor=staff[Role.COMMITTEE], entry=entry, approve=True)
            publicized.append(entry)
        timeline.at(recorded_on, record)
    own = Member.objects.get(user__username="dangyuan")
    declared_on = max(start_of_year, today - dt.timedelta(days=2))
    timeline.at(declared_on, lambda: scoring.create_entry(
        actor=own.user, member=own, item_code="A-J04", points=Decimal(2),
        occurred_on=declared_on, reason="周末参加社区义诊志愿服务（证明材料待补）"))
    schedule_window(timeline, staff, branch, "本月积分公示", opens_on, close=False,
                    public_board=True,
                    then=lambda window: timeline.at(today, lambda: _objections(publicized)))


def _objections(publicized):
    User = get_user_model()
    secretary = User.objects.get(username="shuji")
    member, member2 = User.objects.get(username="dangyuan"), User.objects.get(username="dangyuan2")
    publicity.raise_objection(actor=member2, entry=publicized[0],
                              reason="据我了解，结对帮扶只有 2 名学生。")
    escalated = publicity.raise_objection(actor=member, entry=publicized[1],
                                          reason="该宣讲活动未在支部备案。")
    publicity.answer_objection(actor=secretary, objection=escalated, upheld=False,
                               reply="经查，宣讲已在学院党总支备案，记录属实。")
    publicity.escalate_objection(actor=member, objection=escalated,
                                 reason="学院备案时间晚于活动时间，请组织部核实。")


def _exemptions(admin, today):
    """One approved exemption (an elderly retired teacher) and one waiting for approval."""
    branch = Organization.objects.filter(name="机关第一党支部").first()
    if branch is None:
        return
    members = list(Member.objects.filter(branch=branch, user__isnull=True).order_by("-id")[:2])
    secretary = RoleAssignment.objects.get(org=branch, role=Role.SECRETARY).user
    if len(members) < 2:
        return
    first = org_services.propose_exemption(actor=secretary, member=members[0], year=today.year,
                                           reason="年老体弱、长期卧床，经支委会研究")
    org_services.decide_exemption(actor=get_user_model().objects.get(username="zuzhibu"),
                                  exemption=first, approve=True, note="同意")
    org_services.propose_exemption(actor=secretary, member=members[1], year=today.year,
                                   reason="身患重病住院治疗，经支委会研究")
