"""Stored dates on the permission matrix's world, so that every edit form renders one.

A date input that renders its value in a format the browser does not accept shows empty;
on a page without a stored date that cannot be seen. These records give the pages the
dates the users typed: the county timetable's deadlines, a unit's risk assessment, a
candidate's birth and 入党 dates, a signed pledge and a talk, a signed handover item,
a new committee's training and pledge.
"""

import datetime

from django.utils import timezone

from discipline.models import Pledge, Talk
from renewal.models import CommitteePledge, TrainingSession, Unit

# The nine stages' deadlines, one a month from the county's mobilisation.
FIRST_DUE = datetime.date(2026, 1, 10)


def timetable_dates(rnd) -> None:
    for i, stage in enumerate(rnd.stages.order_by("order")):
        stage.due_date = FIRST_DUE.replace(month=1 + i)
        stage.save(update_fields=["due_date"])


def add_dated_records(world, personas, extras) -> dict:
    """On top of build_world, build_personas and the matrix's extras (their keys are used)."""
    today = timezone.localdate()
    timetable_dates(world["round"])
    Unit.objects.filter(pk=world["unit_a1"].pk).update(risk_assessed_on=datetime.date(2026, 2, 3))
    candidacy = extras["candidacy"]
    person = candidacy.person
    person.party_joined_on = datetime.date(2003, 7, 1)
    person.save(update_fields=["party_joined_on"])
    Pledge.objects.create(
        candidacy=candidacy, signed_on=today, note="", recorded_by=personas["staff_a"]
    )
    talk = Talk.objects.create(
        unit=world["unit_a1"],
        round=world["round"],
        person=person,
        phase=Talk.Phase.BEFORE,
        held_on=today - datetime.timedelta(days=2),
        talked_by="镇党委书记",
    )
    handover = extras["ac_handover"]
    item = handover.items.order_by("pk").first()
    item.handed_over_on = handover.approved_on
    item.outgoing_name, item.incoming_name = "离任0", "新任0"
    item.save(update_fields=["handed_over_on", "outgoing_name", "incoming_name"])
    arriving = extras["ac_people"]["arriving"][0]
    training = TrainingSession.objects.create(
        round=world["round"],
        unit=world["unit_a1"],
        title="新班子履职培训",
        held_on=today - datetime.timedelta(days=1),
        recorded_by=personas["staff_a"],
    )
    training.attendees.set([arriving])
    pledge = CommitteePledge.objects.create(
        round=world["round"],
        unit=world["unit_a1"],
        person=arriving,
        kind=CommitteePledge.Kind.values[0],
        summary="任期内办好三件实事",
        signed_on=today - datetime.timedelta(days=1),
        recorded_by=personas["staff_a"],
    )
    return {"talk": talk, "training": training, "committee_pledge": pledge}
