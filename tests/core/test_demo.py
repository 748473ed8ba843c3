"""The demo school, built twice (it must be idempotent) and checked aspect by aspect.

One test on purpose: building the demo is the slow part, so every check reads the same build.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from jifen.core.demo import DEMO_OTP_KEY, DEMO_PASSWORD, SCHOOL
from jifen.org.enums import MemberCategory, OrgKind
from jifen.org.models import Member, Organization, RoleAssignment
from jifen.publicity.models import ObjectionState, Window
from jifen.schemes.models import Scheme
from jifen.schemes.queries import effective_scheme
from jifen.scoring.enums import EntryState
from jifen.scoring.models import Entry, Score
from jifen.scoring.rebuild import rebuild_scores
from tests.today import TODAY, YEAR, moment

pytestmark = pytest.mark.django_db


def counts():
    return (Organization.objects.count(), Member.objects.count(),
            RoleAssignment.objects.count(), Entry.objects.count(), Scheme.objects.count())


def test_demo_school(capsys, travel):
    call_command("demo")
    first = counts()
    call_command("demo")

    assert counts() == first
    output = capsys.readouterr().out
    check_later_run(capsys, travel, first)
    check_structure()
    check_logins(output)
    check_two_factor(output)
    check_schemes()
    check_ledger_year()
    check_previous_year_filed()


def check_later_run(capsys, travel, first):
    """`make run` again next year on the same database: the demo keeps its story and says so,
    instead of building a second "last year" on top of the first; it adds the new year's
    schemes so that the new year can be scored."""
    import datetime as dt

    travel.move_to(moment(dt.date(TODAY.year + 1, 1, 15)))
    call_command("demo")
    assert counts()[:-1] == first[:-1]  # the same people and ledger
    assert Scheme.objects.filter(year=YEAR + 1).exists()  # and the new year can be scored
    assert "数据库中已有往年建立的演示台账" in capsys.readouterr().out
    travel.move_to(moment(TODAY))


def check_structure():
    school = Organization.objects.get(name=SCHOOL)
    assert school.kind == OrgKind.COMMITTEE
    assert school.children.filter(kind=OrgKind.GENERAL_BRANCH).count() == 2
    assert school.children.filter(kind=OrgKind.BRANCH).exists()  # a branch right under the 党委
    assert Organization.objects.filter(root=school, kind=OrgKind.BRANCH).count() >= 6
    assert 150 <= Member.objects.filter(root=school).count() <= 170
    assert Organization.objects.filter(parent__isnull=True).count() == 2  # roots coexist
    for category in MemberCategory:
        assert Member.objects.filter(category=category).exists()
    names = list(Member.objects.values_list("name", flat=True))
    assert all(2 <= len(n) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in n) for n in names)


def check_logins(output):
    assert DEMO_PASSWORD in output
    User = get_user_model()
    for username in ["zuzhibu", "shenhe", "shuji", "zhiwei", "jifenyuan", "dangyuan", "hqshuji"]:
        assert username in output
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)


def check_two_factor(output):
    """Logins that must use two-factor login get the documented demo secret; others none."""
    keys = dict(TOTPDevice.objects.filter(confirmed=True)
                .values_list("user__username", "key"))
    assert {"admin", "zuzhibu"} <= set(keys) and "shuji" not in keys
    assert set(keys.values()) == {DEMO_OTP_KEY}
    assert "jifen demo_otp" in output and "JIFE NDEM" in output


def check_schemes():
    year = YEAR
    assert set(Scheme.objects.filter(year=year).values_list("preset", flat=True)) == {
        "jining-2017", "chuxiong-2019"}
    branch = Organization.objects.get(name="计算机学院教工党支部")
    scheme = effective_scheme(branch, year)
    assert scheme.org == branch and "A-J05-1" in {i["code"] for i in scheme.definition["items"]}
    assert Scheme.objects.filter(year=year - 1).count() == 2


def check_ledger_year():
    assert set(Entry.objects.values_list("state", flat=True)) == set(EntryState.values)
    open_windows = Window.objects.filter(closed_at__isnull=True, board_token__gt="")
    assert open_windows.count() == 1
    states = set(open_windows.get().entries.values_list("objections__state", flat=True))
    assert {ObjectionState.OPEN, ObjectionState.ESCALATED} <= states
    assert Score.objects.filter(total__isnull=False).count() > 100
    assert rebuild_scores(YEAR)[0] == []


def check_previous_year_filed():
    from jifen.results.models import Appraisal, Talk, YearResult

    year = YEAR - 1
    filed = YearResult.objects.get(year=year, state="filed")
    assert (filed.branch.name, filed.state) == ("计算机学院教工党支部", "filed")
    assert Appraisal.objects.filter(year=year).exclude(reason="").count() == 1  # one override
    assert Talk.objects.filter(year=year).exists()
    check_year_end_to_try(year)


def check_year_end_to_try(year):
    """xsshuji's branch has last year ready for its year-end: nothing in progress, the annual
    publicity over, only the appraisal (and what follows from it) left to do."""
    from jifen.results.services import missing_before_submit

    branch = Organization.objects.get(name="计算机学院学生第一党支部")
    missing = missing_before_submit(branch, year)
    assert missing and all("尚未录入评议等次" in line or "诫勉谈话" in line for line in missing)
    assert Score.objects.filter(branch=branch, year=year).count() == Member.objects.filter(
        branch=branch).count()
