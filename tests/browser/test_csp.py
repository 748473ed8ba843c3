"""The main pages run under the Content-Security-Policy without a single violation."""

import pytest

from tests.ledger import YEAR, publicize, record, through_review
from tests.results.helpers import score_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.mark.parametrize("persona, paths", [
    ("member", ["/", "/my/", f"/ranking/?year={YEAR}", "/publicity/", "/commitments/",
                "/schemes/mine/"]),
    ("secretary", ["/members/", "/review/", "/ledger/new/", "/results/", "/publicity/new/",
                   "/imports/"]),
    ("org_admin", ["/supervision/", "/orgs/", "/schemes/", "/results/lists/"]),
])
def test_no_csp_violations_on_the_main_pages(ledger, as_user, live_server, persona, paths):
    score_year(ledger)
    through_review(ledger, record(ledger, item="A-J08"))
    publicize(ledger)
    page = as_user(persona)
    page.add_init_script(RECORD_VIOLATIONS)
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [], path
    assert page.console_errors == []
