"""The demo school: a 党委 with general branches, branches, members and one login per role.

`build_demo()` is idempotent and goes through the real services, so that later features extend the
demo by adding steps here rather than writing rows behind the services' backs.
"""

import datetime as dt
import random
from base64 import b32decode
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from jifen.accounts import twofactor
from jifen.core import clock
from jifen.core.demo_commitments import build_demo_commitments
from jifen.core.demo_ledger import build_demo_year
from jifen.core.demo_year_end import build_previous_year
from jifen.core.validators import id_number_check_char
from jifen.org import services
from jifen.org.enums import Gender, MemberCategory, MemberStatus, OrgKind, Role
from jifen.org.models import Member, Organization
from jifen.schemes import editing
from jifen.schemes import services as scheme_services
from jifen.schemes.models import Scheme
from jifen.scoring.models import Entry

DEMO_PASSWORD = "Jifen@2025demo"
# The demo logins that must use two-factor login (admin, zuzhibu) share this documented TOTP
# secret, so that the demo stays usable: add it to an authenticator app by hand, or run
# `jifen demo_otp USERNAME` (DEBUG only). A real installation never uses it.
DEMO_OTP_SECRET = "JIFENDEMOJIFENDEMOJIFENDEMOJIFEN"  # base32, as authenticator apps take it
DEMO_OTP_KEY = b32decode(DEMO_OTP_SECRET).hex()  # the same 20 bytes as django-otp stores them
SCHOOL = "中共明德学院委员会"
# A second root shows that several units coexist, and puts Doc B's monthly preset to use.
LOGISTICS = "中共明德学院后勤集团委员会"
LOGISTICS_BRANCH = "后勤集团第一党支部"

# (name, kind, parent name or None for the school, category of its members, size)
STRUCTURE = [
    ("计算机学院党总支", OrgKind.GENERAL_BRANCH, None, None, 0),
    ("文学院党总支", OrgKind.GENERAL_BRANCH, None, None, 0),
    ("计算机学院教工党支部", OrgKind.BRANCH, "计算机学院党总支", MemberCategory.TEACHER, 18),
    ("计算机学院学生第一党支部", OrgKind.BRANCH, "计算机学院党总支", MemberCategory.STUDENT, 28),
    ("计算机学院学生第二党支部", OrgKind.BRANCH, "计算机学院党总支", MemberCategory.STUDENT, 24),
    ("文学院教工党支部", OrgKind.BRANCH, "文学院党总支", MemberCategory.TEACHER, 16),
    ("文学院学生党支部", OrgKind.BRANCH, "文学院党总支", MemberCategory.STUDENT, 30),
    ("机关第一党支部", OrgKind.BRANCH, None, MemberCategory.TEACHER, 20),
    ("后勤服务党支部", OrgKind.BRANCH, None, MemberCategory.TEACHER, 14),
]

# username, display name, role, organization, member of branch (or None)
LOGINS = [
    ("admin", "系统超级管理员", None, SCHOOL, None),
    ("zuzhibu", "周组织", Role.ORG_ADMIN, SCHOOL, None),
    ("shenhe", "吴审核", Role.REVIEWER, "计算机学院党总支", "计算机学院教工党支部"),
    ("shuji", "李书记", Role.SECRETARY, "计算机学院教工党支部", "计算机学院教工党支部"),
    ("zhiwei", "王支委", Role.COMMITTEE, "计算机学院教工党支部", "计算机学院教工党支部"),
    ("jifenyuan", "赵记分", Role.RECORDER, "计算机学院教工党支部", "计算机学院教工党支部"),
    ("dangyuan", "陈党员", None, None, "计算机学院教工党支部"),
    ("dangyuan2", "刘党员", None, None, "计算机学院教工党支部"),
    ("xsshuji", "孙书记", Role.SECRETARY, "计算机学院学生第一党支部", "计算机学院学生第一党支部"),
    ("zuzhibu", "周组织", Role.ORG_ADMIN, LOGISTICS, None),
    ("hqshuji", "钱书记", Role.SECRETARY, LOGISTICS_BRANCH, LOGISTICS_BRANCH),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬飞鹏辉丹宇浩凯"
    "晨欣怡婷雪琳佳慧晓梦思雨子涵博文轩睿瑶嘉诚志宏建国立新海燕春梅秋菊冬梅振华德胜永"
    "健"
)


@dataclass
class DemoLogin:
    username: str
    name: str
    role: str
    two_factor: bool = False


def build_demo(*, seed: int = 2025) -> list[DemoLogin]:
    """Create (or complete) the demo school; return the demo logins."""
    rng = random.Random(seed)
    with transaction.atomic():
        admin = _superuser()
        school = _org(admin, SCHOOL, OrgKind.COMMITTEE, None)
        orgs = {SCHOOL: school}
        for name, kind, parent, _category, _size in STRUCTURE:
            orgs[name] = _org(admin, name, kind, orgs[parent or SCHOOL])
        for name, _kind, _parent, category, size in STRUCTURE:
            if size:
                _fill_branch(admin, orgs[name], category, size, rng)
        orgs[LOGISTICS] = _org(admin, LOGISTICS, OrgKind.COMMITTEE, None)
        orgs[LOGISTICS_BRANCH] = _org(admin, LOGISTICS_BRANCH, OrgKind.BRANCH, orgs[LOGISTICS])
        _fill_branch(admin, orgs[LOGISTICS_BRANCH], MemberCategory.TEACHER, 15, rng)
        logins = _logins(admin, orgs, rng)
        _two_factor(admin, logins)
        _schemes(admin, orgs)
        today = clock.today()
        if not ledger_from_another_year(today):
            build_previous_year(today=today)
            build_demo_year(admin, today=today)
            build_demo_commitments(admin, today=today)  # after the year: it uses sj/zw logins
        return logins


def ledger_from_another_year(today: dt.date) -> bool:
    """A demo database built in an earlier year keeps its story: its "last year" is not today's
    last year, and building on top would tangle the two. (For a demo of today, start again
    with an empty database.)"""
    return Entry.objects.exists() and not Entry.objects.filter(year=today.year).exists()


def _superuser():
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username="admin",
        defaults={"name": "系统超级管理员", "is_superuser": True, "is_staff": True},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _org(actor, name: str, kind: str, parent: Organization | None) -> Organization:
    existing = Organization.objects.filter(name=name, parent=parent).first()
    return existing or services.create_organization(actor=actor, name=name, kind=kind,
                                                    parent=parent)


def random_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def random_id_number(rng: random.Random, birth: dt.date) -> str:
    first17 = f"370811{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_number_check_char(first17)


def _fill_branch(actor, branch: Organization, category: str, size: int,
                 rng: random.Random) -> None:
    existing = Member.objects.filter(branch=branch).count()
    prefix = "T" if category == MemberCategory.TEACHER else "S"
    for i in range(existing, size):
        _demo_member(actor, branch, category, f"{prefix}{branch.pk:02d}{i + 1:03d}", rng)


def _demo_member(actor, branch, category, staff_no, rng, name=None, username="") -> Member:
    teacher = category == MemberCategory.TEACHER
    birth_year = rng.randint(1965, 1995) if teacher else rng.randint(2001, 2006)
    birth = dt.date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
    # everyone joined before last year began, so last year and this one score them whole
    latest = clock.today().year - 2
    joined = dt.date(min(birth_year + rng.randint(19, 35), latest) if teacher else
                     rng.randint(latest - 2, latest), rng.randint(1, 12), rng.randint(1, 28))
    probationary = (not teacher and rng.random() < 0.35) or rng.random() < 0.05
    # Drawn in this order, so that the demo's people stay the same from run to run.
    name = name or random_name(rng)
    gender = rng.choice([Gender.MALE, Gender.FEMALE])
    phone = f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}" if rng.random() < 0.7 else ""
    id_number = random_id_number(rng, birth) if rng.random() < 0.5 else ""
    if not settings.JIFEN_COLLECT_ID_NUMBER:  # drawn anyway: the same demo either way
        id_number = ""
    return services.create_member(
        actor=actor, branch=branch, name=name, gender=gender, category=category,
        status=MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
        joined_on=joined, staff_no=staff_no, phone=phone, id_number=id_number,
        username=username, password=DEMO_PASSWORD if username else "",
    )


def _logins(admin, orgs: dict[str, Organization], rng: random.Random) -> list[DemoLogin]:
    User = get_user_model()
    result = []
    for username, name, role, org_name, branch_name in LOGINS:
        user = User.objects.filter(username=username).first()
        if user is None and branch_name:
            branch = orgs[branch_name]
            category = (MemberCategory.STUDENT if "学生" in branch_name
                        else MemberCategory.TEACHER)
            member = _demo_member(admin, branch, category, f"D-{username}", rng, name=name,
                                  username=username)
            user = member.user
        elif user is None:
            user = User.objects.create_user(username=username, password=DEMO_PASSWORD, name=name)
        if user.must_change_password:  # demo accounts are ready to use
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        if role and not user.role_assignments.filter(role=role, org=orgs[org_name]).exists():
            services.assign_role(actor=admin, user=user, role=role, org=orgs[org_name])
        label = Role(role).label if role else ("超级管理员" if user.is_superuser else "党员")
        scope = org_name or branch_name
        result.append(DemoLogin(username, name, f"{label}（{scope}）"))
    return _merge_roles(result)


def _two_factor(admin, logins: list[DemoLogin]) -> None:
    """Give each demo login that must use two-factor login a device with the demo secret."""
    User = get_user_model()
    for login in logins:
        user = User.objects.get(username=login.username)
        if twofactor.requires_2fa(user):
            twofactor.enrol_with_key(actor=admin, user=user, key=DEMO_OTP_KEY, name="演示验证器")
            login.two_factor = True


def _merge_roles(logins: list[DemoLogin]) -> list[DemoLogin]:
    """One line per login, listing every role it holds."""
    merged: dict[str, DemoLogin] = {}
    for login in logins:
        if login.username in merged:
            merged[login.username].role += "；" + login.role
        else:
            merged[login.username] = login
    return list(merged.values())


def _schemes(admin, orgs: dict[str, Organization]) -> None:
    """Doc A's reference standard for last year and this year, a refined branch scheme with a
    sub-item, and Doc B's monthly scheme in the logistics group."""
    this_year = clock.today().year
    for year in (this_year - 1, this_year):
        if not Scheme.objects.filter(org=orgs[SCHOOL], year=year).exists():
            scheme_services.create_from_preset(actor=admin, org=orgs[SCHOOL], year=year,
                                               preset="jining-2017")
        if not Scheme.objects.filter(org=orgs[LOGISTICS], year=year).exists():
            scheme_services.create_from_preset(actor=admin, org=orgs[LOGISTICS], year=year,
                                               preset="chuxiong-2019")
    branch = orgs["计算机学院教工党支部"]
    if not Scheme.objects.filter(org=branch, year=this_year).exists():
        child = scheme_services.derive_scheme(actor=admin, org=branch, year=this_year)
        sub_item = {"title": "指导学生参加学科竞赛获奖", "category": "bonus",
                    "min": Decimal(1), "max": Decimal(3), "cap_per_period": Decimal(3),
                    "applies_to": ["teacher"], "evidence_required": True, "declarable": True,
                    "description": "本支部细化：凭获奖证书申报。"}
        scheme_services.update_definition(
            actor=admin, scheme=child,
            definition=editing.with_item(child.definition, "A-J05-1", sub_item),
            what="增加子项目 A-J05-1")
