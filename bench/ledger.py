"""Ledger benchmark (issue 4): a 60-member branch with a year of entries, on SQLite.

Measures, through Django's test client, the median time of the branch ranking page and of a
member's 我的积分 page, and the time to confirm a publicity window of 500 entries.
Run: python bench/ledger.py [--members 60] [--window 500] [--requests 30]
Targets: pages < 50 ms median; confirming 500 entries < 2 s.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DATA = tempfile.mkdtemp(prefix="jifen-bench-")
os.environ.update({
    "DJANGO_SETTINGS_MODULE": "jifen.settings", "DEBUG": "False", "JIFEN_DATA_DIR": DATA,
    "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "JIFEN_FIELD_KEY": "YmVuY2gtb25seS1maWVsZC1rZXktMzItYnl0ZXMhISE=",
    "ALLOWED_HOSTS": "testserver", "SECURE_SSL_REDIRECT": "False",
    "JIFEN_STATIC_MANIFEST": "False", "DATABASE_URL": f"sqlite:///{DATA}/bench.sqlite3",
})

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

from jifen.core import clock  # noqa: E402
from jifen.org.enums import OrgKind, Role  # noqa: E402
from jifen.publicity import services as publicity  # noqa: E402
from jifen.schemes.services import create_from_preset  # noqa: E402
from jifen.scoring import services as scoring  # noqa: E402
from jifen.testing.factories import UserFactory, grant, make_member, make_org  # noqa: E402

ITEMS = [("A-J01", "2"), ("A-J03", "2"), ("A-J08", "3"), ("A-B01", "1"), ("A-K01", "2"),
         ("A-J02", "1")]


def build(members: int):
    call_command("migrate", verbosity=0)
    root_user = UserFactory(username="root", is_superuser=True)
    school = make_org("基准学院党委", OrgKind.COMMITTEE)
    branch = make_org("基准支部", OrgKind.BRANCH, school)
    year = clock.today().year - 1  # a whole year, already over, whatever today is
    create_from_preset(actor=root_user, org=school, year=year, preset="jining-2017")
    secretary, committee = UserFactory(username="secretary"), UserFactory(username="committee")
    grant(secretary, Role.SECRETARY, branch)
    grant(committee, Role.COMMITTEE, branch)
    people = [make_member(branch, user=UserFactory(username=f"m{i}") if i == 0 else None)
              for i in range(members)]
    return branch, secretary, committee, people, year


def record_month(branch, secretary, committee, people, year, month, per_member=1):
    for index, member in enumerate(people):
        for k in range(per_member):
            code, points = ITEMS[(index + month + k) % len(ITEMS)]
            entry = scoring.create_entry(actor=secretary, member=member, item_code=code,
                                         points=Decimal(points),
                                         occurred_on=dt.date(year, month, 1 + k % 27),
                                         reason="基准测试")
            scoring.review_entry(actor=committee, entry=entry, approve=True)


def open_on(day: dt.date, secretary, branch, title: str):
    with clock.as_of(day):
        return publicity.open_window(actor=secretary, branch=branch, title=title,
                                     starts_on=day)


def median_ms(client, url, requests: int) -> float:
    client.get(url)  # warm caches and templates
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=60)
    parser.add_argument("--window", type=int, default=500)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    branch, secretary, committee, people, year = build(args.members)
    for month in range(1, 11):  # a year of monthly publicity, each step on its own day
        with clock.as_of(dt.date(year, month, 27)):
            record_month(branch, secretary, committee, people, year, month)
        window = open_on(dt.date(year, month, 28), secretary, branch, f"{month}月公示")
        with clock.as_of(window.ends_on + dt.timedelta(days=1)):
            publicity.close_window(actor=secretary, window=window)

    per_member = -(-args.window // len(people))  # at least --window entries
    with clock.as_of(dt.date(year, 11, 27)):
        record_month(branch, secretary, committee, people, year, 11, per_member)
    window = open_on(dt.date(year, 11, 28), secretary, branch, "大批公示")
    size = window.entries.count()
    start = time.perf_counter()
    with clock.as_of(window.ends_on + dt.timedelta(days=1)):
        publicity.close_window(actor=secretary, window=window)
    confirm_s = time.perf_counter() - start

    lead, member = Client(), Client()
    lead.force_login(secretary)
    member.force_login(people[0].user)
    ranking = median_ms(lead, f"/ranking/?branch={branch.pk}&year={year}", args.requests)
    mine = median_ms(member, f"/my/?year={year}", args.requests)

    from jifen.reports.data import results_report
    from jifen.reports.render import pdf_bytes

    pdf_bytes(results_report(branch, year))  # warm fonts
    start = time.perf_counter()
    pdf = pdf_bytes(results_report(branch, year))
    pdf_s = time.perf_counter() - start

    print(f"{args.members} members, {sum(1 for _ in branch.windows.all())} windows")
    print(f"branch ranking page: {ranking:.1f} ms median  (target < 50 ms)")
    print(f"我的积分 page:        {mine:.1f} ms median  (target < 50 ms)")
    print(f"confirm a window of {size} entries: {confirm_s:.2f} s  (target < 2 s)")
    print(f"annual results PDF ({len(pdf) // 1024} KB): {pdf_s:.2f} s  (target < 3 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
