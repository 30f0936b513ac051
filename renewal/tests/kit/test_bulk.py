import pghistory
import pytest
from django.apps import apps
from django.db import transaction

from renewal.kit.bulk import bulk_copy
from renewal.models import Person, Region

pytestmark = pytest.mark.django_db

RegionEvent = apps.get_model("renewal", "RegionEvent")


def test_copies_awkward_text_and_returns_the_keys_in_row_order():
    rows = [
        ("150901000000", "甲\t乙", "county"),
        ("150902000000", "反斜杠\\与\n换行\r", "county"),
        ("150903000000", r"\N", "county"),
    ]
    with transaction.atomic():
        ids = bulk_copy(Region, ["code", "name", "kind"], rows, count=3)
    stored = dict(Region.objects.filter(pk__in=ids).values_list("pk", "name"))
    assert [stored[pk] for pk in ids] == [name for _c, name, _k in rows]
    assert [Region.objects.get(pk=pk).code for pk in ids] == [code for code, _n, _k in rows]


def test_fields_left_out_get_their_defaults_and_encrypted_fields_are_encrypted():
    with transaction.atomic():
        (pk,) = bulk_copy(
            Person,
            ["name", "sex", "birth_date", "id_number", "id_number_hash", "education"],
            [("王芳", "F", "1980-01-02", "150102198001020026", "hash-1", "high_school")],
            count=1,
        )
    person = Person.objects.get(pk=pk)
    assert person.id_number == "150102198001020026"
    assert person.ethnicity == "汉族" and person.tags == [] and person.phone == ""
    assert Person.objects.filter(pk=pk, id_number="150102198001020026").count() == 0  # ciphertext


def test_records_one_insert_event_a_row_under_the_callers_context():
    with pghistory.context(command="bulk test"), transaction.atomic():
        ids = bulk_copy(
            Region, ["code", "name", "kind"], [("150911000000", "甲县", "county")], count=1
        )
    event = RegionEvent.objects.get(pgh_obj_id=ids[0])
    assert event.pgh_label == "insert" and event.name == "甲县"
    assert event.pgh_context.metadata["command"] == "bulk test"


def test_a_copy_of_many_rows_records_one_event_each_and_a_rollback_records_none():
    with pytest.raises(RuntimeError), transaction.atomic():
        bulk_copy(Region, ["code", "name", "kind"], [("150921000000", "乙县", "county")], count=1)
        raise RuntimeError
    rows = [(f"1509{n:02d}000000", f"县{n}", "county") for n in range(30, 40)]
    with pghistory.context(command="bulk test"), transaction.atomic():
        ids = bulk_copy(Region, ["code", "name", "kind"], rows, count=len(rows))
    events = RegionEvent.objects.filter(pgh_obj_id__in=ids, pgh_label="insert")
    assert sorted(events.values_list("pgh_obj_id", flat=True)) == sorted(ids)
    assert {e.pgh_context.metadata["command"] for e in events} == {"bulk test"}
    assert not Region.objects.filter(code="150921000000").exists()
    assert not RegionEvent.objects.filter(code="150921000000").exists()
