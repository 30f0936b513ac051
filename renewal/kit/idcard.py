"""Citizen ID numbers (GB 11643-1999) and their masking."""

import datetime
from dataclasses import dataclass

from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import ric


class IdNumberError(ValueError):
    """Carries a message in Chinese, fit to show next to the field."""


@dataclass(frozen=True)
class IdNumberInfo:
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F"


def parse_id_number(raw: str) -> IdNumberInfo:
    value = (raw or "").strip().upper()
    if not value:
        raise IdNumberError("请填写公民身份号码。")
    if len(value) != 18:
        raise IdNumberError(f"公民身份号码应为 18 位，当前为 {len(value)} 位。")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise IdNumberError("公民身份号码前 17 位须为数字，最后一位为数字或 X。")
    try:
        datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdNumberError(f"公民身份号码中的出生日期 {value[6:14]} 不是有效日期。") from None
    try:
        ric.validate(value)
    except stdnum_exceptions.InvalidChecksum:
        raise IdNumberError("公民身份号码校验位不正确，请核对。") from None
    except stdnum_exceptions.InvalidComponent:
        raise IdNumberError("公民身份号码中的地区码无效（或与出生年份不符）。") from None
    except stdnum_exceptions.ValidationError:
        raise IdNumberError("公民身份号码格式不正确。") from None
    birth = ric.get_birth_date(value)
    sex = "M" if int(value[16]) % 2 == 1 else "F"
    return IdNumberInfo(number=value, birth_date=birth, sex=sex)


def check_id_number_matches(info: IdNumberInfo, *, birth_date, sex) -> list[str]:
    """Problems between an ID number and the record's birth date and sex."""
    problems = []
    if birth_date and info.birth_date != birth_date:
        problems.append(
            f"身份证号码中的出生日期为 {info.birth_date:%Y-%m-%d}，与填写的出生日期"
            f" {birth_date:%Y-%m-%d} 不一致。"
        )
    if sex and info.sex != sex:
        shown = "男" if info.sex == "M" else "女"
        problems.append(f"身份证号码显示性别为{shown}，与填写的性别不一致。")
    return problems


def make_id_number(region6: str, birth_date: datetime.date, sequence: int, sex: str) -> str:
    """Build a valid number (for demo data): region, birth date, sequence and sex digit."""
    seq = sequence % 100
    sex_digit = (sequence // 100) % 5 * 2 + (1 if sex == "M" else 0)
    body = f"{region6}{birth_date:%Y%m%d}{seq:02d}{sex_digit}"
    return body + ric.calc_check_digit(body + "0")


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) >= 7 else "****"
