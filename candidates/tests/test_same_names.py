"""Same-name people on the township's lists are told apart as on the ballot (the rule is
renewal.kit.naming's): the approvals page reads them so."""

import datetime

import pytest

from candidates import services as cs
from tests.factories import PersonFactory

D = datetime.date


@pytest.mark.django_db
def test_the_approval_queue_tells_same_name_people_apart(client, world, personas):
    for born in (D(1980, 3, 12), D(1990, 8, 20)):
        c = cs.candidacy_create(
            actor=personas["staff_a"],
            unit=world["unit_a1"],
            person=PersonFactory(name="张伟", birth_date=born),
            body="villagers",
            post="committee_member",
        )
        c.status = "vetted"
        c.save(update_fields=["status"])
    client.force_login(personas["leader_a"])
    body = client.get("/candidates/approvals/").content.decode()
    assert "<td>张伟（1980年生）</td>" in body and "<td>张伟（1990年生）</td>" in body
