"""The audit log holds: append-only, hash-chained, verified end to end, fail-closed."""

import datetime as dt
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from jifen.audit.models import AuditEntry
from jifen.org import services
from jifen.org.models import Organization


def rename(world, name):
    return services.rename_organization(actor=world.users["org_admin"], org=world.b1, name=name)


def test_every_row_links_to_the_previous_and_verify_passes(world, capsys):
    for name in ["一", "二", "三"]:
        rename(world, name)
    rows = list(AuditEntry.objects.order_by("id"))
    assert [r.prev_hash for r in rows[1:]] == [r.row_hash for r in rows[:-1]]
    call_command("verify_audit")
    assert "3 条记录，哈希链连续" in capsys.readouterr().out


def test_a_row_changed_by_raw_sql_breaks_verification_at_that_row(world):
    for name in ["一", "二", "三"]:
        rename(world, name)
    middle = AuditEntry.objects.order_by("id")[1]
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditentry SET reason = 'x' WHERE id = %s", [middle.pk])
        return  # PostgreSQL refuses the change itself; on SQLite it is detected instead
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET reason = '篡改' WHERE id = %s", [middle.pk])
    with pytest.raises(CommandError, match=f"第 {middle.pk} 号记录内容与哈希不符"):
        call_command("verify_audit")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgres_trigger_refuses_raw_delete(world):
    rename(world, "一")
    with pytest.raises(DatabaseError, match="只能追加"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL refuses the delete")
def test_a_deleted_row_breaks_the_link(world):
    for name in ["一", "二", "三"]:
        rename(world, name)
    middle = AuditEntry.objects.order_by("id")[1]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [middle.pk])
    with pytest.raises(CommandError, match="链接断开"):
        call_command("verify_audit")


def test_if_the_audit_row_cannot_be_written_the_change_rolls_back(world):
    with mock.patch("jifen.audit.chain.row_hash", side_effect=RuntimeError("disk full")), \
            pytest.raises(RuntimeError):
        rename(world, "不应保存")
    assert Organization.objects.get(pk=world.b1.pk).name == "计算机学院教工党支部"
    assert not AuditEntry.objects.exists()


def test_purge_keeps_three_years_and_the_chain_stays_verifiable(world, capsys):
    old = timezone.now() - dt.timedelta(days=365 * 4)
    with mock.patch("jifen.audit.services.timezone.now", return_value=old):
        rename(world, "很久以前")
    rename(world, "现在")
    too_recent = timezone.localdate() - dt.timedelta(days=365 * 2)
    with pytest.raises(CommandError, match="至少保留 3 年"):
        call_command("purge_audit", before=too_recent.isoformat())

    cutoff = (timezone.localdate() - dt.timedelta(days=365 * 3 + 5)).isoformat()
    call_command("purge_audit", before=cutoff)

    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "org.organization.renamed", "audit.log.purged"]
    call_command("verify_audit")
    assert "哈希链连续" in capsys.readouterr().out.splitlines()[-1]
