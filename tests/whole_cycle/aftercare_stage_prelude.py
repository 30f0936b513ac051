"""The state the villagers' stage leaves, built through the models (for developing the
aftercare stage alone): the state the congress stage leaves (the cast on its rosters, formal
party candidacies, the party terms), and the new villagers' committee of each unit written
as a term of the round."""

from renewal.models import Term, TermMember
from tests.whole_cycle import cast
from tests.whole_cycle.villagers_stage_prelude import prelude as after_congresses
from tests.whole_cycle.world import cast_person


def prelude(world) -> None:
    after_congresses(world)
    rnd = world["round"]
    for key in cast.PEOPLE:
        villagers = Term.objects.create(
            unit=world[key], body="villagers", elected_on=cast.VILLAGERS_ELECTION_DAY, round=rnd
        )
        for k, post in cast.VILLAGERS_ELECTED[key]:
            TermMember.objects.create(term=villagers, person=cast_person(cast.BY_KEY[k]), post=post)
