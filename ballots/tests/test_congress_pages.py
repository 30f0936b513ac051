"""The congress pages tell people apart and state who votes: the roster of the meeting with
the reason a member has no vote, same-name members told apart, and the plenary's base."""

import datetime
import io

import pytest
from pypdf import PdfReader

from ballots.congress import services as bs
from ballots.tests.test_congress import NAMES, P, attend, congress, enter, totals  # noqa: F401
from renewal.models import PartyMember
from tests.factories import PersonFactory, make_formal, roster_members

pytestmark = pytest.mark.django_db


def _twins(unit):
    """Two full members both called 张伟, born in different years."""
    people = []
    for year in (1980, 1990):
        person = PersonFactory(name="张伟", birth_date=datetime.date(year, 3, 12))
        PartyMember.objects.create(
            branch=unit.branch, person=person, status="full", joined_on=datetime.date(2010, 7, 1)
        )
        people.append(person)
    return people


def test_attendance_says_why_a_member_has_no_vote_on_the_day(client, world, personas):
    unit = world["unit_a1"]
    sanctioned = PersonFactory(name="马福生")
    PartyMember.objects.create(
        branch=unit.branch,
        person=sanctioned,
        status="full",
        joined_on=datetime.date(1985, 7, 1),
        on_probation=True,
        probation_until=datetime.date(2027, 12, 31),
    )
    probationary = PersonFactory(name="孙小红")
    PartyMember.objects.create(
        branch=unit.branch,
        person=probationary,
        status="probationary",
        joined_on=datetime.date(2026, 3, 1),
    )
    meeting = bs.congress_create(
        unit=unit, held_on=datetime.date(2026, 11, 16), place="会议室", chair="王书记"
    )
    client.force_login(personas["staff_a"])
    body = client.get(f"/congresses/{meeting.pk}/attendance/").content.decode()
    assert "无（留党察看期间（至 2027-12-31），没有表决权、选举权和被选举权，不计入应到会）" in body
    assert "无（预备党员，没有表决权、选举权和被选举权，不计入应到会）" in body


def test_same_name_members_are_told_apart_on_attendance_and_scrutineer_choice(
    client, world, personas
):
    unit = world["unit_a1"]
    older, younger = _twins(unit)
    meeting = bs.congress_create(
        unit=unit, held_on=datetime.date(2026, 11, 16), place="会议室", chair="王书记"
    )
    client.force_login(personas["staff_a"])
    body = client.get(f"/congresses/{meeting.pk}/attendance/").content.decode()
    assert "张伟（1980年生）" in body and "张伟（1990年生）" in body
    detail = client.get(f"/congresses/{meeting.pk}/").content.decode()
    rows = {a.member.person_id: a.pk for a in meeting.attendance.select_related("member")}
    assert f'<option value="{rows[older.pk]}">张伟（1980年生）</option>' in detail
    assert f'<option value="{rows[younger.pk]}">张伟（1990年生）</option>' in detail


def test_secretary_round_page_states_the_new_committee_as_its_base(
    client,
    congress,  # noqa: F811
    personas,
):
    attend(congress, present=10)
    rnd = bs.round_open(congress=congress, kind="committee", seats=5, people=P(congress, *NAMES))
    enter(
        rnd, personas["staff_a"], 10, totals(10, 王建国=9, 李秀英=8, 张伟=7, 刘洋=6, 陈静=6, 杨帆=3)
    )
    sec = bs.round_open(congress=congress, kind="secretary", seats=1, people=P(congress, "王建国"))
    client.force_login(personas["staff_a"])
    body = client.get(f"/congress-rounds/{sec.pk}/").content.decode()
    assert "应参加选举的是新当选的委员会委员 5 人（" in body
    assert "应到 " not in body  # not the congress's head count
    committee = client.get(f"/congress-rounds/{rnd.pk}/").content.decode()
    assert bs.quorum_verdict(congress)[1] in committee


def test_secretary_ballot_and_report_keep_the_name_that_tells_twins_apart(client, world, personas):
    unit = world["unit_a1"]
    older, younger = _twins(unit)
    others = roster_members(unit, ["李秀英", "王建国", "刘建华", "陈桂兰"])
    make_formal(unit, [older, younger, *others[:2]])
    meeting = bs.congress_create(
        unit=unit, held_on=datetime.date(2026, 11, 16), place="会议室", chair="王书记"
    )
    bs.scrutineer_add(congress=meeting, person=others[2], role="chief")
    bs.scrutineer_add(congress=meeting, person=others[3], role="teller")
    attend(meeting, present=6)
    people = [older, younger, *others[:2]]
    rnd = bs.round_open(congress=meeting, kind="committee", seats=3, people=people)
    enter(
        rnd,
        personas["staff_a"],
        6,
        totals(6, **{"张伟（1980年生）": 6, "张伟（1990年生）": 2, "李秀英": 5, "王建国": 4}),
    )
    sec = bs.round_open(congress=meeting, kind="secretary", seats=1, people=[older])
    assert sec.candidates == ["张伟（1980年生）"]
    enter(sec, personas["staff_a"], 3, totals(3, **{"张伟（1980年生）": 3}))
    client.force_login(personas["staff_a"])
    response = client.get(f"/congresses/{meeting.pk}/report.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "当选书记：张伟（1980年生）" in text.replace(" ", "").replace("\n", ""), text
