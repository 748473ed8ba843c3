"""Debian's chromium for the supervision browser tests, in a thread of its own.

tests/browser/conftest.py keeps one Playwright running for the whole session once a test there
has used it, and Playwright's sync API refuses to start a second one in a thread that already
runs one. These tests therefore drive their own chromium from a separate thread, with the same
executable, arguments, phone-sized window and login as tests/browser's `as_user`; the test's
thread waits for it, and gets back whatever the steps return or raise.
"""

import threading

from playwright.sync_api import sync_playwright

from tests.browser.conftest import ARGS, CHROMIUM, login_code, pass_two_factor

PASSWORD = "Correct-Horse-42"  # the `world` personas' password


class Session:
    """A browser and a way to log people in, each in a context of their own."""

    def __init__(self, browser, url: str):
        self.browser, self.url = browser, url

    def as_user(self, username: str):
        context = self.browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        page.goto(f"{self.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        code = login_code(username)
        page.get_by_role("button", name="登录").click()
        pass_two_factor(page, code)
        page.wait_for_url(f"{self.url}/")
        return page


def in_chromium(live_server, steps):
    """Run `steps(session)` in chromium on a thread of its own; return its result or re-raise
    what it raised (a failed assertion included)."""
    outcome: dict = {}

    def run():
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                try:
                    outcome["value"] = steps(Session(browser, live_server.url))
                finally:
                    browser.close()
        except BaseException as error:  # noqa: BLE001 - handed back to the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, name="supervision-chromium")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
