"""Villagers' vote pages: typed values kept on errors, lists page with constant queries,
approval rights, the record download."""

import datetime
import json

import pytest

from ballots.models import VillagersElection, VoterRegistration
from ballots.tests.villagers_vote_helpers import (
    MAIN_VOTES,
    boxes_with_staff,
    counted_election,
    make_election,
    nominate_all,
)
from ballots.villagers import vote as vv
from renewal.models import TermMember
from tests.factories import PersonFactory, villagers_election

pytestmark = pytest.mark.django_db


def test_box_entry_error_keeps_what_was_typed(client, world, personas):
    election, people = make_election(world)
    nominate_all(election, people, personas["staff_a"])
    main, _ = boxes_with_staff(election, people)
    client.force_login(personas["staff_a"])
    response = client.post(
        f"/villagers/boxes/{main.pk}/",
        {
            "version": main.version,
            "ballots_issued": "50",
            "ballots_returned": "50",
            "ballots_invalid": "0",
            "director-c0": "60",
            "director-c1": "abc",
            "committee_member-w0-name": "钱多",
            "committee_member-w0-votes": "3",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "的票数“abc”不是整数" in body
    assert 'value="60"' in body and 'value="钱多"' in body
    main.refresh_from_db()
    assert main.entered_at is None


def test_box_entry_saves_write_ins(client, world, personas):
    election, people = make_election(world)
    nominate_all(election, people, personas["staff_a"])
    main, _ = boxes_with_staff(election, people)
    client.force_login(personas["staff_a"])
    formal = vv.formal_candidates(election)
    data = {"version": main.version, "ballots_issued": "50", "ballots_returned": "50"}
    data["ballots_invalid"] = "0"
    for post, tally in MAIN_VOTES.items():
        for i, name in enumerate(formal[post]):
            data[f"{post}-c{i}"] = str(tally.get(name, 0))
    data["committee_member-w0-name"] = "钱多"
    data["committee_member-w0-votes"] = "3"
    response = client.post(f"/villagers/boxes/{main.pk}/", data)
    assert response.status_code == 302
    main.refresh_from_db()
    assert main.votes["committee_member"]["钱多"] == 3
    assert main.votes["director"] == {"王建国": 40, "李秀英": 10}


def test_list_filters_and_runs_constant_queries(
    client, world, personas, django_assert_max_num_queries
):
    for unit in ("unit_a1", "unit_a2"):
        villagers_election(world[unit], world["round"], voters=2)
    villagers_election(world["unit_b1"], world["round"], voters=2)
    client.force_login(personas["staff_a"])
    # One query more than the rows need: the total beside the filtered count.
    with django_assert_max_num_queries(13):
        response = client.get("/villagers/vote/?sort=unit")
    body = response.content.decode()
    assert "大红城村" in body and "南街社区" in body and "居民委员会" in body
    assert "盛乐村" not in body  # township B is not staff A's
    response = client.get("/villagers/vote/?q=南街")
    assert "大红城村" not in response.content.decode()
    client.force_login(personas["reviewer"])
    response = client.get(f"/villagers/vote/?township={world['township_b'].pk}")
    assert "盛乐村" in response.content.decode()
    assert "大红城村" not in response.content.decode()


def test_only_approvers_confirm_and_community_says_residents(client, world, personas):
    election, _ = counted_election(world, personas["staff_a"])
    rnd = election.vote_rounds.get(status="open")
    vv.round_enter(
        rnd=rnd,
        version=rnd.version,
        actor=personas["staff_a"],
        present=55,
        ballots_returned=55,
        ballots_invalid=0,
        votes={"赵磊": 30},
    )
    client.force_login(personas["staff_a"])
    assert client.post(f"/villagers/{election.pk}/approve/").status_code == 403
    client.force_login(personas["reviewer"])
    page = client.get(f"/villagers/{election.pk}/vote/").content.decode()
    assert "确认选举结果并登记新一届班子" in page
    response = client.post(f"/villagers/{election.pk}/approve/", {"confirmed": "1"}, follow=True)
    assert "选举结果已确认" in response.content.decode()
    election.refresh_from_db()
    assert election.status == VillagersElection.Status.APPROVED
    member = TermMember.objects.get(term__body="villagers", person__name="杨帆")
    recall = vv.recall_propose(
        election=election,
        member=member,
        signatures=25,
        reason="长期不履职",
        proposed_on=datetime.date(2027, 3, 1),
    )
    client.force_login(personas["staff_a"])
    response = client.post(
        f"/villagers/recalls/{recall.pk}/vote/",
        {"voted_on": "2027-03-20", "registered": "100", "voted": "70", "in_favour": "40"},
        follow=True,
    )
    assert "罢免通过，其职务终止" in response.content.decode()
    page = client.get(f"/villagers/{election.pk}/vote/").content.decode()
    assert '委员：杨帆 <span class="tag key">已罢免' in page
    community, _ = villagers_election(world["unit_a2"], world["round"], voters=3)
    page = client.get(f"/villagers/{community.pk}/vote/").content.decode()
    assert "南街社区居民委员会选举" in page and "已登记选民" in page and "居民选民" not in page


def test_record_download_is_a_ballot_record(client, world, personas):
    election, _ = counted_election(world, personas["staff_a"])
    rnd = election.vote_rounds.get(post="director", round_type="first")
    client.force_login(personas["reviewer"])
    response = client.get(f"/villagers/rounds/{rnd.pk}/record.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["format"] == "ballot-record/1" and data["result"]["elected"] == ["王建国"]
    open_round = election.vote_rounds.get(status="open")
    response = client.get(f"/villagers/rounds/{open_round.pk}/record.json")
    assert response.status_code == 302


def test_nomination_form_keeps_input_on_refusal(client, world, personas):
    election, people = make_election(world)
    client.force_login(personas["staff_a"])
    response = client.post(
        f"/villagers/{election.pk}/nominations/",
        {
            "post": "director",
            "person": people["王建国"].pk,
            "nominators": "12",
            "source": "joint",
            "relatives": "王小二 123",
        },
    )
    body = response.content.decode()
    assert "近亲属王小二" in body and "王小二 123" in body
    assert not election.nominations.exists()


def test_nominations_page_tells_same_name_nominees_apart(client, world, personas):
    """Two 张伟 nominated for 主任: the list the clerk ticks shows each as the ballot will."""
    election, _ = make_election(world)
    twins = [
        PersonFactory(name="张伟", birth_date=datetime.date(year, 3, 12)) for year in (1980, 1990)
    ]
    VoterRegistration.objects.bulk_create(
        VoterRegistration(election=election, round=election.round, person=p, category="resident")
        for p in twins
    )
    ids = [
        vv.nomination_add(
            election=election,
            post="director",
            person=p,
            nominators=12,
            source="joint",
            actor=personas["staff_a"],
        ).pk
        for p in twins
    ]
    client.force_login(personas["staff_a"])
    body = client.get(f"/villagers/{election.pk}/nominations/").content.decode()
    for pk, year in zip(ids, (1980, 1990), strict=True):
        assert f'<label for="nom-{pk}">张伟（{year}年生）</label>' in body
    vv.candidates_confirm(election=election, post="director", nomination_ids=ids)
    body = client.get(f"/villagers/{election.pk}/nominations/").content.decode()
    assert "正式候选人：张伟（1980年生）、张伟（1990年生）" in body


def test_nominating_a_second_same_name_person_says_which_one(client, world, personas):
    election, _ = make_election(world)
    twins = [
        PersonFactory(name="张伟", birth_date=datetime.date(year, 3, 12), education="college")
        for year in (1980, 1990)
    ]
    VoterRegistration.objects.bulk_create(
        VoterRegistration(election=election, round=election.round, person=p, category="resident")
        for p in twins
    )
    vv.nomination_add(
        election=election,
        post="director",
        person=twins[0],
        nominators=12,
        source="joint",
        actor=personas["staff_a"],
    )
    client.force_login(personas["staff_a"])
    response = client.post(
        f"/villagers/{election.pk}/nominations/",
        {
            "post": "director",
            "person": twins[1].pk,
            "nominators": "12",
            "source": "joint",
            "education": "college",
        },
        follow=True,
    )
    assert "已提名张伟（1990年生）为主任候选人。" in response.content.decode()
