"""`jifen rotate_field_key`: every encrypted value moves to the current key, indexes follow."""

import base64
import datetime as dt
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.utils import timezone

from jifen.audit.models import AuditEntry
from jifen.core import crypto
from jifen.core.keyrotation import ENCRYPTED_COLUMNS
from jifen.imports import services as import_services
from jifen.imports.errors import ImportRejected
from jifen.imports.models import PendingImport
from jifen.org import services
from jifen.org.models import Member
from tests.imports.support import member_row, upload, valid_id, xlsx

K1 = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="
K2 = "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY="
K3 = "enl4d3Z1dHNycXBvbm1sa2ppaGdmZWRjYmF6eXh3dnU="
ROTATING = f"2:{K2},1:{K1}"
ID_PATTERN = re.compile(r"\d{17}[\dXx]")


@pytest.fixture
def v1_world(world, settings):
    """Three members with phone and ID number and one pending import, all under key v1."""
    settings.JIFEN_FIELD_KEY = K1  # a single bare key is version 1
    settings.JIFEN_BACKUP_KEY_DERIVED = False  # production pins JIFEN_BACKUP_KEY
    people = [("甲", "13812345671", valid_id(901)), ("乙", "13812345672", valid_id(902)),
              ("丙", "", valid_id(903))]
    for n, (name, phone, id_number) in enumerate(people):
        services.create_member(
            actor=world.users["org_admin"], branch=world.b1, name=name, gender="male",
            category="teacher", status="full", joined_on=dt.date(2010, 7, 1),
            staff_no=f"R{n}", phone=phone, id_number=id_number)
    PendingImport.objects.create(
        kind="members", uploaded_by=world.users["org_admin"], file_name="名册.xlsx",
        file_sha256="0" * 64, row_count=1, plan_digest="x",
        cells_cipher=PendingImport.seal([{"_row": 2, "id_number": valid_id(904)}]),
        expires_at=timezone.now() + timedelta(hours=1))
    return world


def raw_values() -> list[tuple]:
    """Every cipher and index exactly as stored."""
    values = []
    for column in ENCRYPTED_COLUMNS:
        fields = [column.cipher, *([column.index] if column.index else [])]
        model = apps.get_model(column.model)
        values += list(model.objects.order_by("pk").values_list("pk", *fields))
    return values


def rotate(*args) -> str:
    out = StringIO()
    call_command("rotate_field_key", *args, stdout=out)
    return out.getvalue()


def test_rotation_reencrypts_everything_under_v2_and_keeps_the_values(v1_world, settings):
    before = {m.pk: (m.phone, m.id_number) for m in Member.objects.all()}
    cells = PendingImport.objects.get().cells
    settings.JIFEN_FIELD_KEY = ROTATING

    output = rotate()

    tokens = [v for row in raw_values() for v in row[1:] if isinstance(v, str) and ":" in v]
    stored = [(m.phone_cipher, m.id_number_cipher) for m in Member.objects.all()]
    assert all(t.startswith("v2:") for pair in stored for t in pair if t)
    assert PendingImport.objects.get().cells_cipher.startswith("v2:")
    assert tokens and all(t.startswith("v2:") for t in tokens)
    assert {m.pk: (m.phone, m.id_number) for m in Member.objects.all()} == before
    assert PendingImport.objects.get().cells == cells
    assert "党员手机号码：共 2 行（第 1 版 2 行）；重新加密 2 行，重算索引 2 行。" in output
    assert "党员身份证号码：共 3 行（第 1 版 3 行）；重新加密 3 行，重算索引 3 行。" in output
    assert "完成：重新加密 6 行，重算索引 5 行，全部数据已使用第 2 版密钥。" in output


def test_indexes_follow_the_new_key_so_duplicates_are_still_found(v1_world, settings):
    settings.JIFEN_FIELD_KEY = ROTATING

    rotate()

    for member in Member.objects.exclude(phone_cipher=None):
        assert member.phone_index == crypto.blind_index(member.phone, purpose="phone")
    with pytest.raises(ValidationError) as caught:
        services.create_member(
            actor=v1_world.users["org_admin"], branch=v1_world.b3, name="丁", gender="male",
            category="teacher", status="full", joined_on=dt.date(2010, 7, 1), staff_no="R9",
            id_number=valid_id(901))
    assert caught.value.message_dict == {"id_number": ["该身份证号码已登记在其他党员名下。"]}
    with pytest.raises(ImportRejected) as rejected:
        import_services.import_file("members", actor=v1_world.users["org_admin"],
                                    upload=upload(xlsx([member_row(id_number=valid_id(902))])))
    errors = [str(e) for e in rejected.value.errors]
    assert errors == ["第 2 行：该身份证号码已登记在其他党员名下。"]


def test_raw_rows_hold_no_id_number_pattern_after_rotation(v1_world, settings):
    settings.JIFEN_FIELD_KEY = ROTATING

    rotate()

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM org_member")
        raw = " ".join(str(v) for row in cursor.fetchall() for v in row)
        cursor.execute("SELECT cells_cipher FROM imports_pendingimport")
        raw += " ".join(row[0] for row in cursor.fetchall())
    assert "v2:" in raw
    assert not ID_PATTERN.search(raw)


def test_one_audit_row_and_a_second_run_changes_nothing(v1_world, settings):
    settings.JIFEN_FIELD_KEY = ROTATING
    rotate()
    after_first = raw_values()
    audit_rows = AuditEntry.objects.count()

    output = rotate()

    assert raw_values() == after_first
    assert AuditEntry.objects.count() == audit_rows
    assert "无需修改：全部数据已使用第 2 版密钥，索引正确。" in output
    entry = AuditEntry.objects.get(action="core.field_key.rotated")
    assert (entry.actor, entry.actor_name) == (None, "系统")
    assert entry.data == {
        "version": 2, "previous_versions": {"1": 6},
        "reencrypted": {"org.member.phone_cipher": 2, "org.member.id_number_cipher": 3,
                        "imports.pendingimport.cells_cipher": 1},
        "reindexed": {"org.member.phone_cipher": 2, "org.member.id_number_cipher": 3},
    }


def test_rows_already_on_the_current_version_are_skipped(v1_world, settings):
    settings.JIFEN_FIELD_KEY = ROTATING
    services.create_member(
        actor=v1_world.users["org_admin"], branch=v1_world.b1, name="新", gender="male",
        category="teacher", status="full", joined_on=dt.date(2010, 7, 1), staff_no="R8",
        phone="13812345679", id_number=valid_id(908))
    newest = Member.objects.values_list("phone_cipher", "id_number_cipher").get(staff_no="R8")

    output = rotate()

    assert Member.objects.values_list("phone_cipher", "id_number_cipher").get(
        staff_no="R8") == newest
    assert ("党员手机号码：共 3 行（第 1 版 2 行，第 2 版 1 行）；"
            "重新加密 2 行，重算索引 2 行。") in output


def test_check_counts_old_rows_and_writes_nothing(v1_world, settings):
    settings.JIFEN_FIELD_KEY = ROTATING
    before = raw_values()

    output = rotate("--check")

    assert raw_values() == before
    assert not AuditEntry.objects.filter(action="core.field_key.rotated").exists()
    assert "当前密钥：第 2 版（JIFEN_FIELD_KEY 中配置了第 2、1 版）。" in output
    assert "党员身份证号码：共 3 行（第 1 版 3 行）。" in output
    assert "待确认导入的表格数据：共 1 行（第 1 版 1 行）。" in output
    assert "共 6 行仍使用旧版本密钥，5 个索引需要重算。" in output
    rotate()
    assert "全部数据已使用当前密钥，无需轮换。" in rotate("--check")


def test_a_missing_old_key_is_refused_and_nothing_changes(v1_world, settings):
    settings.JIFEN_FIELD_KEY = f"2:{K2}"
    before = raw_values()

    missing = ("JIFEN_FIELD_KEY 中缺少第 1 版（党员手机号码 2 行、党员身份证号码 3 行、"
               "待确认导入的表格数据 1 行）的密钥")
    with pytest.raises(CommandError, match=missing):
        rotate()
    with pytest.raises(CommandError, match="缺少第 1 版"):
        rotate("--check")

    assert raw_values() == before
    assert not AuditEntry.objects.filter(action="core.field_key.rotated").exists()


def test_a_value_that_does_not_decrypt_rolls_back_the_whole_run(v1_world, settings):
    settings.JIFEN_FIELD_KEY = K3  # an ID number sealed with some other "version 1" key
    stranger = Member.objects.get(staff_no="R2")
    stranger.id_number_cipher = crypto.encrypt(valid_id(903))
    stranger.save(update_fields=["id_number_cipher"])
    settings.JIFEN_FIELD_KEY = ROTATING
    before = raw_values()

    with pytest.raises(CommandError, match=f"党员身份证号码（第 {stranger.pk} 号记录）无法用"):
        rotate()

    assert raw_values() == before  # the phones, rotated first, were rolled back too


def test_a_duplicate_that_got_in_during_the_switch_is_named(v1_world, settings):
    settings.JIFEN_FIELD_KEY = ROTATING
    # Until the rotation has run, a v2 index does not match the v1 index of the same number.
    twin = services.create_member(
        actor=v1_world.users["org_admin"], branch=v1_world.b3, name="双", gender="male",
        category="teacher", status="full", joined_on=dt.date(2010, 7, 1), staff_no="R7",
        id_number=valid_id(901))
    first = Member.objects.get(staff_no="R0")
    before = raw_values()

    with pytest.raises(CommandError, match=f"第 {first.pk} 号和第 {twin.pk} 号记录的值相同"):
        rotate()

    assert raw_values() == before


def test_a_derived_backup_key_must_be_pinned_before_rotating(v1_world, settings):
    settings.JIFEN_BACKUP_KEY_DERIVED = True
    settings.JIFEN_FIELD_KEY = ROTATING
    before = raw_values()

    assert "JIFEN_BACKUP_KEY 未显式设置" in rotate("--check")
    with pytest.raises(CommandError, match="JIFEN_BACKUP_KEY 未显式设置"):
        rotate()

    assert raw_values() == before


def test_every_cipher_field_of_every_model_is_rotated():
    listed = {(c.model.lower(), c.cipher) for c in ENCRYPTED_COLUMNS}
    found = {(m._meta.label_lower, f.name) for m in apps.get_models() for f in m._meta.fields
             if f.name.endswith("_cipher") and isinstance(f, models.TextField)}
    assert found == listed


def test_generate_field_key_prints_a_usable_key():
    out = StringIO()

    call_command("generate_field_key", stdout=out)

    key = out.getvalue().strip()
    assert len(base64.b64decode(key)) == 32
    assert crypto.parse_field_keys(f"2:{key},1:{K1}").current == 2
