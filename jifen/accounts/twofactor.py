"""Two-factor login (两步验证): django-otp's TOTP device plus our hashed, single-use backup codes.

Who must use it: requires_2fa(). Anyone else may enrol of their own accord; once a user has a
confirmed device, every login of theirs asks for a code (needs_code()).

A TOTP code is accepted once only (django-otp keeps the step of the last one, `last_t`) and only
within the server's step ±1 (tolerance 1; settings.OTP_TOTP_SYNC is off, so no drift is ever
learnt that would widen it). Failures are throttled per device by django-otp (1, 2, 4 … seconds)
and each one is audited. Backup codes are stored as keyed hashes only. No code ever reaches the
audit log, a log message or an error report (sensitive_variables).
"""

import re
import secrets
from base64 import b32encode

import qrcode
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.debug import sensitive_variables
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from jifen.accounts.models import BackupCode
from jifen.audit.models import Result
from jifen.audit.services import log_action
from jifen.org import permissions as org_perm
from jifen.org.enums import SECURITY_ROLES, Role

ALWAYS_REQUIRED_ROLES = frozenset({Role.ORG_ADMIN, *SECURITY_ROLES})
BACKUP_CODE_COUNT = 10
# 31 symbols without look-alikes (0/o, 1/l/i): ten of them carry about 50 bits.
BACKUP_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
BACKUP_HASH_SALT = "jifen.accounts.twofactor.backup_code"
TOTP_CODE = re.compile(r"\d{6}")
DEVICE_NAME = "手机验证器"


class TwoFactorError(Exception):
    """A two-factor change that is not allowed in the user's present state."""


# --- who, and what they have ------------------------------------------------------------------

def requires_2fa(user) -> bool:
    """Superusers, the org department and the three security roles always; general-branch
    reviewers when settings.JIFEN_2FA_REVIEWERS says so."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    required = set(ALWAYS_REQUIRED_ROLES)
    if settings.JIFEN_2FA_REVIEWERS:
        required.add(Role.REVIEWER)
    return any(role in required for role, _path in org_perm.assignments(user))


def has_device(user) -> bool:
    """Whether the user has a confirmed TOTP device (enrolment finished)."""
    return user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def needs_code(user) -> bool:
    """Whether logging in as `user` takes a second factor: required, or enrolled anyway."""
    return requires_2fa(user) or has_device(user)


def device_for(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def backup_codes_left(user) -> int:
    return BackupCode.objects.filter(user=user, used_at__isnull=True).count()


# --- checking a code --------------------------------------------------------------------------

@sensitive_variables("code")
def verify_code(user, code, *, purpose: str = "reauth") -> bool:
    """Check a TOTP code or an unused backup code of `user` and consume it.

    A failure (wrong, reused, missing, throttled, no device) writes a failed audit row naming
    `purpose` ("login", "api", "reauth", ...). Runs its own transaction: call it outside one, so
    that a failure's throttle count and audit row are kept.
    """
    return check_code(user, code, purpose=purpose) is not None


@sensitive_variables("code", "cleaned")
def check_code(user, code, *, purpose: str) -> str | None:
    """Like verify_code, but return how the user got through ("totp", "backup") or None."""
    cleaned = _normalize(code)
    with transaction.atomic():
        device = (TOTPDevice.objects.select_for_update()
                  .filter(user=user, confirmed=True).first())
        if device is None:
            failure = "no_device"
        elif not cleaned:
            failure = "missing"
        elif not device.verify_is_allowed()[0]:
            failure = "throttled"
        elif TOTP_CODE.fullmatch(cleaned):
            # verify_token refuses a step at or before last_t and counts failures itself
            if device.verify_token(cleaned):
                return "totp"
            failure = "wrong"
        elif _use_backup_code(user, cleaned, purpose=purpose):
            device.throttle_reset()
            return "backup"
        else:
            device.throttle_increment()
            failure = "wrong"
        log_action("accounts.2fa.failed", actor=user, obj=user, result=Result.FAILURE,
                   data={"username": user.get_username(), "purpose": purpose,
                         "reason": failure})
    return None


@sensitive_variables("code")
def verify_login(request, code) -> bool:
    """The second step of a login: check the code and mark this session verified."""
    user = request.user
    method = check_code(user, code, purpose="login")
    if method is None:
        return False
    with transaction.atomic():
        log_action("accounts.2fa.verified", actor=user, obj=user,
                   data={"username": user.get_username(), "method": method})
    mark_verified(request, device_for(user))
    return True


def mark_verified(request, device: TOTPDevice) -> None:
    """django-otp's login: request.user.is_verified() holds for the rest of this session. The
    session gets a new key, as on any rise in privilege."""
    otp_login(request, device)
    request.session.cycle_key()


@sensitive_variables("code")
def _use_backup_code(user, code: str, *, purpose: str) -> bool:
    backup = (BackupCode.objects.select_for_update()
              .filter(user=user, code_hash__in=_candidate_hashes(user, code), used_at__isnull=True)
              .first())
    if backup is None:
        return False
    backup.used_at = timezone.now()
    backup.save(update_fields=["used_at"])
    log_action("accounts.2fa.backup_code_used", actor=user, obj=user,
               data={"username": user.get_username(), "purpose": purpose,
                     "left": backup_codes_left(user)})
    return True


def _normalize(code) -> str:
    """Drop spaces and dashes (codes are shown grouped), lower-case backup codes."""
    return re.sub(r"[\s-]", "", str(code or "")).lower()[:64]


# --- backup codes -----------------------------------------------------------------------------

@sensitive_variables("code")
def hash_backup_code(user, code: str, secret: str | None = None) -> str:
    """HMAC-SHA256 under SECRET_KEY (or one of its fallbacks): a stolen database alone does not
    let anyone try the 2^50 possible codes offline."""
    return salted_hmac(BACKUP_HASH_SALT, f"{user.pk}:{_normalize(code)}", secret=secret,
                       algorithm="sha256").hexdigest()


def _candidate_hashes(user, code: str) -> list[str]:
    secrets_ = [None, *settings.SECRET_KEY_FALLBACKS]
    return [hash_backup_code(user, code, secret) for secret in secrets_]


@sensitive_variables("codes")
def _replace_backup_codes(user) -> list[str]:
    """Delete the user's backup codes, store 10 new ones hashed; return them (shown once)."""
    codes = []
    while len(codes) < BACKUP_CODE_COUNT:
        raw = "".join(secrets.choice(BACKUP_ALPHABET) for _ in range(10))
        code = f"{raw[:5]}-{raw[5:]}"
        if code not in codes:
            codes.append(code)
    BackupCode.objects.filter(user=user).delete()
    BackupCode.objects.bulk_create(
        [BackupCode(user=user, code_hash=hash_backup_code(user, code)) for code in codes])
    return codes


@sensitive_variables("code", "codes")
def regenerate_backup_codes(user, code) -> list[str] | None:
    """With a current code, replace all backup codes; None (audited) if the code fails."""
    if not verify_code(user, code, purpose="regenerate"):
        return None
    with transaction.atomic():
        codes = _replace_backup_codes(user)
        log_action("accounts.2fa.backup_codes_regenerated", actor=user, obj=user,
                   data={"username": user.get_username(), "count": len(codes)})
    return codes


# --- enrolment --------------------------------------------------------------------------------

@transaction.atomic
def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled: the same secret on every reload of the page."""
    if has_device(user):
        raise TwoFactorError("已启用两步验证；更换手机请先由管理员重置。")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False,
                                               tolerance=1)


@sensitive_variables("code", "codes")
def confirm_enrolment(user, code) -> list[str] | None:
    """Confirm the pending device with its first code and return 10 new backup codes, to be
    shown once; None if the code is wrong (audited, throttled like any other)."""
    with transaction.atomic():
        device = (TOTPDevice.objects.select_for_update()
                  .filter(user=user, confirmed=False).first())
        if device is None or has_device(user):
            raise TwoFactorError("没有待确认的验证器，请刷新页面重新扫描二维码。")
        cleaned = _normalize(code)
        if TOTP_CODE.fullmatch(cleaned) and device.verify_token(cleaned):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            codes = _replace_backup_codes(user)
            log_action("accounts.2fa.enrolled", actor=user, obj=user,
                       data={"username": user.get_username(), "backup_codes": len(codes)})
            return codes
        if not TOTP_CODE.fullmatch(cleaned):
            device.throttle_increment()
        log_action("accounts.2fa.failed", actor=user, obj=user, result=Result.FAILURE,
                   data={"username": user.get_username(), "purpose": "enrol",
                         "reason": "wrong" if cleaned else "missing"})
    return None


def enrol_with_key(*, actor, user, key: str, name: str = DEVICE_NAME) -> TOTPDevice:
    """Give `user` a confirmed device with a known hex secret (the demo school only). Call inside
    a transaction; a user who already has a device keeps it."""
    device = device_for(user)
    if device is not None:
        return device
    device = TOTPDevice.objects.create(user=user, name=name, key=key, confirmed=True,
                                       tolerance=1)
    log_action("accounts.2fa.enrolled", actor=actor, obj=user,
               data={"username": user.get_username(), "backup_codes": 0, "known_key": True})
    return device


def remove_all(user) -> tuple[int, int]:
    """Delete every device and backup code of `user` (the administrator's reset, which audits
    it); return how many devices and codes went."""
    devices, _ = TOTPDevice.objects.filter(user=user).delete()
    codes, _ = BackupCode.objects.filter(user=user).delete()
    return devices, codes


# --- showing the secret -----------------------------------------------------------------------

def manual_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an authenticator app."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code: plain markup, no script and no data: URL."""
    image = qrcode.make(device.config_url, image_factory=SvgPathImage, border=2)
    return image.to_string(encoding="unicode")
