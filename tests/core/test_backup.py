"""Backup and restore, end to end, in separate processes on their own databases."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SEED = """
from django.db import transaction
from jifen.testing.factories import UserFactory
from jifen.org import services
from jifen.org.enums import OrgKind
root = UserFactory(username="root", is_superuser=True)
school = services.create_organization(actor=root, name="备份党委", kind=OrgKind.COMMITTEE,
                                      parent=None)
branch = services.create_organization(actor=root, name="备份支部", kind=OrgKind.BRANCH,
                                      parent=school)
import datetime as dt
for n in range(5):
    services.create_member(actor=root, branch=branch, name=f"党员{n}", gender="male",
                           category="teacher", status="full", joined_on=dt.date(2010, 1, 1),
                           staff_no=f"B{n}", phone="13812345678")
"""


def jifen(env, *args, stdin=None):
    return subprocess.run([sys.executable, "-m", "jifen", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, input=stdin, timeout=300)


def environment(tmp_path: Path, name: str) -> dict:
    env = {**os.environ, "JIFEN_DATA_DIR": str(tmp_path / name)}
    if connection.vendor == "postgresql":
        database = f"jifen_backup_{uuid.uuid4().hex[:10]}"
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / name / 'db.sqlite3'}"
    return env


def drop(env):
    if env["DATABASE_URL"].startswith("postgres"):
        database = env["DATABASE_URL"].rsplit("/", 1)[1]
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database])


@pytest.mark.django_db
def test_backup_restores_into_an_empty_database_and_refuses_a_full_one(tmp_path):
    source, target = environment(tmp_path, "source"), environment(tmp_path, "target")
    try:
        assert jifen(source, "migrate", "-v0").returncode == 0
        assert jifen(source, "shell", "-c", SEED).returncode == 0
        archive = tmp_path / "jifen.backup"
        made = jifen(source, "backup", str(archive))
        assert made.returncode == 0, made.stderr
        assert b"13812345678" not in archive.read_bytes()  # sealed, not just zipped

        assert jifen(target, "migrate", "-v0").returncode == 0
        restored = jifen(target, "restore", str(archive))
        assert restored.returncode == 0, restored.stderr
        assert "哈希链连续" in restored.stdout and "与清单一致" in restored.stdout
        count = jifen(target, "shell", "-c",
                      "from jifen.org.models import Member; print(Member.objects.count())")
        assert count.stdout.strip().endswith("5")

        again = jifen(target, "restore", str(archive))
        assert again.returncode != 0 and "不是空的" in again.stderr

        wrong_key = {**target, "JIFEN_BACKUP_KEY": "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="}
        refused = jifen(wrong_key, "restore", str(archive))
        assert refused.returncode != 0 and "无法解密" in refused.stderr
    finally:
        drop(source)
        drop(target)
