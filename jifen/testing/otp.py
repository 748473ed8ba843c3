"""Two-factor login in tests: a confirmed device, the code it shows, a verified login."""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from jifen.accounts import twofactor

TEST_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret, in hex


def ensure_device(user) -> TOTPDevice:
    """The user's confirmed TOTP device, created with the test secret if there is none."""
    return twofactor.device_for(user) or TOTPDevice.objects.create(
        user=user, name="测试验证器", key=TEST_KEY, confirmed=True, tolerance=1)


def totp_code(device: TOTPDevice, *, steps: int = 0, at: float | None = None) -> str:
    """The code `device` shows `steps` time steps away from `at` (default: now)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = (time.time() if at is None else at) + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def fresh_code(device: TOTPDevice) -> str:
    """A code the device accepts now: this step's, or the next step's (within the ±1 window)
    when this one was used already; waits for the next step if both were."""
    while True:
        device.refresh_from_db()
        now = time.time()
        current = int(now - device.t0) // device.step
        for steps in (0, 1):
            if current + steps > device.last_t:
                return totp_code(device, steps=steps, at=now)
        time.sleep(device.step - (now - device.t0) % device.step + 0.1)


def login_verified(client, user):
    """client.force_login(user), with the session also verified by a second factor when the
    user's login takes one (a device is created if need be). Returns the client."""
    client.force_login(user)
    user = type(user)._default_manager.get(pk=user.pk)  # no cached roles on the caller's object
    if twofactor.needs_code(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = ensure_device(user).persistent_id
        session.save()
    return client


def otp_for(user) -> str | None:
    """A code to log `user` in with (a device is created if need be), or None when their login
    takes no second factor."""
    user = type(user)._default_manager.get(pk=user.pk)
    return fresh_code(ensure_device(user)) if twofactor.needs_code(user) else None
