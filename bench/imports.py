"""Import benchmark (issue 6): a roster of N members, then N ledger entries, on SQLite.

Through the REST API (one call: read, validate, write through create_member / create_entry,
audit), and through the web flow's upload + preview + confirm. Rows carry a phone and an ID
number (encrypted, blind-indexed). Run: python bench/imports.py [--rows 5000] [--logins 0]
Target: importing 5,000 roster rows < 10 s. `--logins K` gives K rows a login, hashed with the
production hasher (Argon2), to show what creating accounts costs.
"""

import argparse
import atexit
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DATA = tempfile.mkdtemp(prefix="jifen-bench-")
atexit.register(shutil.rmtree, DATA, ignore_errors=True)
os.environ.update({
    "DJANGO_SETTINGS_MODULE": "jifen.settings", "DEBUG": "False", "JIFEN_DATA_DIR": DATA,
    "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "JIFEN_FIELD_KEY": "YmVuY2gtb25seS1maWVsZC1rZXktMzItYnl0ZXMhISE=",
    "ALLOWED_HOSTS": "testserver", "SECURE_SSL_REDIRECT": "False",
    "JIFEN_STATIC_MANIFEST": "False", "DATABASE_URL": f"sqlite:///{DATA}/bench.sqlite3",
})

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from jifen.accounts.services import issue_token  # noqa: E402
from jifen.core import clock  # noqa: E402
from jifen.core.validators import id_number_check_char  # noqa: E402
from jifen.imports.layouts import ENTRIES, MEMBERS  # noqa: E402
from jifen.org.enums import OrgKind, Role  # noqa: E402
from jifen.org.models import Member  # noqa: E402
from jifen.schemes.services import create_from_preset  # noqa: E402
from jifen.scoring.models import Entry  # noqa: E402
from jifen.testing.factories import UserFactory, grant, make_org  # noqa: E402
from jifen.testing.otp import login_verified  # noqa: E402

BRANCHES = 10


def build():
    call_command("migrate", verbosity=0)
    school = make_org("基准学院党委", OrgKind.COMMITTEE)
    general = make_org("基准党总支", OrgKind.GENERAL_BRANCH, school)
    branches = [make_org(f"基准第{i + 1}党支部", OrgKind.BRANCH, general) for i in range(BRANCHES)]
    admin, recorder = UserFactory(username="org_admin"), UserFactory(username="recorder")
    grant(admin, Role.ORG_ADMIN, school)
    grant(recorder, Role.RECORDER, branches[0])
    create_from_preset(actor=admin, org=school, year=clock.today().year,
                       preset="jining-2017")
    return branches, admin, recorder


def workbook(layout, rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(layout.sheet)
    sheet.append([c.header for c in layout.columns])
    for row in rows:
        sheet.append([row.get(c.key, "") for c in layout.columns])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def roster(n: int, branches, logins: int, prefix: str) -> bytes:
    rows = []
    for i in range(n):
        first17 = f"5323011990{i % 100:02d}{i % 28 + 1:02d}{i % 1000:03d}"
        rows.append({"name": f"党员{i}", "gender": "男" if i % 2 else "女", "category": "教工",
                     "status": "正式", "joined_on": dt.date(2010, 7, 1),
                     "staff_no": f"{prefix}{i:06d}", "branch": branches[i % BRANCHES].name,
                     "phone": f"139{i:08d}", "id_number": first17 + id_number_check_char(first17)
                     if prefix == "A" else "", "username": f"{prefix.lower()}{i}" if i < logins
                     else ""})
    return workbook(MEMBERS, rows)


def ledger(members) -> bytes:
    today = clock.today()
    rows = [{"staff_no": m.staff_no, "name": m.name, "item": "A-B02", "points": 1,
             "occurred_on": dt.date(today.year, 1 + i % today.month, 1), "reason": "未按时交纳党费"}
            for i, m in enumerate(members)]
    return workbook(ENTRIES, rows)


def timed(call):
    """The call's result, wall time and this process's CPU time (which a busy machine — other
    processes on the same cores — inflates less than the wall time)."""
    start, cpu = time.perf_counter(), time.process_time()
    response = call()
    return response, Seconds(time.perf_counter() - start, time.process_time() - cpu)


class Seconds:
    def __init__(self, wall: float, cpu: float) -> None:
        self.wall, self.cpu = wall, cpu

    def __format__(self, spec: str) -> str:
        return f"{self.wall:{spec}} s (CPU {self.cpu:{spec}} s)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--logins", type=int, default=0)
    args = parser.parse_args()

    branches, admin, recorder = build()
    api = Client()
    token, _ = issue_token(user=admin)
    auth = {"Authorization": f"Bearer {token}"}
    api.get("/api/v1/imports/members/template", headers=auth)  # warm up: imports, URLconf
    content = roster(args.rows, branches, args.logins, "A")
    response, api_s = timed(lambda: api.post(
        "/api/v1/imports/members", {"file": SimpleUploadedFile("名册.xlsx", content)},
        headers=auth))
    assert response.status_code == 200, response.content[:500]
    assert response.json()["created"] == args.rows

    web = login_verified(Client(), admin)  # the org department passes two-factor login too
    content = roster(args.rows, branches, 0, "B")
    upload, upload_s = timed(lambda: web.post(
        "/imports/members/", {"file": SimpleUploadedFile("名册.xlsx", content)}))
    assert upload.status_code == 302, upload.content[:500]
    preview, preview_s = timed(lambda: web.get(upload.url))
    assert preview.status_code == 200
    done, confirm_s = timed(lambda: web.post(upload.url + "confirm/"))
    assert done.status_code == 200 and "已导入" in done.content.decode()
    assert Member.objects.count() == 2 * args.rows

    members = list(Member.objects.filter(branch=branches[0]).order_by("id"))
    members = (members * (args.rows // len(members) + 1))[:args.rows]
    token, _ = issue_token(user=recorder)
    response, entries_s = timed(lambda: Client().post(
        f"/api/v1/imports/entries?org_id={branches[0].pk}",
        {"file": SimpleUploadedFile("台账.xlsx", ledger(members))},
        headers={"Authorization": f"Bearer {token}"}))
    assert response.status_code == 200, response.content[:500]
    assert Entry.objects.count() == args.rows

    size = len(content) // 1024
    print(f"{args.rows} roster rows ({size} KB), {BRANCHES} branches, {args.logins} logins")
    print(f"API import of the roster: {api_s:.2f}  (target < 10 s)")
    print(f"web upload {upload_s:.2f} + preview {preview_s:.2f} + confirm {confirm_s:.2f}")
    print(f"API import of {args.rows} ledger entries: {entries_s:.2f}")
    print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
