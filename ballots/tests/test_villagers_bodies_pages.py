"""The other bodies' pages: the county reads without forms, the next step after the
committee's result leads to the supervision committee, then to the representatives."""

import pytest

from ballots.models import GroupOfficer
from ballots.tests.supervision_helpers import approved_election
from renewal.kit import next_steps
from renewal.models import VillagerGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def elected(world, personas):
    return approved_election(world, personas["staff_a"], personas["leader_a"])


def test_the_county_reads_the_supervision_page_without_forms(client, elected, personas):
    election, _ = elected
    client.force_login(personas["reviewer"])
    page = client.get(f"/villagers/{election.pk}/supervision/").content.decode()
    assert "村务监督委员会选举" in page and "王建国（主任）" in page
    assert "登记提名" not in page and 'name="seats"' not in page
    response = client.post(
        f"/villagers/{election.pk}/supervision/",
        {"assembly": "meeting", "seats": "3", "meeting_day": "2026-11-29"},
    )
    assert response.status_code == 403
    listing = client.get("/villagers/").content.decode()
    assert "组织法 2018 年修正" in listing or "组织法 2025 年修正" in listing


def test_a_refused_nomination_keeps_what_was_typed(client, elected, personas):
    election, people = elected
    client.force_login(personas["staff_a"])
    client.post(
        f"/villagers/{election.pk}/supervision/",
        {"assembly": "meeting", "seats": "3", "meeting_day": "2026-11-29"},
    )
    response = client.post(
        f"/villagers/{election.pk}/supervision/nominations/",
        {"person": people["李秀英"].pk, "nominators": "17", "source": "joint"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "李秀英是村民委员会主任王建国的配偶" in page
    assert 'value="17"' in page


def test_next_step_after_the_committees_result(elected, personas):
    election, people = elected
    step = next_steps.next_step(personas["staff_a"], election)
    assert step.text == "推选村务监督委员会"
    from ballots.models import SupervisionElection

    SupervisionElection.objects.create(
        villagers=election,
        assembly="meeting",
        seats=3,
        meeting_day=election.election_day,
        status="approved",
    )
    assert next_steps.next_step(personas["staff_a"], election).text == "登记村民代表和村民小组长"
    group = VillagerGroup.objects.create(unit=election.unit, name="第一村民小组")
    GroupOfficer.objects.create(
        election=election,
        group=group,
        role="leader",
        person=people["刘洋"],
        method="group_meeting",
        elected_on=election.election_day,
    )
    assert next_steps.next_step(personas["staff_a"], election).text == "工作交接与新班子培训"
