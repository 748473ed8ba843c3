"""Phone and ID number: validated, encrypted at rest, masked everywhere but for the entitled."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from jifen.core import crypto
from jifen.core.validators import (
    id_number_check_char,
    mask_id_number,
    mask_phone,
    validate_id_number,
    validate_phone,
)
from jifen.org import services
from jifen.org.models import Member

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"


def test_masks_match_the_spec():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("110105194912311234") == "110***********1234"


def test_known_valid_id_number_passes_the_checksum():
    validate_id_number(ID_NUMBER)
    validate_id_number(ID_NUMBER.lower())  # a lowercase x is accepted and normalized


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_generated_id_numbers_validate_and_a_wrong_check_char_fails(first17):
    good = first17 + id_number_check_char(first17)
    validate_id_number(good)
    wrong = next(c for c in "0123456789X" if c != good[-1])
    with pytest.raises(ValidationError, match="校验位"):
        validate_id_number(first17 + wrong)


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "138123456789", "abc"])
def test_bad_phone_is_refused_in_chinese(phone):
    with pytest.raises(ValidationError, match="手机号码"):
        validate_phone(phone)


def test_raw_row_holds_no_phone_or_id_number_in_clear(world):
    member = services.create_member(
        actor=world.users["secretary"], branch=world.b1, name="张三", gender="male",
        category="teacher", status="full", joined_on=dt.date(2010, 7, 1), staff_no="T900",
        phone=PHONE, id_number=ID_NUMBER,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM org_member WHERE id = %s", [member.pk])
        raw = " ".join(str(v) for v in cursor.fetchone())
    assert PHONE not in raw
    assert ID_NUMBER not in raw and ID_NUMBER[:17] not in raw
    stored = Member.objects.get(pk=member.pk)
    assert stored.phone_cipher.startswith("v1:")
    assert (stored.phone, stored.id_number) == (PHONE, ID_NUMBER)
    assert (stored.phone_masked, stored.id_number_masked) == ("138****5678", "110***********002X")


def test_blind_index_finds_duplicates_without_decrypting(world):
    kwargs = {"actor": world.users["org_admin"], "gender": "male", "category": "teacher",
                  "status": "full", "joined_on": dt.date(2010, 7, 1), "id_number": ID_NUMBER}
    services.create_member(branch=world.b1, name="甲", staff_no="A1", **kwargs)
    with pytest.raises(ValidationError) as excinfo:
        services.create_member(branch=world.b3, name="乙", staff_no="A2", **kwargs)
    assert excinfo.value.message_dict == {"id_number": ["该身份证号码已登记在其他党员名下。"]}


def test_key_versions_decrypt_old_values_after_rotation(settings):
    old = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="
    new = "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY="
    settings.JIFEN_FIELD_KEY = f"1:{old}"
    token = crypto.encrypt(PHONE)
    settings.JIFEN_FIELD_KEY = f"2:{new},1:{old}"
    assert crypto.decrypt(token) == PHONE
    assert crypto.encrypt(PHONE).startswith("v2:")


@pytest.mark.parametrize("persona, sees_full", [
    ("member", True), ("org_admin", False), ("secretary", False), ("reviewer", False),
])
def test_member_page_shows_full_data_only_to_the_member_themself(
    persona, sees_full, world, client_for
):
    services.update_member(actor=world.users["org_admin"], member=world.member, phone=PHONE,
                           id_number=ID_NUMBER)
    html = client_for(world.users[persona]).get(f"/members/{world.member.pk}/").content.decode()
    assert (PHONE in html) == sees_full
    assert (ID_NUMBER in html) == sees_full
    assert ("138****5678" in html) != sees_full


def test_roster_shows_masked_phone_only(world, client_for):
    services.update_member(actor=world.users["org_admin"], member=world.member, phone=PHONE)
    html = client_for(world.users["org_admin"]).get("/members/").content.decode()
    assert "138****5678" in html and PHONE not in html
