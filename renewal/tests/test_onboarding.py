"""Onboarding: who was not re-elected and their talks, training, the four pledges."""

import datetime

import pytest
from django.utils import timezone

from discipline.models import Talk
from renewal.aftercare import onboarding
from renewal.aftercare.figures import pledges_recorded
from renewal.models import CommitteePledge, DomainError, TrainingSession
from renewal.tests.aftercare_setup import new_committee

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        pytest.param({1, 2, 3}, {1, 4}, {2, 3}, id="those missing from the new term"),
        pytest.param({1, 2}, {1, 2, 5}, set(), id="everyone re-elected"),
        pytest.param(set(), {7}, set(), id="no previous term"),
    ],
)
def test_not_reelected(previous, current, expected):
    assert onboarding.not_reelected(previous, current) == expected


@pytest.fixture
def committee(world):
    return new_committee(world["unit_a1"], world["round"], stay=1, leave=2, new=1)


def test_committee_changes_compare_with_the_latest_earlier_term(world, committee):
    _old, term, people = committee
    (change,) = onboarding.committee_changes(world["round"], world["unit_a1"])
    assert change.term == term
    assert {p.pk for p in change.leaving} == {p.pk for p in people["leaving"]}
    assert {s.person_id for s in change.members} == {
        p.pk for p in people["staying"] + people["arriving"]
    }


def test_talk_status_of_those_not_reelected(client, world, personas, committee):
    _old, _term, people = committee
    gone = people["leaving"][0]
    Talk.objects.create(
        unit=world["unit_a1"],
        round=world["round"],
        person=gone,
        phase=Talk.Phase.AFTER,
        held_on=timezone.localdate(),
        talked_by="镇党委书记",
    )
    client.force_login(personas["staff_a"])
    page = client.get(f"/onboarding/units/{world['unit_a1'].pk}/").content.decode()
    assert "已谈话" in page and "镇党委书记" in page
    assert "未谈话" in page  # the second member who left
    assert f"/discipline/units/{world['unit_a1'].pk}/" in page


def test_pledges_only_for_new_members(world, personas, committee):
    _old, _term, people = committee
    kwargs = {
        "actor": personas["staff_a"],
        "unit": world["unit_a1"],
        "round_": world["round"],
        "kind": "term_goal",
        "summary": "三年内村集体收入翻番",
        "signed_on": timezone.localdate(),
    }
    newcomer, stayer, leaver = people["arriving"][0], people["staying"][0], people["leaving"][0]
    with pytest.raises(DomainError, match="新班子成员"):  # all or none
        onboarding.pledges_record(people=[newcomer, leaver], **kwargs)
    assert not CommitteePledge.objects.exists()
    with pytest.raises(DomainError, match="请勾选"):
        onboarding.pledges_record(people=[], **kwargs)
    onboarding.pledges_record(people=[newcomer, stayer], **kwargs)
    onboarding.pledges_record(people=[newcomer], **{**kwargs, "summary": "更正"})
    summaries = dict(CommitteePledge.objects.values_list("person_id", "summary"))
    assert summaries == {newcomer.pk: "更正", stayer.pk: "三年内村集体收入翻番"}
    today = timezone.localdate()
    ids = [world["unit_a1"].pk]
    assert pledges_recorded(world["round"], ids, today) == {world["unit_a1"].pk: 2}
    assert pledges_recorded(world["round"], ids, today - datetime.timedelta(days=1)) == {}


def test_training_attendees_are_new_members(world, personas, committee):
    _old, _term, people = committee
    kwargs = {
        "actor": personas["staff_a"],
        "unit": world["unit_a1"],
        "round_": world["round"],
        "title": "新任村干部履职能力培训",
        "held_on": timezone.localdate(),
    }
    with pytest.raises(DomainError, match="新班子成员"):
        onboarding.training_record(attendee_ids=[people["leaving"][0].pk], **kwargs)
    assert not TrainingSession.objects.exists()
    session = onboarding.training_record(attendee_ids=[people["arriving"][0].pk], **kwargs)
    assert list(session.attendees.all()) == [people["arriving"][0]]


def test_no_training_before_the_new_committee(world, personas):
    with pytest.raises(DomainError, match="尚未产生"):
        onboarding.training_record(
            actor=personas["staff_a"],
            unit=world["unit_a2"],
            round_=world["round"],
            title="培训",
            held_on=timezone.localdate(),
            attendee_ids=[1],
        )


def test_onboarding_page_lists_absentees(client, world, personas, committee):
    _old, _term, people = committee
    client.force_login(personas["staff_a"])
    response = client.post(
        f"/onboarding/units/{world['unit_a1'].pk}/training/",
        {
            "title": "廉政教育",
            "held_on": timezone.localdate().isoformat(),
            "attendees": [people["arriving"][0].pk],
        },
    )
    assert response.status_code == 302
    page = client.get(f"/onboarding/units/{world['unit_a1'].pk}/").content.decode()
    assert "廉政教育" in page and people["staying"][0].name in page


def test_a_committee_signs_a_pledge_together(client, world, personas, committee):
    _old, _term, people = committee
    members = [people["staying"][0], people["arriving"][0]]
    url = f"/onboarding/units/{world['unit_a1'].pk}/"
    client.force_login(personas["staff_a"])
    form = client.get(url).context["pledge_form"]
    # Everyone is ticked: a committee signs at its first meeting.
    assert set(form.initial["people"]) == {p.pk for p in members}
    data = {
        "people": [p.pk for p in members],
        "kind": "integrity",
        "summary": "廉洁履职，不谋私利",
        "signed_on": timezone.localdate().isoformat(),
    }
    response = client.post(f"{url}pledges/", data, follow=True)
    assert "已为 2 名成员登记廉政承诺。" in response.content.decode()
    assert set(CommitteePledge.objects.values_list("person_id", flat=True)) == {
        p.pk for p in members
    }
    # Somebody who is not on the new committee: nothing is saved and what was typed stays.
    leaver = people["leaving"][0]
    response = client.post(f"{url}pledges/", {**data, "people": [leaver.pk], "kind": "resignation"})
    assert response.status_code == 200
    assert CommitteePledge.objects.filter(kind="resignation").count() == 0
    assert "廉洁履职，不谋私利" in response.content.decode()


def test_recording_for_everyone_keeps_what_members_already_have(client, world, personas, committee):
    """A late member signs: the clerk leaves everyone ticked, the others' records stay."""
    _old, _term, people = committee
    first, late = people["staying"][0], people["arriving"][0]
    rnd, unit = world["round"], world["unit_a1"]
    earlier = timezone.localdate() - datetime.timedelta(days=5)
    onboarding.pledges_record(
        actor=personas["staff_a"],
        unit=unit,
        round_=rnd,
        people=[first],
        kind="integrity",
        summary="第一次会议签订",
        signed_on=earlier,
    )
    client.force_login(personas["staff_a"])
    data = {
        "people": [first.pk, late.pk],
        "kind": "integrity",
        "summary": "补签",
        "signed_on": timezone.localdate().isoformat(),
    }
    response = client.post(f"/onboarding/units/{unit.pk}/pledges/", data, follow=True)
    body = response.content.decode()
    assert "已为 1 名成员登记廉政承诺。1 名成员此前已登记，保留原记录" in body
    kept = CommitteePledge.objects.get(person=first, kind="integrity")
    assert (kept.summary, kept.signed_on) == ("第一次会议签订", earlier)
    assert CommitteePledge.objects.get(person=late, kind="integrity").summary == "补签"
    # Ticking the one member alone corrects theirs.
    client.post(
        f"/onboarding/units/{unit.pk}/pledges/", {**data, "people": [first.pk], "summary": "更正"}
    )
    assert CommitteePledge.objects.get(person=first, kind="integrity").summary == "更正"
