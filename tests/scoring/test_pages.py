"""Ledger pages: ranking visibility, evidence checks, forms that keep what was typed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jifen.org.enums import RankingVisibility
from jifen.scoring.models import Entry
from tests.ledger import PDF, close, day, publicize, record, through_review


@pytest.fixture
def ranked(ledger):
    for member, points in [(ledger.other_member, "5"), (ledger.member, "2")]:
        entry = record(ledger, member=member, points=points)
        through_review(ledger, entry)
    close(publicize(ledger))
    return ledger


@pytest.mark.parametrize("visibility, sees_other, sees_own_rank", [
    (RankingVisibility.FULL, True, True),
    (RankingVisibility.OWN, False, True),
    (RankingVisibility.HIDDEN, False, False),
])
def test_branch_chooses_what_members_see_of_the_ranking(ranked, client_for, visibility,
                                                        sees_other, sees_own_rank):
    client_for(ranked.users["secretary"]).post(
        f"/branches/{ranked.b1.pk}/settings/", {"ranking_visibility": visibility})
    client = client_for(ranked.users["member"])

    ranking = client.get(f"/ranking/?branch={ranked.b1.pk}").content.decode()
    mine = client.get("/my/").content.decode()

    assert ("另一党员" in ranking) == sees_other
    assert ("普通党员" in ranking) == sees_own_rank
    assert ("本支部不公开排名" in mine) != sees_own_rank
    lead = client_for(ranked.users["committee"]).get(f"/ranking/?branch={ranked.b1.pk}")
    assert "另一党员" in lead.content.decode()  # the branch committee always sees it all


@pytest.mark.parametrize("name, content, message", [
    ("证明.exe", b"MZ", "只接受"),
    ("证明.pdf", b"\x89PNG\r\n\x1a\n", "内容与扩展名 .pdf 不符"),
    ("证明.docx", b"PK\x03\x04not-a-zip", "内容与扩展名 .docx 不符"),
])
def test_declaration_with_a_bad_file_is_refused_and_keeps_the_form(ledger, client_for, name,
                                                                   content, message):
    client = client_for(ledger.users["member"])
    response = client.post("/ledger/declare/", {
        "item": "A-J04", "points": "3", "occurred_on": day(3).isoformat(),
        "reason": "社区服务", "files": SimpleUploadedFile(name, content)})
    html = response.content.decode()
    assert response.status_code == 200 and message in html and "社区服务" in html
    assert not Entry.objects.exists()


def test_evidence_is_served_only_through_the_permission_checked_view(ledger, client_for):
    entry = record(ledger, files=[SimpleUploadedFile("证明.pdf", PDF)])
    evidence = entry.evidence.get()
    response = client_for(ledger.users["committee"]).get(f"/evidence/{evidence.pk}/")
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert evidence.stored_name not in response["Content-Disposition"]
    assert client_for(ledger.users["member"]).get(f"/evidence/{evidence.pk}/").status_code == 404


def test_batch_form_is_all_or_nothing(ledger, client_for):
    client = client_for(ledger.users["recorder"])
    ledger.b2_member.branch = ledger.b1  # a student in the list: A-J05 is for teachers only
    ledger.b2_member.save()
    response = client.post(f"/ledger/batch/?branch={ledger.b1.pk}", {
        "branch": ledger.b1.pk, "item": "A-J05", "points": "2",
        "occurred_on": day(3).isoformat(), "reason": "教学成果",
        "members": [ledger.other_member.pk, ledger.b2_member.pk]})
    assert "学生党员：项目 A-J05 不适用于学生党员" in response.content.decode()
    assert not Entry.objects.exists()


def test_review_queue_hides_what_the_four_eyes_rule_forbids(ledger, client_for):
    record(ledger, member=ledger.users["committee"].member)
    visible = record(ledger)
    html = client_for(ledger.users["committee"]).get("/review/").content.decode()
    assert f"/ledger/{visible.pk}/" in html and "committee本人" not in html


@pytest.mark.parametrize("next_url, lands_on", [
    ("/ledger/?state=submitted", "/ledger/?state=submitted"),  # back to the list it came from
    ("https://evil.example.com/login/", "/review/"),  # never off-site (open redirect)
    ("//evil.example.com/", "/review/"),
])
def test_review_goes_back_only_to_our_own_pages(ledger, client_for, next_url, lands_on):
    entry = record(ledger)
    client = client_for(ledger.users["committee"])
    response = client.post(f"/ledger/{entry.pk}/review/", {"decision": "pass",
                                                          "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == lands_on
