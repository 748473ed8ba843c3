import datetime as dt

import pytest
from django.utils import timezone

from jifen.accounts.forms import LOGIN_FAILED
from jifen.accounts.models import ApiToken
from jifen.testing.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Correct-Horse-42"


def post_token(client, username, password):
    return client.post("/api/v1/auth/token", {"username": username, "password": password},
                       content_type="application/json")


def test_token_is_issued_stored_hashed_and_works(client):
    user = UserFactory(username="alice")

    response = post_token(client, "alice", PASSWORD)

    raw = response.json()["token"]
    assert response.status_code == 200
    stored = ApiToken.objects.get(user=user)
    assert stored.key_hash != raw and raw not in stored.key_hash
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and me.json()["user"]["username"] == "alice"


def test_revoked_and_expired_tokens_are_refused(client):
    UserFactory(username="alice")
    raw = post_token(client, "alice", PASSWORD).json()["token"]
    auth = {"Authorization": f"Bearer {raw}"}

    assert client.delete("/api/v1/auth/token", headers=auth).status_code == 204
    assert client.get("/api/v1/me", headers=auth).status_code == 401

    raw = post_token(client, "alice", PASSWORD).json()["token"]
    ApiToken.objects.filter(revoked_at__isnull=True).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401 and response.json()["detail"]


def test_token_endpoint_locks_after_five_failures_with_one_answer(client):
    UserFactory(username="alice")
    answers = [post_token(client, "alice", "wrong") for _ in range(5)]
    locked = post_token(client, "alice", PASSWORD)
    unknown = post_token(client, "nobody", "wrong")

    for response in [*answers, locked, unknown]:
        assert (response.status_code, response.json()) == (401, {"detail": LOGIN_FAILED,
                                                                 "errors": []})
    assert not ApiToken.objects.exists()


def test_no_token_is_401(client):
    response = client.get("/api/v1/orgs")
    assert response.status_code == 401 and "令牌" in response.json()["detail"]


def test_openapi_schema_and_docs_are_staff_only(client):
    assert client.get("/api/v1/openapi.json").status_code == 302  # to the login page
    client.force_login(UserFactory(username="plain"))
    assert client.get("/api/v1/docs").status_code == 302
    client.force_login(UserFactory(username="staff", is_staff=True))
    assert client.get("/api/v1/docs").status_code == 200
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "党员积分管理系统 API"


def test_api_requests_are_limited_per_user_with_a_chinese_429(client, settings):
    settings.JIFEN_API_RATE = "3/m"
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    from jifen.accounts.services import issue_token

    alice_auth = {"Authorization": f"Bearer {issue_token(user=alice)[0]}"}
    bob_auth = {"Authorization": f"Bearer {issue_token(user=bob)[0]}"}
    statuses = [client.get("/api/v1/me", headers=alice_auth).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/me", headers=alice_auth)
    assert "请求过于频繁" in refused.json()["detail"] and int(refused["Retry-After"]) > 0
    assert client.get("/api/v1/me", headers=bob_auth).status_code == 200  # per user, not per IP
