"""The audit trail's client address: REMOTE_ADDR, or behind nginx only the entry nginx added."""

from django.test import RequestFactory

from jifen.audit.context import client_ip


def _request(forwarded=None):
    meta = {"REMOTE_ADDR": "127.0.0.1"}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_a_proxy_the_forwarded_header_is_ignored(settings):
    settings.BEHIND_PROXY = False
    assert client_ip(_request("203.0.113.9")) == "127.0.0.1"


def test_behind_nginx_only_the_last_forwarded_address_counts(settings):
    settings.BEHIND_PROXY = True
    # a client forging "10.0.0.1" first cannot hide its real address, which nginx appends
    assert client_ip(_request("10.0.0.1, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request("not-an-ip")) == "127.0.0.1"
    assert client_ip(_request()) == "127.0.0.1"
