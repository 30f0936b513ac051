"""One township's renewal in the browser, from the party rosters to the new committees'
pledges: 大红城村, 南街社区 and 小红城村 of 城关镇, each step done by the account of the person
who does it, with a real Celery worker on Redis running the background work.

The stages are in this package (candidates, congress, villagers' election, aftercare); each
continues from what the one before left. Three edit pages are saved unchanged on the way
(a candidate, a roster member, a villagers' election) and nothing may change.

At the end the two 张伟 of 大红城村 have kept their identities from candidacy to committee:
the one born in 1980 is its secretary and director (一肩挑), the one born in 1990 is on
neither committee, and each candidacy knows its own outcome.
"""

import pytest

from candidates.models import Candidacy
from renewal.models import TermMember
from tests.whole_cycle import (
    aftercare_stage,
    candidates_stage,
    cast,
    congress_stage,
    villagers_stage,
)
from tests.whole_cycle.world import Cycle, build_cycle_world, cast_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_whole_cycle(live_server, new_context, worker):
    world = build_cycle_world()
    cycle = Cycle(live_server, new_context, world)
    candidates_stage.run(cycle)
    congress_stage.run(cycle)
    villagers_stage.run(cycle)
    aftercare_stage.run(cycle)
    _same_name_pair_kept_apart(world)


def _same_name_pair_kept_apart(world) -> None:
    rnd, unit = world["round"], world["unit_a1"]
    older = cast_person(cast.BY_KEY["zhangwei80"])
    younger = cast_person(cast.BY_KEY["zhangwei90"])
    assert older.pk != younger.pk and older.name == younger.name

    seats = set(
        TermMember.objects.filter(term__round=rnd, term__unit=unit).values_list(
            "person_id", "term__body", "post"
        )
    )
    assert (older.pk, "party", "secretary") in seats
    assert (older.pk, "villagers", "director") in seats
    assert not {s for s in seats if s[0] == younger.pk}

    outcomes = dict(
        Candidacy.objects.filter(round=rnd, unit=unit, body="party", post="party_member")
        .filter(person__in=[older, younger])
        .values_list("person_id", "outcome")
    )
    assert outcomes == {older.pk: "elected", younger.pk: "not_elected"}
