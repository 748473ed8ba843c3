"""Encryption at rest for personal data (phone, ID-card number).

Values are stored as `v<version>:<base64(nonce + AES-256-GCM ciphertext)>`; the version names the
key, so `rotate_field_key` can re-encrypt under a new one while old rows still decrypt. A keyed
HMAC "blind index" of the normalized value allows uniqueness checks and exact look-ups without
decrypting anything.
"""

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class FieldKeys:
    current: int
    keys: dict[int, bytes]


def parse_field_keys(raw: str) -> FieldKeys:
    """Parse `JIFEN_FIELD_KEY`: `"2:<b64>,1:<b64>"` (first is current) or one bare key (v1)."""
    keys: dict[int, bytes] = {}
    order: list[int] = []
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        version_text, sep, key_text = part.partition(":")
        version = int(version_text) if sep else 1
        key = base64.b64decode(key_text if sep else part)
        if len(key) != 32:
            raise ImproperlyConfigured("JIFEN_FIELD_KEY 每个密钥须为 32 字节（base64 编码）。")
        keys[version] = key
        order.append(version)
    if not order:
        raise ImproperlyConfigured("JIFEN_FIELD_KEY 为空。")
    return FieldKeys(current=order[0], keys=keys)


@lru_cache(maxsize=4)
def _keys(raw: str) -> FieldKeys:
    return parse_field_keys(raw)


def field_keys() -> FieldKeys:
    return _keys(settings.JIFEN_FIELD_KEY)


def generate_key() -> str:
    """A new random key for JIFEN_FIELD_KEY (or JIFEN_BACKUP_KEY), base64 of 32 bytes."""
    return base64.b64encode(os.urandom(32)).decode()


def encrypt(value: str) -> str:
    keys = field_keys()
    nonce = os.urandom(12)
    sealed = AESGCM(keys.keys[keys.current]).encrypt(nonce, value.encode(), None)
    return f"v{keys.current}:" + base64.b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    version_text, _, payload = token.partition(":")
    keys = field_keys()
    key = keys.keys.get(int(version_text.removeprefix("v")))
    if key is None:
        raise ImproperlyConfigured(f"缺少第 {version_text} 版个人信息密钥，无法解密。")
    raw = base64.b64decode(payload)
    return AESGCM(key).decrypt(raw[:12], raw[12:], None).decode()


def key_version(token: str) -> int:
    return int(token.partition(":")[0].removeprefix("v"))


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash of a normalized value, for uniqueness checks and exact look-ups.

    It is keyed by the current field key; rotating the key recomputes every index together with
    the re-encryption, so no old key has to be kept for look-ups.
    """
    keys = field_keys()
    index_key = hashlib.sha256(b"jifen-blind-index:" + keys.keys[keys.current]).digest()
    return hmac.new(index_key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
