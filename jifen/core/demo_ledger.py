"""A year of ledger activity for the demo school, through the real services.

Quarterly publicity (Doc A) for the school, monthly (Doc B) for the logistics group; past
windows are closed and confirmed; the current one is open in the demo branch with an objection
in progress and an escalated one; recent entries sit in every other state.
"""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

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
    today = today or timezone.localdate()
    if Entry.objects.filter(year=today.year).exists():
        return  # idempotent: the demo year is there already
    rng = random.Random(seed)
    for branch in Organization.objects.filter(kind=OrgKind.BRANCH).order_by("path"):
        scheme = effective_scheme(branch, today.year)
        if scheme is None:
            continue
        staff = _branch_staff(branch, rng)
        monthly = scheme.definition["period"] == "month"
        _past_periods(branch, staff, rng, today, monthly)
        _recent(branch, staff, rng, today, monthly)
    _demo_branch_publicity(rng, today)
    _exemptions(admin, today)


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
    for reviewer in (staff[Role.COMMITTEE], staff[Role.SECRETARY]):
        if reviewer.pk not in (entry.created_by_id, entry.member.user_id):
            return scoring.review_entry(actor=reviewer, entry=entry, approve=approve,
                                        note="" if approve else "经核实，情况与申报不符")
    return entry


def _approve_if_needed(branch, entry):
    if entry.needs_approval:
        approver = RoleAssignment.objects.filter(
            role__in=[Role.REVIEWER, Role.ORG_ADMIN], org_id__in=branch.ancestor_ids()
        ).select_related("user").first().user
        scoring.approve_entry(actor=approver, entry=entry, approve=True)


def _pick(rng, events):
    return rng.choices(events, weights=[e[3] for e in events])[0]


def _past_periods(branch, staff, rng, today, monthly):
    """Every finished quarter (or month) of the year: entries, review, and its window, opened
    on the 3rd of the next month (closed once its days are over, as the cron job would)."""
    members = list(Member.objects.filter(branch=branch).order_by("id"))
    period = 1 if monthly else 3
    for start_month in range(1, 13, period):
        end_month = start_month + period - 1
        if end_month == 12 or dt.date(today.year, end_month + 1, 3) > today:
            return  # this period is not over yet
        _period_entries(branch, staff, members, rng, today.year, start_month, end_month,
                        monthly)
        title = (f"{today.year}年{start_month}月积分公示" if monthly
                 else f"{today.year}年第{(start_month + 2) // 3}季度积分公示")
        try:
            window = publicity.open_window(actor=staff[Role.SECRETARY], branch=branch,
                                           title=title,
                                           starts_on=dt.date(today.year, end_month + 1, 3))
        except ConflictError:  # nothing ready this period: no window
            continue
        if publicity.has_ended(window, today):
            publicity.close_window(actor=staff[Role.SECRETARY], window=window, today=today)


def _period_entries(branch, staff, members, rng, year, start_month, end_month, monthly):
    for member in members:
        for _ in range(rng.choices([0, 1, 2], weights=[5, 4, 1])[0]):
            code, points, reason, _w = _pick(rng, _events(branch, member, monthly))
            when = dt.date(year, rng.randint(start_month, end_month), rng.randint(1, 28))
            if when < member.joined_on:
                continue
            entry = _record(staff, member, code, points, reason, when, rng)
            _review(staff, entry, approve=rng.random() > 0.05)
            entry.refresh_from_db()
            if entry.state == EntryState.REVIEWED:
                _approve_if_needed(branch, entry)


def _recent(branch, staff, rng, today, monthly):
    """This period's entries, left in every state of the workflow."""
    members = list(Member.objects.filter(branch=branch).order_by("id"))
    first = dt.date(today.year, today.month, 1) - dt.timedelta(days=20)
    for index, member in enumerate(members[: max(6, len(members) // 2)]):
        stage = index % 4
        code, points, reason, _w = _pick(rng, _events(branch, member, monthly))
        if monthly and stage == 2:  # a commendation waiting at, or past, the general branch
            code, points, reason, _w = LOGISTICS_EVENTS[-1]
        when = first + dt.timedelta(days=rng.randint(0, (today - first).days))
        if when < member.joined_on:
            continue
        entry = _record(staff, member, code, points, reason, when, rng)
        if stage >= 1 and entry.state == EntryState.SUBMITTED:
            _review(staff, entry, approve=stage != 3)
        if stage == 2 and entry.needs_approval:
            _approve_if_needed(branch, entry)


def _demo_branch_publicity(rng, today):
    """The demo branch has a window open now, an objection waiting for the branch's answer and
    an escalated one waiting for the org department."""
    branch = Organization.objects.filter(name=DEMO_BRANCH).first()
    if branch is None:
        return
    User = get_user_model()
    secretary, committee = User.objects.get(username="shuji"), User.objects.get(username="zhiwei")
    recorder = User.objects.get(username="jifenyuan")
    targets = list(Member.objects.filter(branch=branch, user__isnull=True).order_by("id")[:3])
    for member, (code, points, reason) in zip(targets, [
            ("A-J03", "3", "结对帮扶学生 3 名"), ("A-J01", "2", "开展理论宣讲"),
            ("A-J02", "2", "主动承担支部工作")], strict=False):
        entry = scoring.create_entry(actor=recorder, member=member, item_code=code,
                                     points=Decimal(points), occurred_on=today - dt.timedelta(3),
                                     reason=reason)
        scoring.review_entry(actor=committee, entry=entry, approve=True)
    own = Member.objects.get(user__username="dangyuan")
    scoring.create_entry(actor=own.user, member=own, item_code="A-J04", points=Decimal(2),
                         occurred_on=today - dt.timedelta(days=2),
                         reason="周末参加社区义诊志愿服务（证明材料待补）")
    window = publicity.open_window(actor=secretary, branch=branch, title="本月积分公示",
                                   starts_on=today - dt.timedelta(days=1), public_board=True)
    entries = list(window.entries.order_by("id"))
    member, member2 = User.objects.get(username="dangyuan"), User.objects.get(username="dangyuan2")
    publicity.raise_objection(actor=member2, entry=entries[0],
                              reason="据我了解，结对帮扶只有 2 名学生。")
    escalated = publicity.raise_objection(actor=member, entry=entries[1],
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
