"""The state the congress stage leaves, built through the models (for developing the
villagers' stage alone): the party members of the cast on their units' rosters, the formal
party candidacies with their outcomes, and each unit's new party committee written as a term
of the round, which opens its handover as the approval of the congress's result does."""

from candidates.models import Candidacy
from renewal.models import PartyMember, Term, TermMember
from tests.whole_cycle import cast
from tests.whole_cycle.world import cast_person


def prelude(world) -> None:
    rnd, clerk = world["round"], world["users"]["staff"]
    for key in cast.PEOPLE:
        unit = world[key]
        for member in cast.members(key, party=True):
            PartyMember.objects.get_or_create(
                branch=unit.branch,
                person=cast_person(member),
                defaults={
                    "status": "full" if member.status == cast.FULL else "probationary",
                    "joined_on": member.joined_on,
                    "regularized_on": member.regularized_on,
                },
            )
        secretary = cast.SECRETARY_CANDIDATE[key]
        for k in cast.PARTY_CANDIDATES[key]:
            person = cast_person(cast.BY_KEY[k])
            won = k in cast.PARTY_ELECTED[key]
            for post in ["party_member"] + (["secretary"] if k == secretary else []):
                Candidacy.objects.create(
                    round=rnd,
                    unit=unit,
                    person=person,
                    body="party",
                    post=post,
                    status="formal",
                    created_by=clerk,
                    outcome="elected" if won else "not_elected",
                )
        party = Term.objects.create(
            unit=unit, body="party", elected_on=cast.CONGRESS_DAY[key], round=rnd
        )
        for k in cast.PARTY_ELECTED[key]:
            TermMember.objects.create(
                term=party,
                person=cast_person(cast.BY_KEY[k]),
                post="secretary" if k == secretary else "party_member",
            )
