"""Playwright driving Debian's chromium (no browser downloads are possible here)."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import sync_playwright

from jifen.testing.otp import otp_for

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def login_code(username: str) -> str | None:
    """Before the password step: the code the user's device shows, if their login takes one (a
    device with the test secret is created first for a user who must have one)."""
    user = get_user_model().objects.filter(username=username).first()
    return otp_for(user) if user is not None else None


def pass_two_factor(page, code: str | None) -> None:
    """After the password step: type the code on the two-factor page (两步验证)."""
    if code is None:
        return
    page.wait_for_url("**/accounts/2fa/verify/**")
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="验证").click()
    page.wait_for_load_state()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    yield page
    context.close()


@pytest.fixture
def login(page, live_server):
    def do_login(username, password):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        code = login_code(username)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        pass_two_factor(page, code)
        return page

    return do_login


@pytest.fixture
def as_user(browser, live_server):
    contexts = []

    def open_as(username):
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill("Correct-Horse-42")
        code = login_code(username)
        page.get_by_role("button", name="登录").click()
        pass_two_factor(page, code)
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield open_as
    for context in contexts:
        context.close()
