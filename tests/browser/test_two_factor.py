"""Two-factor enrolment in chromium, under the Content-Security-Policy: the QR code is plain SVG
markup, the key typed by hand gives working codes, the backup codes show once."""

import base64

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.test_csp import RECORD_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_org_department_enrols_at_its_first_login(world, page, live_server):
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("org_admin")
    page.get_by_label("密码").fill("Correct-Horse-42")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/accounts/2fa/enrol/**")

    assert page.locator(".qr-code svg path").count() == 1
    assert page.locator(".qr-code svg").bounding_box()["width"] == 200
    key = page.get_by_test_id("manual-key").inner_text().replace(" ", "")
    totp = TOTP(base64.b32decode(key))  # what an authenticator app does with the typed key
    page.get_by_label("验证码").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="完成绑定").click()
    page.wait_for_load_state()

    codes = page.get_by_test_id("backup-codes").locator("li").all_inner_texts()
    assert len(set(codes)) == 10
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url(f"{live_server.url}/")
    assert TOTPDevice.objects.get(user=world.users["org_admin"]).confirmed
    assert page.evaluate("window.__csp") == [] and page.console_errors == []
