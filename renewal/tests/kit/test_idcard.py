import datetime

import pytest

from renewal.kit import crypto
from renewal.kit.idcard import (
    IdNumberError,
    check_id_number_matches,
    make_id_number,
    mask_id_number,
    mask_phone,
    parse_id_number,
)

VALID = "11010519491231002X"


def test_parses_valid_number():
    info = parse_id_number(VALID.lower())
    assert info.birth_date == datetime.date(1949, 12, 31)
    assert info.sex == "F"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "请填写"),
        ("11010519491231002", "应为 18 位"),
        ("1.10105194912E+17", "应为 18 位"),
        ("11010519491231002Y", "最后一位为数字或 X"),
        ("110105194912310021", "校验位不正确"),
        ("110105194913310028", "不是有效日期"),
        ("999999194912310025", "地区码无效"),
    ],
    ids=[
        "empty",
        "17 digits",
        "excel number",
        "bad last char",
        "bad checksum",
        "bad month",
        "unknown region",
    ],
)
def test_rejects_bad_numbers_in_chinese(raw, message):
    with pytest.raises(IdNumberError, match=message):
        parse_id_number(raw)


@pytest.mark.parametrize(
    ("region", "born", "accepted"),
    [
        ("150123", datetime.date(1980, 3, 12), True),
        ("150123", datetime.date(1998, 2, 14), True),
        ("152622", datetime.date(1975, 3, 4), True),
        ("152622", datetime.date(1995, 6, 1), True),
        ("152622", datetime.date(2001, 6, 1), False),
        ("110105", datetime.date(1949, 12, 31), True),
    ],
    ids=[
        "code brought in after the birth year: the number was given with the first card",
        "code in use at birth",
        "code retired later: in use at birth",
        "code retired in the birth year",
        "code retired before the person was born",
        "code never changed",
    ],
)
def test_region_code_against_the_birth_year(region, born, accepted):
    number = make_id_number(region, born, 7, "M")
    if accepted:
        assert parse_id_number(number).birth_date == born
    else:
        with pytest.raises(IdNumberError, match=f"地区码 {region} 于 1995 年停用"):
            parse_id_number(number)


def test_mismatch_with_record():
    info = parse_id_number(VALID)
    problems = check_id_number_matches(info, birth_date=datetime.date(1950, 1, 1), sex="M")
    assert len(problems) == 2 and "出生日期" in problems[0] and "性别" in problems[1]


def test_generated_numbers_are_valid():
    number = make_id_number("152622", datetime.date(1975, 3, 4), 123, "F")
    assert parse_id_number(number).sex == "F"


def test_masks():
    assert mask_id_number(VALID) == "110105********002X"
    assert mask_phone("13912345678") == "139****5678"


def test_encryption_round_trip_and_blind_index():
    token = crypto.encrypt(VALID)
    assert VALID not in token and crypto.decrypt(token) == VALID
    assert crypto.blind_index(VALID, purpose="id") == crypto.blind_index(
        VALID.lower(), purpose="id"
    )
    assert crypto.blind_index(VALID, purpose="id") != crypto.blind_index(VALID, purpose="phone")
