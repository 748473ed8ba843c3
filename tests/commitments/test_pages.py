"""The commitment pages: forms keep what was typed and name the field in Chinese; the branch's
overview, one-click deduction, the boards, the monthly summary and 述职."""

import datetime as dt

import pytest
from django.utils import timezone

from jifen.commitments import identity, services
from jifen.commitments.enums import CommitmentState
from jifen.commitments.models import Commitment, IdentityPost, YearReport
from jifen.commitments.year_reports import write_year_report
from jifen.core import crypto
from jifen.scoring.enums import EntryState
from tests.commitments.support import commit, file_year, judged, passed
from tests.ledger import YEAR, close, publicize, record, through_review


def html(response) -> str:
    return response.content.decode()


# --- 我的承诺 ----------------------------------------------------------------------------------

def test_the_form_asks_for_a_deed_and_keeps_input_on_a_service_error(ledger, client_for):
    client = client_for(ledger.users["member"])
    assert "还没有实事承诺" in html(client.get("/commitments/new/"))
    typed = "为社区老人讲解防诈骗知识" + "。" * 1000

    response = client.post("/commitments/new/", {"year": YEAR, "kind": "deed",
                                                 "content": typed})

    assert response.status_code == 200
    assert "不超过 1000 字" in html(response) and "为社区老人讲解防诈骗知识" in html(response)
    assert not Commitment.objects.exists()


def test_a_missing_field_is_named_in_chinese(ledger, client_for):
    response = client_for(ledger.users["member"]).post(
        "/commitments/new/", {"year": YEAR, "content": "上好每一堂课"})

    assert "这个字段是必填项" in html(response) and "上好每一堂课" in html(response)


def test_a_member_commits_through_the_page(ledger, client_for):
    response = client_for(ledger.users["member"]).post(
        "/commitments/new/", {"year": YEAR, "kind": "deed", "content": "每周义务辅导一次"})

    commitment = Commitment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/commitments/{commitment.pk}/"
    assert (commitment.member, commitment.state) == (ledger.member, CommitmentState.SUBMITTED)


def test_a_locked_year_shows_on_the_form_with_the_input_kept(ledger, client_for):
    file_year(ledger.b1)

    response = client_for(ledger.users["member"]).post(
        "/commitments/new/", {"year": YEAR, "kind": "deed", "content": "每周义务辅导一次"})

    assert "已审核备案" in html(response) and "每周义务辅导一次" in html(response)


def test_my_page_shows_replies_and_stops_asking_once_a_deed_stands(ledger, client_for):
    client = client_for(ledger.users["member"])
    assert "还没有实事承诺" in html(client.get("/commitments/"))
    returned = commit(ledger, kind="common", content="按时参加组织生活")
    services.review_commitment(actor=ledger.users["committee"], commitment=returned,
                               approve=False, reason="请结合岗位写具体")
    commit(ledger)

    page = html(client.get("/commitments/"))

    assert "还没有实事承诺" not in page
    assert "请结合岗位写具体" in page and "修改后重新提交" in page


def test_a_returned_commitment_is_resubmitted_through_the_edit_page(ledger, client_for):
    returned = commit(ledger)
    services.review_commitment(actor=ledger.users["committee"], commitment=returned,
                               approve=False, reason="请写明对象")
    client = client_for(ledger.users["member"])
    assert "请写明对象" in html(client.get(f"/commitments/{returned.pk}/edit/"))

    client.post(f"/commitments/{returned.pk}/edit/",
                {"kind": "deed", "content": "每周为 2 名学困生辅导"})

    returned.refresh_from_db()
    assert (returned.state, returned.content) == (CommitmentState.SUBMITTED,
                                                  "每周为 2 名学困生辅导")


def test_a_report_with_a_future_date_keeps_the_form(ledger, client_for):
    commitment = passed(ledger)
    tomorrow = timezone.localdate() + dt.timedelta(days=2)

    response = client_for(ledger.users["member"]).post(
        f"/commitments/{commitment.pk}/report/",
        {"content": "辅导 3 名学生", "reported_on": tomorrow.isoformat()})

    assert "日期不能晚于今天" in html(response) and "辅导 3 名学生" in html(response)
    assert not commitment.reports.exists()


# --- the branch ------------------------------------------------------------------------------

def test_the_overview_lists_who_is_missing_a_deed(ledger, client_for):
    commit(ledger)

    page = html(client_for(ledger.users["secretary"]).get(f"/commitments/branch/?year={YEAR}"))

    missing = page.split('id="missing-deed"')[1].split("</div>")[0]
    assert "另一党员" in missing and "普通党员" not in missing


def test_reviewing_from_the_overview_refuses_a_return_without_reason(ledger, client_for):
    commitment = commit(ledger)
    client = client_for(ledger.users["committee"])

    refused = client.post(f"/commitments/{commitment.pk}/review/", {"decision": "return"},
                          follow=True)
    assert "退回时请写明理由" in html(refused)
    client.post(f"/commitments/{commitment.pk}/review/",
                {"decision": "return", "reason": "请具体些"})

    commitment.refresh_from_db()
    assert (commitment.state, commitment.review_note) == (CommitmentState.RETURNED, "请具体些")


def test_the_overview_hides_the_review_buttons_from_the_commitment_s_own_member(ledger,
                                                                             client_for):
    commit(ledger, user="committee")

    page = html(client_for(ledger.users["committee"]).get("/commitments/branch/"))

    assert "本人的承诺，须由其他支委审核" in page


def test_an_outcome_with_a_future_date_keeps_the_form(ledger, client_for):
    commitment = passed(ledger)

    response = client_for(ledger.users["secretary"]).post(
        f"/commitments/{commitment.pk}/outcome/",
        {"outcome": "not", "note": "未开展辅导",
         "decided_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat()})

    assert "日期不能晚于今天" in html(response) and "未开展辅导" in html(response)
    commitment.refresh_from_db()
    assert commitment.outcome == ""


def test_one_click_turns_not_fulfilled_into_a_deduction_entry(ledger, client_for):
    commitment = judged(ledger)
    client = client_for(ledger.users["secretary"])

    response = client.post(f"/commitments/{commitment.pk}/deduction/")

    commitment.refresh_from_db()
    entry = commitment.deduction_entry
    assert response["Location"] == f"/ledger/{entry.pk}/"
    assert (entry.item_code, entry.state) == ("A-K05", EntryState.SUBMITTED)
    again = client.post(f"/commitments/{commitment.pk}/deduction/", follow=True)
    assert "不能重复转换" in html(again)
    overview = html(client.get(f"/commitments/branch/?year={YEAR}"))
    assert f"/ledger/{entry.pk}/" in overview


def test_publicize_from_the_overview(ledger, client_for):
    commitment = passed(ledger)

    client_for(ledger.users["secretary"]).post(f"/commitments/branch/{ledger.b1.pk}/publicize/",
                                               {"year": YEAR})

    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.PUBLICIZED


# --- boards ----------------------------------------------------------------------------------

@pytest.fixture
def board_world(ledger):
    ledger.member.phone_cipher = crypto.encrypt("13912345678")
    ledger.member.save()
    passed(ledger, content="为社区老人讲解防诈骗知识")
    services.publicize_commitments(actor=ledger.users["secretary"], branch=ledger.b1, year=YEAR)
    commit(ledger, user="recorder", content="尚未审核的承诺")
    identity.create_post(actor=ledger.users["secretary"], branch=ledger.b1, kind="model",
                         name="教学示范岗", duties="上好每一堂课", members=[ledger.member])
    return ledger


def test_branch_members_see_the_board_with_publicized_commitments_only(board_world, client_for):
    page = html(client_for(board_world.users["recorder"]).get(
        f"/commitments/board/{board_world.b1.pk}/"))

    assert "为社区老人讲解防诈骗知识" in page and "教学示范岗" in page
    assert "尚未审核的承诺" not in page
    assert "生成公开链接" not in page  # a plain member does not manage the link


def test_the_public_board_shows_names_and_commitments_but_no_personal_data(board_world, client,
                                                                           client_for):
    client_for(board_world.users["secretary"]).post(
        f"/commitments/board/{board_world.b1.pk}/link/", {"public": "1"})
    token = board_world.b1.commitment_board.public_token
    client.logout()

    page = html(client.get(f"/commitments/show/{token}/"))

    assert "普通党员" in page and "为社区老人讲解防诈骗知识" in page and "教学示范岗" in page
    assert "139" not in page and board_world.member.staff_no not in page
    assert client.get("/commitments/show/not-the-token/").status_code == 404


def test_a_withdrawn_public_link_is_dead(board_world, client_for):
    secretary = client_for(board_world.users["secretary"])
    secretary.post(f"/commitments/board/{board_world.b1.pk}/link/", {"public": "1"})
    token = board_world.b1.commitment_board.public_token

    secretary.post(f"/commitments/board/{board_world.b1.pk}/link/", {"public": "0"})

    assert secretary.get(f"/commitments/show/{token}/").status_code == 404


def test_the_post_form_keeps_input_when_a_field_is_missing(ledger, client_for):
    response = client_for(ledger.users["committee"]).post(
        f"/commitments/posts/new/?branch={ledger.b1.pk}",
        {"kind": "area", "name": "实验楼三层责任区", "member_ids": [ledger.member.pk]})

    assert "这个字段是必填项" in html(response) and "实验楼三层责任区" in html(response)
    assert not IdentityPost.objects.exists()


def test_a_post_is_created_through_the_page(ledger, client_for):
    client_for(ledger.users["committee"]).post(
        f"/commitments/posts/new/?branch={ledger.b1.pk}",
        {"kind": "area", "name": "实验楼三层责任区", "duties": "安全卫生",
         "member_ids": [ledger.member.pk, ledger.other_member.pk]})

    post = IdentityPost.objects.get()
    assert (post.branch, post.members.count()) == (ledger.b1, 2)


# --- 晒出业绩 and 述职 --------------------------------------------------------------------------

def test_members_see_the_monthly_summary_once_it_is_published(ledger, client_for):
    entry = record(ledger, item="A-J01", points="3")
    through_review(ledger, entry)
    close(publicize(ledger))
    march = f"/commitments/performance/?month={YEAR}-03"
    assert "业绩尚未公示" in html(client_for(ledger.users["member"]).get(march))

    client_for(ledger.users["secretary"]).post(
        f"/commitments/performance/{ledger.b1.pk}/publish/", {"month": f"{YEAR}-03"})

    page = html(client_for(ledger.users["member"]).get(march))
    row = page.split("另一党员")[1].split("</tr>")[0]
    assert "83.00" in row and "3.0" in row


def test_a_member_writes_their_year_report_and_a_committee_member_remarks(ledger, client_for):
    client_for(ledger.users["member"]).post(
        f"/commitments/year-reports/member/{ledger.member.pk}/?year={YEAR}",
        {"content": "一年来带头践诺"})
    report = YearReport.objects.get(member=ledger.member, year=YEAR)

    client_for(ledger.users["committee"]).post(f"/commitments/year-reports/{report.pk}/remark/",
                                               {"remark": "践诺到位"})

    report.refresh_from_db()
    assert (report.content, report.remark) == ("一年来带头践诺", "践诺到位")
    listing = html(client_for(ledger.users["secretary"]).get(
        f"/commitments/year-reports/?year={YEAR}"))
    assert "一年来带头践诺" in listing and "践诺到位" in listing


def test_the_four_eyes_refusal_shows_on_the_remark_form(ledger, client_for):
    report = write_year_report(actor=ledger.users["secretary"], member=ledger.other_member,
                               year=YEAR, content="支部代为记录")

    response = client_for(ledger.users["secretary"]).post(
        f"/commitments/year-reports/{report.pk}/remark/", {"remark": "很好"})

    assert "四眼原则" in html(response) and "很好" in html(response)


def test_detail_page_lets_the_branch_verify_a_report(ledger, client_for):
    commitment = passed(ledger)
    report = services.report_fulfilment(actor=ledger.users["member"], commitment=commitment,
                                        content="辅导 2 次")
    client = client_for(ledger.users["secretary"])
    assert f"/commitments/reports/{report.pk}/verify/" in html(
        client.get(f"/commitments/{commitment.pk}/"))

    client.post(f"/commitments/reports/{report.pk}/verify/", {"decision": "pass"})

    report.refresh_from_db()
    assert report.state == "verified"
    member_view = html(client_for(ledger.users["member"]).get(f"/commitments/{commitment.pk}/"))
    assert "已核实" in member_view
    assert f"/commitments/reports/{report.pk}/verify/" not in member_view
