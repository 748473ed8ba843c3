"""Hash the rows written before the chain existed, then (PostgreSQL) forbid UPDATE and DELETE on
the audit table at the database level; DELETE only inside `jifen purge_audit`."""

from django.db import migrations

TRIGGER = """
CREATE OR REPLACE FUNCTION jifen_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('jifen.audit_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '审计日志只能追加，不能修改或删除 (%)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_append_only ON audit_auditentry;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
FOR EACH ROW EXECUTE FUNCTION jifen_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS jifen_audit_append_only();
"""


def chain_existing(apps, schema_editor):
    from jifen.audit import chain

    AuditEntry = apps.get_model("audit", "AuditEntry")
    ChainHead = apps.get_model("audit", "ChainHead")
    previous = ""
    last_id = 0
    for entry in AuditEntry.objects.order_by("id").iterator():
        digest = chain.row_hash(entry, previous)
        AuditEntry.objects.filter(pk=entry.pk).update(prev_hash=previous, row_hash=digest)
        previous, last_id = digest, entry.pk
    ChainHead.objects.update_or_create(pk=1, defaults={"last_hash": previous,
                                                       "last_id": last_id})


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER, params=None)  # no placeholders: the SQL has a %


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_hash_chain")]

    operations = [
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
