"""The state the candidates' stage leaves, built through the services (for developing the
congress stage alone): the party members of the cast on their branch rosters (马福生 under
留党察看), and each unit's party candidates walked to formal candidates the way the app
requires: inspection passed, joint vetting passed, township review, the secretary's 双签,
and the formal list confirmed."""

import datetime

from candidates import services as candidates
from candidates.models import Candidacy, VettingRequest
from renewal.models import Department, PartyMember
from renewal.roster import services as roster
from tests.whole_cycle import cast
from tests.whole_cycle.world import cast_person

INSPECTED_ON = datetime.date(2026, 10, 20)


def prelude(world) -> None:
    users = world["users"]
    for key in cast.PEOPLE:
        _roster(world[key].branch, key)
    departments = list(Department.objects.filter(code__in=["police", "discipline"]))
    for key in cast.PEOPLE:
        _formal_candidates(world[key], key, users, departments)


def _roster(branch, key) -> None:
    for member in cast.members(key, party=True):
        # As the aftercare prelude: the cast's ID numbers are not all accepted by the
        # roster's number check (a county code newer than some birth years).
        PartyMember.objects.create(
            branch=branch,
            person=cast_person(member),
            status="full" if member.status == cast.FULL else "probationary",
            joined_on=member.joined_on,
            regularized_on=member.regularized_on,
        )
    for k, until in cast.SANCTIONED.get(key, {}).items():
        # As the roster's edit page records it: the sanction ticked, with its end date.
        member = PartyMember.objects.get(branch=branch, person=cast_person(cast.BY_KEY[k]))
        roster.member_update(
            member=member,
            status=member.status,
            joined_on=member.joined_on,
            regularized_on=member.regularized_on,
            on_probation=True,
            probation_until=until,
            transferred_in_on=member.transferred_in_on,
            left_on=member.left_on,
        )


def _formal_candidates(unit, key, users, departments) -> None:
    clerk, leader = users["staff"], users["leader"]
    secretary = cast.SECRETARY_CANDIDATE[key]
    previous = {k for k, post in cast.PREVIOUS_TERMS[key]["party"] if post == "secretary"}
    made = []
    for k in cast.PARTY_CANDIDATES[key]:
        person = cast_person(cast.BY_KEY[k])
        for post in ["party_member"] + (["secretary"] if k == secretary else []):
            made.append(
                candidates.candidacy_create(
                    actor=clerk,
                    unit=unit,
                    person=person,
                    body="party",
                    post=post,
                    is_continuing=k in previous and post == "secretary",
                )
            )
    for c in made:
        candidates.candidacy_record_inspection(
            actor=clerk, candidacy=c, passed=True, score=92, inspected_on=INSPECTED_ON
        )
    batch = candidates.vetting_send(
        actor=clerk,
        candidacies=made,
        departments=departments,
        due_date=datetime.date.today() + datetime.timedelta(days=7),
    )
    answerer = {"police": users["police"], "discipline": users["discipline_dept"]}
    for request in VettingRequest.objects.filter(batch=batch).select_related("department"):
        candidates.vetting_answer(
            actor=answerer[request.department.code], request=request, passed=True
        )
    for c in Candidacy.objects.filter(pk__in=[c.pk for c in made]):
        assert c.status == Candidacy.Status.VETTED, (c, c.status)
        c = candidates.candidacy_approve_township(actor=leader, candidacy=c)
        if c.is_secretary:
            candidates.candidacy_county_sign(actor=users["minister"], candidacy=c)
            candidates.candidacy_county_sign(actor=users["county_secretary"], candidacy=c)
    candidates.formal_list_confirm(actor=leader, unit=unit, body="party")
    assert set(
        Candidacy.objects.filter(unit=unit, body="party").values_list("status", flat=True)
    ) == {Candidacy.Status.FORMAL}
