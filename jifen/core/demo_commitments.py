"""公开承诺、亮明身份、晒出业绩、述职 for the demo school, through the real services.

The demo branch (计算机学院教工党支部) shows every stage with its named logins: a commitment
waiting for review, one returned, passed ones on the board with verified and pending fulfilment
reports, outcomes fulfilled / partly / not, and a 未兑现 one turned into a deduction entry that now
waits for 支委初评. Every other branch with a secretary and a committee login gets a few
commitments in varied states and identity posts; the demo branch publishes a monthly summary
and records 述职 with remarks.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model

from jifen.commitments import identity
from jifen.commitments import services as commitments
from jifen.commitments.models import Commitment
from jifen.commitments.performance import Month, publish_summary
from jifen.commitments.year_reports import remark_year_report, write_year_report
from jifen.core import clock
from jifen.core.demo_ledger import DEMO_BRANCH
from jifen.org.enums import OrgKind, Role
from jifen.org.models import Member, Organization, RoleAssignment

DEEDS = [
    "每月为学生义务答疑辅导一次，帮助学困生补齐短板",
    "结对帮扶 2 名家庭经济困难学生，每学期谈心谈话不少于 4 次",
    "利用周末到社区开展 2 次防范电信诈骗宣讲",
    "牵头整理实验室安全操作规程并组织一次培训",
    "参加校园无偿献血或志愿服务不少于 8 小时",
]
COMMON = "认真学习党章党规和习近平新时代中国特色社会主义思想，按时参加组织生活，按时足额交纳党费"
# (kind, name, place, duties) per member category
POSTS = {
    "teacher": [
        ("model", "教学科研示范岗", "教学楼 A 座", "带头上好每一堂课，示范课堂育人"),
        ("area", "实验楼党员责任区", "实验楼三层", "负责责任区安全、卫生和秩序，发现问题及时处理"),
    ],
    "student": [
        ("vanguard", "学习帮扶先锋岗", "图书馆二楼", "每周开展一次朋辈辅导，帮扶学困同学"),
        ("area", "宿舍党员责任区", "学生公寓 5 号楼", "带头遵守宿舍管理规定，联系服务同学"),
    ],
}


def build_demo_commitments(admin, *, today: dt.date | None = None, seed: int = 2025) -> None:
    """Idempotent: nothing happens when the year already has commitments."""
    today = today or clock.today()
    if Commitment.objects.filter(year=today.year).exists():
        return
    rng = random.Random(seed)
    demo = Organization.objects.filter(name=DEMO_BRANCH).first()
    if demo is not None:
        _demo_branch(demo, today)
    branches = Organization.objects.filter(kind=OrgKind.BRANCH).exclude(
        name=DEMO_BRANCH).order_by("path")
    for index, branch in enumerate(branches):
        staff = _staff(branch)
        if staff is not None:
            _other_branch(branch, staff, index, rng, today)


def _users(*names):
    User = get_user_model()
    return [User.objects.get(username=name) for name in names]


def _staff(branch):
    """(secretary, committee member) of a branch, when both can log in and are its members."""
    holders = {a.role: a.user for a in RoleAssignment.objects.filter(
        org=branch, role__in=[Role.SECRETARY, Role.COMMITTEE]).select_related("user")}
    pair = holders.get(Role.SECRETARY), holders.get(Role.COMMITTEE)
    if None in pair or not all(Member.objects.filter(user=u, branch=branch).exists()
                               for u in pair):
        return None
    return pair


def _back(today: dt.date, days: int) -> dt.date:
    """A date `days` before today, but inside this year."""
    return max(dt.date(today.year, 1, 1), today - dt.timedelta(days=days))


def _commit(user, year, kind, content):
    return commitments.create_commitment(actor=user, year=year, kind=kind, content=content)


def _pass(reviewer, commitment):
    return commitments.review_commitment(actor=reviewer, commitment=commitment, approve=True)


def _report(commitment, content, on, verifier=None):
    report = commitments.report_fulfilment(actor=commitment.member.user, commitment=commitment,
                                           content=content, reported_on=on)
    if verifier is not None:
        commitments.verify_report(actor=verifier, report=report, approve=True)
    return report


def _demo_branch(branch, today):
    secretary, committee, member, member2, recorder = _users(
        "shuji", "zhiwei", "dangyuan", "dangyuan2", "jifenyuan")
    year = today.year
    kept = _pass(committee, _commit(member, year, "deed", DEEDS[0]))
    common = _pass(committee, _commit(member, year, "common", COMMON))
    partly = _pass(committee, _commit(member2, year, "common", COMMON))
    broken = _pass(committee, _commit(recorder, year, "deed", DEEDS[2]))
    own = _pass(committee, _commit(secretary, year, "deed", DEEDS[3]))
    commitments.publicize_commitments(actor=secretary, branch=branch, year=year)

    _report(kept, "3 月起每周三晚在实验室答疑，已辅导 12 人次", _back(today, 200), secretary)
    _report(kept, "期中考试前组织 2 次集中答疑", _back(today, 30))
    _report(own, "已完成规程初稿，正在征求教研室意见", _back(today, 10))
    _outcome(committee, common, "fulfilled", "", today)
    _outcome(committee, partly, "partly", "组织生活全勤，党费有一次逾期补交", today)
    _outcome(secretary, broken, "not", "全年未开展宣讲，也未报告践诺情况", today)
    commitments.convert_to_deduction(actor=secretary, commitment=broken)

    returned = _commit(member2, year, "deed", "多为学生做好事")
    commitments.review_commitment(actor=committee, commitment=returned, approve=False,
                                  reason="内容太笼统，请写明做什么、为谁做、做几次")
    _pass(committee, _commit(member2, year, "post", "按时完成课程改革任务，学生评教保持优良"))
    _commit(member, year, "post", "承担两门课程的课程思政建设，年底形成案例")
    _commit(committee, year, "deed", DEEDS[1])  # waits for the secretary's review

    _posts(branch, secretary, [member, secretary], [member2, committee], "teacher")
    identity.set_public_board(actor=secretary, branch=branch, public=True)
    _summary(branch, secretary, today)
    _year_reports(branch, secretary, committee, member, member2, year)


def _outcome(judge, commitment, outcome, note, today):
    commitments.set_outcome(actor=judge, commitment=commitment, outcome=outcome, note=note,
                            decided_on=today)


def _posts(branch, actor, first, second, category):
    others = list(Member.objects.filter(branch=branch, user__isnull=True).order_by("id")[:2])
    for (kind, name, place, duties), people in zip(POSTS[category],
                                                   [first, second + others], strict=True):
        members = [p if isinstance(p, Member) else p.member for p in people]
        identity.create_post(actor=actor, branch=branch, kind=kind, name=name, place=place,
                             duties=duties, members=members)


def _summary(branch, secretary, today):
    """Last month's performance, published; January publishes the month under way instead,
    since last year may already be filed."""
    month = Month(today.year, today.month)
    publish_summary(actor=secretary, branch=branch,
                    month=month.previous if today.month > 1 else month)


def _year_reports(branch, secretary, committee, member, member2, year):
    own = write_year_report(actor=member, member=member.member, year=year,
                            content="一年来坚持每周答疑辅导，带头践行承诺；"
                                    "不足是理论学习不够系统。")
    remark_year_report(actor=committee, report=own,
                       remark="践诺扎实，学生反映好；希望加强理论学习。")
    write_year_report(actor=member2, member=member2.member, year=year,
                      content="完成了教学任务，组织生活全勤；实事承诺需重新细化。")
    absent = Member.objects.filter(branch=branch, user__isnull=True).order_by("id").first()
    if absent is not None:
        recorded = write_year_report(actor=secretary, member=absent, year=year,
                                     content="（述职会上口头述职，支部记录）"
                                             "本年度完成岗位工作，参加志愿服务 3 次。")
        remark_year_report(actor=committee, report=recorded, remark="述职实事求是。")


def _other_branch(branch, staff, index, rng, today):
    """Two logins per branch: the secretary's and the committee member's commitments, in a
    stage that varies from branch to branch."""
    secretary, committee = staff
    year, deed = today.year, rng.choice(DEEDS)
    stage = index % 3
    if stage == 0:
        mine = _pass(committee, _commit(secretary, year, "deed", deed))
        commitments.publicize_commitments(actor=secretary, branch=branch, year=year)
        _report(mine, "已按计划完成上半年任务", _back(today, 60), committee)
        _outcome(committee, mine, "fulfilled", "", today)
        _commit(committee, year, "deed", rng.choice(DEEDS))
    elif stage == 1:
        mine = _pass(committee, _commit(secretary, year, "deed", deed))
        commitments.publicize_commitments(actor=secretary, branch=branch, year=year)
        _report(mine, "正在推进，已完成一半", _back(today, 15))
        returned = _commit(committee, year, "common", "做合格党员")
        commitments.review_commitment(actor=secretary, commitment=returned, approve=False,
                                      reason="请对照党章党规写出具体要求")
    else:
        _commit(secretary, year, "deed", deed)
        theirs = _pass(secretary, _commit(committee, year, "deed", rng.choice(DEEDS)))
        commitments.publicize_commitments(actor=secretary, branch=branch, year=year)
        _outcome(secretary, theirs, "partly", "完成约一半，下半年因出差中断", today)
    if index % 2 == 0:
        category = Member.objects.get(user=secretary).category
        _posts(branch, secretary, [secretary], [committee], category)
