"""The audit log's hash chain: each row's HMAC covers its content and the previous row's hash,
so any change, insertion or deletion in the middle breaks verification from that row on."""

import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings

FIELDS = ("created_at", "actor_id", "actor_name", "actor_role", "org_id", "ip", "user_agent",
          "action", "object_type", "object_id", "object_repr", "data", "reason", "result")


def _key() -> bytes:
    return hashlib.sha256(b"jifen-audit-chain:" + settings.JIFEN_AUDIT_KEY.encode()).digest()


def canonical(entry) -> str:
    values = {name: getattr(entry, name) for name in FIELDS}
    values["created_at"] = entry.created_at.isoformat()
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)


def row_hash(entry, prev_hash: str) -> str:
    message = (prev_hash + "|" + canonical(entry)).encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


@dataclass
class Verdict:
    checked: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify(entries) -> Verdict:
    """Walk rows in id order. The first row is trusted as the anchor for its prev_hash (rows
    before it may have been purged by retention); every later row must link to its
    predecessor and match its own content."""
    previous = None
    checked = 0
    for entry in entries:
        expected_prev = entry.prev_hash if previous is None else previous.row_hash
        if entry.prev_hash != expected_prev:
            return Verdict(checked, entry.pk, "与上一条记录的链接断开（记录被删除或插入）")
        if not hmac.compare_digest(entry.row_hash, row_hash(entry, entry.prev_hash)):
            return Verdict(checked, entry.pk, "内容与哈希不符（记录被修改）")
        previous = entry
        checked += 1
    return Verdict(checked)
