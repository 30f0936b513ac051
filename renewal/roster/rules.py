"""The roster's rules for a member's status and dates, as a pure function over plain data:
the add and edit pages and the Excel import all ask it."""

import datetime
from dataclasses import dataclass

from renewal.kit.dates import age_on

FOUNDED = datetime.date(1921, 7, 1)
JOIN_AGE = 18
FULL, PROBATIONARY = "full", "probationary"


@dataclass(frozen=True)
class MemberDates:
    status: str  # a PartyMember.Status value
    joined_on: datetime.date
    regularized_on: datetime.date | None = None
    on_probation: bool = False
    probation_until: datetime.date | None = None
    transferred_in_on: datetime.date | None = None
    left_on: datetime.date | None = None


def member_problems(
    dates: MemberDates, *, birth_date: datetime.date | None, today: datetime.date
) -> dict[str, str]:
    """Every problem of a member's status and dates, keyed by the field it belongs to."""
    d, problems = dates, {}
    if d.status not in (FULL, PROBATIONARY):
        problems["status"] = "人员类别应为正式党员或预备党员。"
    if d.joined_on > today:
        problems["joined_on"] = "入党时间不能晚于今天。"
    elif d.joined_on < FOUNDED:
        problems["joined_on"] = f"入党时间不能早于 {FOUNDED:%Y-%m-%d}。"
    elif birth_date and age_on(birth_date, d.joined_on) < JOIN_AGE:
        problems["joined_on"] = (
            f"入党时间 {d.joined_on:%Y-%m-%d} 时未满 {JOIN_AGE} 周岁"
            f"（出生日期 {birth_date:%Y-%m-%d}），请核对。"
        )
    if d.regularized_on:
        if d.status == PROBATIONARY:
            problems["regularized_on"] = (
                "预备党员尚未转正，不应填写转正时间；已转正的请把人员类别改为正式党员。"
            )
        elif d.regularized_on <= d.joined_on:
            problems["regularized_on"] = "转正时间应晚于入党时间。"
        elif d.regularized_on > today:
            problems["regularized_on"] = "转正时间不能晚于今天。"
    if d.on_probation and d.probation_until is None:
        problems["probation_until"] = "留党察看期间须填写期满日期。"
    elif not d.on_probation and d.probation_until:
        problems["probation_until"] = "未勾选“留党察看期间”，不应填写期满日期；期满后可一并清空。"
    elif d.probation_until and d.probation_until <= d.joined_on:
        problems["probation_until"] = "留党察看期满日期应晚于入党时间。"
    if d.transferred_in_on:
        if d.transferred_in_on < d.joined_on:
            problems["transferred_in_on"] = "组织关系转入日期不能早于入党时间。"
        elif d.transferred_in_on > today:
            problems["transferred_in_on"] = "组织关系转入日期不能晚于今天。"
    if d.left_on:
        start = max(d.joined_on, d.transferred_in_on or d.joined_on)
        if d.left_on > today:
            problems["left_on"] = "组织关系转出日期不能晚于今天；转出后再登记。"
        elif d.left_on <= start:
            what = (
                "转入日期" if d.transferred_in_on and start == d.transferred_in_on else "入党时间"
            )
            problems["left_on"] = f"组织关系转出日期应晚于{what} {start:%Y-%m-%d}。"
    return problems
