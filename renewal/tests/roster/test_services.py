"""Roster services: adding by ID number, editing status and dates, transfers, removal."""

import datetime

import pghistory.models
import pytest

from ballots.congress.services import congress_create
from renewal.kit.idcard import make_id_number
from renewal.models import DomainError, PartyMember, Person
from renewal.roster import services
from renewal.roster.selectors import roster_counts
from renewal.roster.services import RosterError
from tests.factories import PersonFactory

D = datetime.date
TODAY = D(2026, 3, 10)
NEW_ID = make_id_number("152622", D(1985, 9, 17), 41, "F")
UNCHANGED = {
    "regularized_on": None,
    "on_probation": False,
    "probation_until": None,
    "transferred_in_on": None,
    "left_on": None,
}


def add(branch, **fields):
    values = {
        "id_number": NEW_ID,
        "name": "李新党员",
        "status": "full",
        "joined_on": D(2010, 7, 1),
        "today": TODAY,
    }
    return services.member_add(branch=branch, **{**values, **fields})


def update(member, **fields):
    values = {"status": member.status, "joined_on": member.joined_on, **UNCHANGED}
    return services.member_update(member=member, today=TODAY, **{**values, **fields})


@pytest.fixture
def branch(world):
    return world["unit_a1"].branch


def test_add_creates_the_person_from_the_id_number(branch):
    member = add(branch, education="college", ethnicity="蒙古族")
    person = member.person
    assert (person.name, person.sex, person.birth_date) == ("李新党员", "F", D(1985, 9, 17))
    assert (person.ethnicity, person.education) == ("蒙古族", "college")
    assert person.political_status == Person.PoliticalStatus.FULL_MEMBER
    assert person.party_joined_on == D(2010, 7, 1)
    assert member.entitled_on(TODAY)
    assert roster_counts(branch, TODAY) == {"listed": 1, "entitled": 1}


def test_add_finds_a_known_person_by_id_number_and_never_renames(branch):
    known = PersonFactory(name="王同名", education="")
    member = add(branch, id_number=known.id_number, name="王同名", education="senior")
    assert member.person_id == known.pk
    assert Person.objects.get(pk=known.pk).education == "senior"  # a blank one is filled
    other = PersonFactory(name="王一")
    with pytest.raises(RosterError) as refused:
        add(branch, id_number=other.id_number, name="王二")
    assert refused.value.fields == {
        "name": "公民身份号码已登记在“王一”名下，与填写的姓名“王二”不一致，请核对。"
    }
    assert Person.objects.get(pk=other.pk).name == "王一"
    assert not PartyMember.objects.filter(person=other).exists()


def test_same_name_people_are_different_members(branch):
    first, second = PersonFactory(name="张伟"), PersonFactory(name="张伟")
    add(branch, id_number=first.id_number, name="张伟")
    add(branch, id_number=second.id_number, name="张伟")
    assert branch.members.filter(person__name="张伟").count() == 2


def test_add_refuses_a_member_already_here_or_still_elsewhere(world, branch):
    member = add(branch)
    with pytest.raises(RosterError, match="已在本党组织名册中"):
        add(branch)
    with pytest.raises(RosterError, match=r"大红城村.*尚未登记转出"):
        add(world["unit_a2"].branch)
    update(member, left_on=D(2026, 3, 1))
    with pytest.raises(RosterError, match="已于 2026-03-01 转出本党组织；如已转回"):
        add(branch)
    moved = add(world["unit_a2"].branch, transferred_in_on=D(2026, 3, 2))
    assert moved.entitled_on(TODAY) and not moved.entitled_on(D(2026, 3, 1))


def test_bad_dates_are_refused_by_field_and_nothing_is_saved(branch):
    with pytest.raises(RosterError) as refused:
        add(branch, status="probationary", joined_on=D(2025, 7, 1), regularized_on=D(2026, 1, 1))
    assert list(refused.value.fields) == ["regularized_on"]
    assert not Person.objects.filter(name="李新党员").exists()
    with pytest.raises(RosterError) as refused:
        add(branch, id_number=NEW_ID[:17] + "0")
    assert "id_number" in refused.value.fields


def test_edit_to_probationary_takes_the_vote_away(branch):
    member = add(branch)
    member = update(member, status="probationary", joined_on=D(2025, 9, 1))
    assert not member.entitled_on(TODAY)
    assert member.entitlement(TODAY) == "预备党员，没有表决权、选举权和被选举权"
    assert member.person.political_status == Person.PoliticalStatus.PROBATIONARY
    member = update(member, status="full", regularized_on=D(2026, 3, 1))
    assert member.entitled_on(TODAY) and not member.entitled_on(D(2026, 2, 28))
    assert "2026-03-01 转正，当日为预备党员" in member.entitlement(D(2026, 2, 28))


def test_edit_refuses_a_future_regularisation(branch):
    member = add(branch)
    with pytest.raises(RosterError) as refused:
        update(member, regularized_on=D(2026, 9, 1))
    assert refused.value.fields == {"regularized_on": "转正时间不能晚于今天。"}


def test_probation_with_its_end_and_transfer_out(branch):
    member = add(branch)
    member = update(member, on_probation=True, probation_until=D(2027, 1, 31))
    assert "留党察看期间（至 2027-01-31）" in member.entitlement(TODAY)
    assert roster_counts(branch, TODAY) == {"listed": 1, "entitled": 0}
    member = update(member, on_probation=False, probation_until=None, left_on=D(2026, 3, 5))
    assert PartyMember.objects.filter(pk=member.pk).exists()  # kept on record
    assert roster_counts(branch, TODAY) == {"listed": 0, "entitled": 0}
    assert roster_counts(branch, D(2026, 3, 4)) == {"listed": 1, "entitled": 1}


def test_remove_deletes_a_mistake_but_not_a_congress_attendee(world, branch):
    mistake = add(branch)
    services.member_remove(member=mistake)
    assert not PartyMember.objects.filter(pk=mistake.pk).exists()

    member = add(branch)
    congress_create(unit=world["unit_a1"], held_on=TODAY, place="村部", chair="主持人")
    with pytest.raises(DomainError) as refused:
        services.member_remove(member=member)
    assert "已列入党员大会的到会名册，不能删除" in str(refused.value)
    assert "转出日期" in str(refused.value)
    assert PartyMember.objects.filter(pk=member.pk).exists()


def test_changes_are_audited(branch):
    member = add(branch)
    update(member, status="probationary", joined_on=D(2025, 9, 1))
    events = pghistory.models.Events.objects.tracks(member).order_by("pgh_created_at")
    assert [e.pgh_label for e in events] == ["insert", "update"]
