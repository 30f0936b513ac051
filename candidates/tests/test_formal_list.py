"""Confirming a formal list: a committee's required posts need a candidate (the party
committee's secretary, the villagers' committee's director, the women's seat where the
county elects one), and the unit's page says what is missing in Chinese."""

import datetime

import pytest

from ballots.models import CountyVillagersRules, VillagersRulePack
from candidates import selectors
from candidates import services as cs
from candidates.models import Candidacy
from renewal.models import DomainError
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def approved(world, personas, posts: dict[str, int]) -> list[Candidacy]:
    """Villagers' committee candidacies already approved by the township (the list's input)."""
    made = []
    for post, count in posts.items():
        for _ in range(count):
            person = PersonFactory(sex="F" if post == "women_member" or not made else "M")
            made.append(
                cs.candidacy_create(
                    actor=personas["staff_a"],
                    unit=world["unit_a1"],
                    person=person,
                    body="villagers",
                    post=post,
                )
            )
    # The workflow up to township approval has its own tests; here only the list matters.
    Candidacy.objects.filter(pk__in=[c.pk for c in made]).update(status="township_approved")
    return made


@pytest.fixture
def women_seat(world):
    pack, _ = VillagersRulePack.objects.get_or_create(
        province_code="",
        effective_from=datetime.date(2020, 1, 1),
        defaults={"name": "全国默认", "source": "《村民委员会组织法》"},
    )
    return CountyVillagersRules.objects.create(county=world["county_a"], pack=pack, women_seat=True)


def confirm(world, personas):
    return cs.formal_list_confirm(
        actor=personas["leader_a"], unit=world["unit_a1"], body="villagers"
    )


def test_a_villagers_list_without_a_director_is_refused(world, personas):
    approved(world, personas, {"deputy_director": 2, "committee_member": 4})
    with pytest.raises(DomainError) as refused:
        confirm(world, personas)
    assert str(refused.value) == (
        "正式候选人名单不符合要求：名单中没有主任候选人：主任应选 1 名，候选人至少 2 名。"
    )
    assert not Candidacy.objects.filter(status="formal").exists()


def test_a_county_with_a_womens_seat_needs_its_candidate(world, personas, women_seat):
    assert selectors.county_elects_women_seat(world["county_a"].pk)
    assert not selectors.county_elects_women_seat(world["county_b"].pk)
    approved(world, personas, {"director": 2, "deputy_director": 2, "committee_member": 4})
    with pytest.raises(DomainError, match="本县单独选举妇女委员，名单中还没有妇女委员候选人"):
        confirm(world, personas)
    women_seat.women_seat = False
    women_seat.save()
    assert len(confirm(world, personas)) == 8


def test_the_womens_seat_filled_the_list_is_confirmed(world, personas, women_seat):
    approved(
        world,
        personas,
        {"director": 2, "deputy_director": 2, "committee_member": 3, "women_member": 1},
    )
    assert len(confirm(world, personas)) == 8


def test_the_unit_page_says_what_is_missing_in_chinese(client, world, personas):
    approved(world, personas, {"deputy_director": 2, "committee_member": 4})
    client.force_login(personas["leader_a"])
    body = client.get(f"/candidates/units/{world['unit_a1'].pk}/").content.decode()
    assert "不能确定正式候选人：名单中没有书记人选" in body
    assert "不能确定正式候选人：名单中没有主任候选人" in body
    assert "主任候选人至少 2 人" in body and "委员候选人（含妇女委员）至少 4 人、至多 6 人" in body
    assert "书记人选应为 1 人" in body
    for code in ("director", "deputy_director", "members", "secretary"):
        assert f"{code} " not in body
    assert f"/candidates/reserves/?unit={world['unit_a1'].pk}" in body
