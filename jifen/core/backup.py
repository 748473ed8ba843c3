"""Encrypted backups: the database (SQLite online backup API, or pg_dump -Fc) and the evidence
files, with a manifest of row counts and the audit chain's head, sealed with AES-256-GCM.

Layout of a backup file: b"JIFENBK1" + 12-byte nonce + AES-GCM(tar.gz of manifest.json,
database, media/…). The key is JIFEN_BACKUP_KEY (base64, 32 bytes), kept apart from the
backups themselves.
"""

import base64
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

MAGIC = b"JIFENBK1"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese."""


def _key() -> bytes:
    raw = settings.JIFEN_BACKUP_KEY
    try:
        key = base64.b64decode(raw)
    except ValueError as e:
        raise BackupError("JIFEN_BACKUP_KEY 不是有效的 base64。") from e
    if len(key) != 32:
        raise BackupError("JIFEN_BACKUP_KEY 须为 32 字节（base64 编码）。")
    return key


def row_counts() -> dict[str, int]:
    return {model._meta.db_table: model._default_manager.count()
            for model in apps.get_models() if model._meta.managed}


def audit_head() -> str:
    from jifen.audit.models import AuditEntry

    last = AuditEntry.objects.order_by("-id").first()
    return last.row_hash if last else ""


# --- writing -------------------------------------------------------------------------------

def make_backup(path: Path) -> dict:
    """Write an encrypted backup to `path`; return its manifest."""
    manifest = {"format": "jifen-backup-1", "created_at": timezone.now().isoformat(),
                "engine": connection.vendor, "rows": row_counts(),
                "audit_head": audit_head()}
    database = _dump_database()
    manifest["database_sha256"] = hashlib.sha256(database).hexdigest()
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w:gz") as tar:
        _add(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        _add(tar, "database", database)
        media = Path(settings.MEDIA_ROOT)
        if media.is_dir():
            tar.add(media, arcname="media")
    nonce = os.urandom(12)
    sealed = AESGCM(_key()).encrypt(nonce, archive.getvalue(), MAGIC)
    path.write_bytes(MAGIC + nonce + sealed)
    return manifest


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def _dump_database() -> bytes:
    if connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "db.sqlite3"
            connection.ensure_connection()
            destination = sqlite3.connect(target)
            connection.connection.backup(destination)  # consistent while others write
            destination.close()
            return target.read_bytes()
    if connection.vendor == "postgresql":
        return _run(["pg_dump", "-Fc", "--no-owner", *_pg_args()]).stdout
    raise BackupError(f"不支持的数据库：{connection.vendor}")


def _pg_args() -> list[str]:
    db = settings.DATABASES["default"]
    args = ["-d", db["NAME"]]
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args


def _run(command: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ}
    if settings.DATABASES["default"].get("PASSWORD"):
        env["PGPASSWORD"] = settings.DATABASES["default"]["PASSWORD"]
    result = subprocess.run(command, capture_output=True, env=env)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{result.stderr.decode(errors='replace')[:500]}")
    return result


# --- reading -------------------------------------------------------------------------------

@dataclass
class Opened:
    manifest: dict
    database: bytes
    archive: tarfile.TarFile


def open_backup(path: Path) -> Opened:
    data = path.read_bytes()
    if not data.startswith(MAGIC):
        raise BackupError("这不是 jifen 备份文件。")
    try:
        plain = AESGCM(_key()).decrypt(data[8:20], data[20:], MAGIC)
    except InvalidTag as e:
        raise BackupError("无法解密：密钥不对，或备份文件已损坏。") from e
    archive = tarfile.open(fileobj=io.BytesIO(plain), mode="r:gz")  # noqa: SIM115 - kept open
    manifest = json.loads(archive.extractfile("manifest.json").read())
    database = archive.extractfile("database").read()
    if hashlib.sha256(database).hexdigest() != manifest["database_sha256"]:
        raise BackupError("备份中的数据库与清单不符。")
    return Opened(manifest, database, archive)


def restore_backup(path: Path) -> dict:
    """Restore into an EMPTY database (refuses otherwise); return the manifest."""
    opened = open_backup(path)
    if opened.manifest["engine"] != connection.vendor:
        source = opened.manifest["engine"]
        raise BackupError(f"备份来自 {source}，当前数据库是 {connection.vendor}。")
    if _has_data():
        raise BackupError("目标数据库不是空的，拒绝恢复（恢复只写入空数据库，避免覆盖现有数据）。")
    if connection.vendor == "sqlite":
        _restore_sqlite(opened.database)
    else:
        _restore_postgres(opened.database)
    _restore_media(opened.archive)
    return opened.manifest


def _has_data() -> bool:
    """Empty means: a fresh database, or a migrated one with no user, organization or audit
    row yet (migrations themselves leave bookkeeping rows such as the audit chain's head)."""
    from django.contrib.auth import get_user_model

    from jifen.audit.models import AuditEntry
    from jifen.org.models import Organization

    if "org_organization" not in connection.introspection.table_names():
        return False
    return any(model.objects.exists() for model in (get_user_model(), Organization, AuditEntry))


def _restore_sqlite(database: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source_path = Path(tmp) / "db.sqlite3"
        source_path.write_bytes(database)
        source = sqlite3.connect(source_path)
        connection.ensure_connection()
        source.backup(connection.connection)  # replaces the current database's content
        source.close()


def _restore_postgres(database: bytes) -> None:
    with tempfile.NamedTemporaryFile(suffix=".dump") as dump:
        dump.write(database)
        dump.flush()
        connection.close()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", *_pg_args(), dump.name])


def _restore_media(archive: tarfile.TarFile) -> None:
    media = Path(settings.MEDIA_ROOT)
    for member in archive.getmembers():
        if member.name.startswith("media/") and member.isfile():
            target = (media / member.name.removeprefix("media/")).resolve()
            if not target.is_relative_to(media.resolve()):
                raise BackupError(f"备份中的文件路径不安全：{member.name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.extractfile(member).read())
