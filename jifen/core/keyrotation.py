"""Re-encrypting personal data under the current field key (`jifen rotate_field_key`).

Every encrypted column is listed in ENCRYPTED_COLUMNS (a test checks that no model has a
`*_cipher` field missing from it). A run decrypts every value, re-encrypts those still under an
older key version and recomputes every blind index with the current key. The whole run is one
transaction, written in batches: it completes, or nothing changes. A run on data that is already
current changes nothing and writes no audit row, so it is safe to repeat.
"""

from collections import Counter
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction

from jifen.audit.services import log_action
from jifen.core import crypto

BATCH = 500  # rows read, locked and written at a time


@dataclass(frozen=True)
class EncryptedColumn:
    model: str  # "app_label.ModelName"
    cipher: str
    label: str  # what the report calls it
    index: str = ""  # its blind index column, if it has one
    purpose: str = ""  # the blind index's purpose (see crypto.blind_index)
    unique: bool = False  # the index carries a uniqueness constraint

    @property
    def key(self) -> str:
        return f"{self.model.lower()}.{self.cipher}"


ENCRYPTED_COLUMNS = (
    EncryptedColumn("org.Member", "phone_cipher", "党员手机号码", index="phone_index",
                    purpose="phone"),
    EncryptedColumn("org.Member", "id_number_cipher", "党员身份证号码",
                    index="id_number_index", purpose="id_number", unique=True),
    EncryptedColumn("imports.PendingImport", "cells_cipher", "待确认导入的表格数据"),
)


class RotationError(Exception):
    """A run that cannot go on; the message says why, in Chinese. Nothing has been changed."""


@dataclass
class ColumnReport:
    column: EncryptedColumn
    versions: Counter = field(default_factory=Counter)  # rows per key version, before the run
    reencrypted: int = 0
    reindexed: int = 0

    @property
    def rows(self) -> int:
        return sum(self.versions.values())


@dataclass
class RotationReport:
    current: int
    configured: list[int]
    columns: list[ColumnReport]

    @property
    def reencrypted(self) -> int:
        return sum(c.reencrypted for c in self.columns)

    @property
    def reindexed(self) -> int:
        return sum(c.reindexed for c in self.columns)

    @property
    def old_versions(self) -> Counter:
        counts: Counter = Counter()
        for column in self.columns:
            counts.update({v: n for v, n in column.versions.items() if v != self.current})
        return counts


def rotate_field_key(*, dry_run: bool = False) -> RotationReport:
    """Bring every encrypted value and blind index to the current key version.

    With dry_run, count what a run would change and write nothing. Raises RotationError when a
    value's key version is not configured, a value does not decrypt, or two members would end
    up with the same ID-number index.
    """
    keys = crypto.field_keys()
    try:
        with transaction.atomic():
            report = RotationReport(keys.current, sorted(keys.keys, reverse=True),
                                    [_survey(column) for column in ENCRYPTED_COLUMNS])
            _refuse_missing_keys(report, keys)
            if not dry_run and report.old_versions:
                _refuse_derived_backup_key()
            for column_report in report.columns:
                if column_report.column.unique:
                    _refuse_duplicates(column_report.column)
                _rotate_column(column_report, keys.current, dry_run=dry_run)
            if not dry_run and (report.reencrypted or report.reindexed):
                log_action("core.field_key.rotated", actor=None, data=_audit_data(report))
    except IntegrityError as e:  # a duplicate that slipped past _refuse_duplicates meanwhile
        raise RotationError(f"写入时违反唯一约束，已全部回滚，未做任何修改：{e}") from e
    return report


def _model(column: EncryptedColumn):
    return apps.get_model(column.model)


def _encrypted_rows(column: EncryptedColumn):
    return (_model(column).objects.exclude(**{f"{column.cipher}__isnull": True})
            .exclude(**{column.cipher: ""}).order_by("pk"))


def _survey(column: EncryptedColumn) -> ColumnReport:
    report = ColumnReport(column)
    for pk, token in _encrypted_rows(column).values_list("pk", column.cipher).iterator():
        try:
            report.versions[crypto.key_version(token)] += 1
        except ValueError as e:
            raise RotationError(f"{column.label}（第 {pk} 号记录）不是可识别的密文，"
                                "未做任何修改。") from e
    return report


def _refuse_missing_keys(report: RotationReport, keys: crypto.FieldKeys) -> None:
    missing = sorted(v for v in report.old_versions if v not in keys.keys)
    if not missing:
        return
    parts = []
    for version in missing:
        where = "、".join(f"{c.column.label} {c.versions[version]} 行"
                         for c in report.columns if c.versions[version])
        parts.append(f"第 {version} 版（{where}）")
    raise RotationError(
        f"JIFEN_FIELD_KEY 中缺少{'，'.join(parts)}的密钥，这些数据无法解密。"
        f"请把旧密钥保留在配置中，例如 JIFEN_FIELD_KEY="
        f"\"{keys.current}:<新密钥>,{missing[0]}:<旧密钥>\"（第一个为当前密钥），"
        "再运行本命令。未做任何修改。")


def _refuse_derived_backup_key() -> None:
    """The default backup key is derived from the JIFEN_FIELD_KEY text, which a rotation
    changes: backups made before it would no longer open. Make the operator pin it first."""
    if getattr(settings, "JIFEN_BACKUP_KEY_DERIVED", False):
        raise RotationError(
            "JIFEN_BACKUP_KEY 未显式设置：它默认由 JIFEN_FIELD_KEY 派生，更换个人信息密钥后，"
            "此前的备份将无法解密。请先把 JIFEN_BACKUP_KEY 设为旧备份所用的密钥（见 README 的"
            "“Rotating the personal-data key”一节），再运行本命令。未做任何修改。")


def _decrypt(column: EncryptedColumn, pk, token: str) -> str:
    try:
        return crypto.decrypt(token)
    except (InvalidTag, ValueError) as e:
        raise RotationError(
            f"{column.label}（第 {pk} 号记录）无法用第 {crypto.key_version(token)} 版密钥解密："
            "该版本的密钥不对，或数据已损坏。未做任何修改。") from e


def _refuse_duplicates(column: EncryptedColumn) -> None:
    """Two equal values under different keys have different indexes, so a duplicate can get in
    while the configuration names a new key and the old rows still carry old indexes; the
    unique index would then fail half-way. Find them first and name the records."""
    seen: dict[str, int] = {}
    for pk, token in _encrypted_rows(column).values_list("pk", column.cipher).iterator():
        index = crypto.blind_index(_decrypt(column, pk, token), purpose=column.purpose)
        if index in seen:
            raise RotationError(f"{column.label}：第 {seen[index]} 号和第 {pk} 号记录的值相同，"
                                "违反唯一性。请先更正其中一条，再运行本命令。未做任何修改。")
        seen[index] = pk


def _rotate_column(report: ColumnReport, current: int, *, dry_run: bool) -> None:
    column = report.column
    fields = [column.cipher, *([column.index] if column.index else [])]
    rows = _encrypted_rows(column).only("pk", *fields)
    last_pk = None
    while True:
        batch_rows = rows if last_pk is None else rows.filter(pk__gt=last_pk)
        # Locked so that an edit made meanwhile (PostgreSQL) is not overwritten with the old value.
        batch = list(batch_rows.select_for_update()[:BATCH])
        if not batch:
            return
        last_pk = batch[-1].pk
        changed = [obj for obj in batch if _refresh(obj, column, current, report)]
        if changed and not dry_run:
            _model(column).objects.bulk_update(changed, fields)


def _refresh(obj, column: EncryptedColumn, current: int, report: ColumnReport) -> bool:
    token = getattr(obj, column.cipher)
    plain = _decrypt(column, obj.pk, token)
    changed = False
    if crypto.key_version(token) != current:
        setattr(obj, column.cipher, crypto.encrypt(plain))
        report.reencrypted += 1
        changed = True
    if column.index:
        # The stored value is already normalized (org.services), as the index expects.
        index = crypto.blind_index(plain, purpose=column.purpose)
        if getattr(obj, column.index) != index:
            setattr(obj, column.index, index)
            report.reindexed += 1
            changed = True
    return changed


def _audit_data(report: RotationReport) -> dict:
    return {
        "version": report.current,
        "previous_versions": {str(v): n for v, n in sorted(report.old_versions.items())},
        "reencrypted": {c.column.key: c.reencrypted for c in report.columns},
        "reindexed": {c.column.key: c.reindexed for c in report.columns if c.column.index},
    }
