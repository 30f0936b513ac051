"""renewal.kit.bulk_insert stores what bulk_create stores, in one statement per table."""

import datetime

import pghistory
import pytest
from django.apps import apps
from django.db import connection

from renewal.kit import bulk_insert
from renewal.models import Person, Region

pytestmark = pytest.mark.django_db

RegionEvent = apps.get_model("renewal", "RegionEvent")


def person(n: int, **fields) -> Person:
    p = Person(
        name=f"批量{n}",
        sex="M",
        birth_date=datetime.date(1980, 1, n),
        education="senior",
        tags=["veteran"],
        **fields,
    )
    p.set_id_number(f"15012319800101{n:03d}X"[-18:])
    p.set_phone(f"1390000{n:04d}")
    return p


def test_inserts_set_keys_encrypt_and_keep_awkward_text():
    people = [person(1, ethnicity="蒙古族\t\\\n"), person(2)]
    bulk_insert.insert(Person, people)
    assert all(p.pk for p in people) and not people[0]._state.adding
    stored = Person.objects.get(pk=people[0].pk)
    assert stored.ethnicity == "蒙古族\t\\\n" and stored.tags == ["veteran"]
    assert stored.id_number == people[0].id_number and stored.phone == people[0].phone
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM renewal_person WHERE id = %s", [people[0].pk])
        assert cursor.fetchone()[0] != people[0].id_number  # ciphertext in the table


def test_conflicts_update_only_the_fields_named():
    first = person(3)
    bulk_insert.insert(Person, [first])
    again = Person.objects.get(pk=first.pk)
    again.name, again.education = "改名", "college"
    bulk_insert.insert(
        Person, [again], unique_fields=["id_number_hash"], update_fields=["education"]
    )
    stored = Person.objects.get(pk=first.pk)
    assert (stored.name, stored.education) == ("批量3", "college")
    assert Person.objects.count() == 1


def test_values_get_the_model_defaults_and_each_row_its_audit_event():
    with pghistory.context(import_job="test"):
        bulk_insert.insert_values(
            Region,
            [
                {"code": "150911000000", "name": "甲县", "kind": "county"},
                {"code": "150912000000", "name": "乙县", "kind": "county"},
            ],
        )
    regions = Region.objects.filter(code__in=["150911000000", "150912000000"])
    assert regions.count() == 2
    events = RegionEvent.objects.filter(pgh_obj__in=regions, pgh_label="insert")
    assert events.count() == 2
    assert all(e.pgh_context.metadata["import_job"] == "test" for e in events)


def test_values_must_give_the_same_fields_in_every_row():
    with pytest.raises(ValueError):
        bulk_insert.insert_values(
            Region, [{"code": "150913000000", "name": "丙县"}, {"code": "150914000000"}]
        )
