"""Same-name people on the township's lists: told apart by when they were born; the
approvals page reads them so."""

import datetime
from types import SimpleNamespace

import pytest

from candidates import services as cs
from candidates.names import births_by_name, told_apart
from tests.factories import PersonFactory

D = datetime.date


@pytest.mark.parametrize(
    ("people", "shown"),
    [
        ([("李秀英", 1, D(1985, 6, 1))], ["李秀英"]),
        (
            [("张伟", 1, D(1980, 3, 12)), ("张伟", 2, D(1990, 8, 20))],
            ["张伟（1980年生）", "张伟（1990年生）"],
        ),
        (
            [("张伟", 1, D(1980, 3, 12)), ("张伟", 2, D(1980, 8, 20)), ("张伟", 3, D(1990, 1, 1))],
            ["张伟（1980年3月12日生）", "张伟（1980年8月20日生）", "张伟（1990年生）"],
        ),
        ([("张伟", 1, D(1980, 3, 12)), ("张伟", 1, D(1980, 3, 12))], ["张伟", "张伟"]),
    ],
    ids=[
        "a name nobody shares is shown as it is",
        "two people of one name: the year of birth",
        "born the same year: the full date",
        "one person on two rows (two posts) is one person",
    ],
)
def test_same_name_people_are_told_apart(people, shown):
    births = births_by_name(people)
    persons = [SimpleNamespace(name=n, birth_date=b) for n, _pk, b in people]
    assert [told_apart(p, births[p.name]) for p in persons] == shown


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
