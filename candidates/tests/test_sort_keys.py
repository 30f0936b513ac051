"""The candidate list's sort keys copied onto each candidacy (candidates.models.SORT_KEYS):
the database fills them on every insert, however made, and keeps them when the person or the
unit changes, without writing the copies into the candidacy's history."""

import datetime

import pghistory
import pytest
from django.apps import apps
from django.db import transaction
from pghistory.models import Events

from candidates.models import Candidacy
from renewal.kit.bulk import bulk_copy
from renewal.models import Person, Unit
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

D = datetime.date
CandidacyEvent = apps.get_model("candidates", "CandidacyEvent")


def keys(candidacy) -> tuple:
    candidacy.refresh_from_db()
    return candidacy.sort_name, candidacy.sort_birth_date, candidacy.sort_unit_code


def new_candidacy(world, personas, person, unit=None, post="party_member"):
    return Candidacy.objects.create(
        round=world["round"],
        unit=unit or world["unit_a1"],
        person=person,
        body="party",
        post=post,
        created_by=personas["staff_a"],
    )


def test_an_insert_fills_the_copies_whatever_the_model_was_given(world, personas):
    person = PersonFactory(name="张伟", birth_date=D(1975, 3, 4))
    candidacy = Candidacy(
        round=world["round"],
        unit=world["unit_a2"],
        person=person,
        body="party",
        post="party_member",
        created_by=personas["staff_a"],
        sort_name="别的名字",  # the database's copy wins
    )
    candidacy.save()
    assert keys(candidacy) == ("张伟", D(1975, 3, 4), world["unit_a2"].code)


def test_a_copy_insert_fills_the_copies(world, personas):
    people = [PersonFactory(name=n, birth_date=D(1980, 1, i + 1)) for i, n in enumerate("甲乙")]
    with transaction.atomic():
        ids = bulk_copy(
            Candidacy,
            ["round_id", "unit_id", "person_id", "body", "post", "created_by_id"],
            [
                (
                    world["round"].pk,
                    world["unit_b1"].pk,
                    p.pk,
                    "party",
                    "party_member",
                    personas["staff_a"].pk,
                )
                for p in people
            ],
            count=2,
        )
    got = list(
        Candidacy.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list("sort_name", "sort_birth_date", "sort_unit_code")
    )
    assert got == [(p.name, p.birth_date, world["unit_b1"].code) for p in people]


def test_a_rename_re_sorts_the_persons_candidacies_without_candidacy_history(world, personas):
    person = PersonFactory(name="王芳", birth_date=D(1970, 1, 1))
    other = PersonFactory(name="李娜", birth_date=D(1972, 1, 1))
    first = new_candidacy(world, personas, person)
    second = new_candidacy(world, personas, person, post="secretary")
    third = new_candidacy(world, personas, other)
    by_name = lambda: list(  # noqa: E731
        Candidacy.objects.filter(pk__in=[first.pk, second.pk, third.pk])
        .order_by("sort_name", "sort_unit_code", "id")
        .values_list("pk", flat=True)
    )
    assert by_name() == [third.pk, first.pk, second.pk]  # 李 < 王
    stale = Candidacy.objects.get(pk=first.pk)  # read before the rename
    before = CandidacyEvent.objects.count()
    with pghistory.context(command="rename test"):
        person.name, person.birth_date = "丁一", D(1990, 6, 1)
        person.save()
    assert keys(first) == keys(second) == ("丁一", D(1990, 6, 1), world["unit_a1"].code)
    assert by_name() == [first.pk, second.pk, third.pk]  # 丁 < 李
    assert by_name() == list(
        Candidacy.objects.filter(pk__in=[first.pk, second.pk, third.pk])
        .order_by("person__name", "unit__code", "id")
        .values_list("pk", flat=True)
    )
    # The candidacies' copies changed, not their history; the person's change is in theirs.
    assert CandidacyEvent.objects.count() == before
    assert Events.objects.references(person).filter(pgh_label="update").exists()
    # A save of a row read before the rename keeps the new name, and is history as usual.
    stale.notes = "补充说明"
    stale.save()
    assert keys(first)[0] == "丁一"
    assert CandidacyEvent.objects.count() == before + 1
    # A bulk update of people copies each one's own name.
    Person.objects.filter(pk__in=[person.pk, other.pk]).update(name="赵丽")
    assert {keys(c)[0] for c in (first, second, third)} == {"赵丽"}


def test_another_person_or_unit_and_a_new_unit_code_are_copied(world, personas):
    candidacy = new_candidacy(world, personas, PersonFactory(name="刘洋"))
    candidacy.person = PersonFactory(name="杨帆", birth_date=D(1985, 5, 5))
    candidacy.unit = world["unit_b1"]
    candidacy.save()
    assert keys(candidacy) == ("杨帆", D(1985, 5, 5), world["unit_b1"].code)
    Unit.objects.filter(pk=world["unit_b1"].pk).update(code="150102999999")
    assert keys(candidacy)[2] == "150102999999"


def test_a_direct_write_of_a_copy_is_put_right(world, personas):
    candidacy = new_candidacy(world, personas, PersonFactory(name="黄磊"))
    Candidacy.objects.filter(pk=candidacy.pk).update(sort_name="乱写", sort_unit_code="0")
    assert keys(candidacy)[0] == "黄磊" and keys(candidacy)[2] == world["unit_a1"].code
