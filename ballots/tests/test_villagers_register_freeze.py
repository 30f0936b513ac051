"""The published voter list is frozen: direct changes are refused; an upheld objection or a
correction (更正) with its reason changes it, and each such change is on record."""

import datetime

import pytest

from ballots.models import RegisterChange, VoterObjection, VoterRegistration
from ballots.tests.villagers_helpers import build_xlsx, make_election, register, voter_id, voter_row
from ballots.villagers import setup, voter_import
from renewal.kit.idcard import make_id_number
from renewal.models import DomainError, Person

D = datetime.date
FROZEN = "公布后的变更须通过“异议”"


@pytest.fixture
def published(world, personas):
    election = make_election(world, personas)
    for n in (1, 2, 3):
        register(election, personas, n)
    election.refresh_from_db()
    return setup.register_publish(
        actor=personas["staff_a"],
        election=election,
        published_on=D(2026, 12, 20),
        version=election.version,
    )


def test_before_publication_the_list_is_changed_directly_and_nothing_is_recorded(world, personas):
    election = make_election(world, personas)
    reg = register(election, personas, 1)
    setup.voter_update(
        actor=personas["staff_a"], registration=reg, category="away", group_name="第二小组"
    )
    setup.voter_set_active(actor=personas["staff_a"], registration=reg, active=False)
    assert not RegisterChange.objects.exists()
    with pytest.raises(DomainError, match="尚未公布"):
        setup.register_correct(
            actor=personas["staff_a"],
            election=election,
            action="remove",
            reason="r",
            registration=reg,
        )


def test_direct_changes_after_publication_are_refused(personas, published, tmp_path):
    staff = personas["staff_a"]
    reg = published.registrations.get(person__name="选民1")
    with pytest.raises(DomainError, match=FROZEN) as refused:
        register(published, personas, 4)
    assert "2026-12-20 公布" in str(refused.value)
    with pytest.raises(DomainError, match=FROZEN):
        setup.voter_update(actor=staff, registration=reg, category="away", group_name="")
    # Saved unchanged (the edit page's round trip) there is nothing to refuse nor record.
    setup.voter_update(actor=staff, registration=reg, category="resident", group_name="第一小组")
    with pytest.raises(DomainError, match=FROZEN):
        setup.voter_set_active(actor=staff, registration=reg, active=False)
    path = tmp_path / "voters.xlsx"
    path.write_bytes(build_xlsx([voter_row(5)]))
    rows, problems = voter_import.IMPORTER.read(published, path)
    assert problems == []
    with pytest.raises(DomainError, match=FROZEN):
        voter_import.commit_rows(published, rows)
    reg.refresh_from_db()
    assert (reg.category, reg.is_active) == ("resident", True)
    assert published.registrations.count() == 3
    assert not RegisterChange.objects.exists()


def test_a_correction_applies_the_change_and_records_who_when_and_why(personas, published):
    staff = personas["staff_a"]
    reg = published.registrations.get(person__name="选民1")
    change = setup.register_correct(
        actor=staff,
        election=published,
        action=setup.Correction.CHANGE,
        reason="小组登记有误",
        basis="选举委员会 12 月 22 日会议记录",
        registration=reg,
        category="resident",
        group_name="第二小组",
    )
    reg.refresh_from_db()
    assert reg.group_name == "第二小组"
    assert (change.kind, change.made_by, change.reason) == ("changed", staff, "小组登记有误")
    assert change.detail == "小组由“第一小组”改为“第二小组”"
    assert change.basis == "选举委员会 12 月 22 日会议记录"

    added = setup.register_correct(
        actor=staff,
        election=published,
        action=setup.Correction.ADD,
        reason="户籍迁入，漏登",
        id_number=voter_id(7),
        name="选民7",
        category="resident",
    )
    assert added.kind == "added" and added.registration.person.name == "选民7"
    removed = setup.register_correct(
        actor=staff, election=published, action="remove", reason="已死亡", registration=reg
    )
    assert removed.kind == "removed"
    reg.refresh_from_db()
    assert not reg.is_active
    assert [c.kind for c in setup.register_changes(published)] == ["changed", "added", "removed"]


def test_a_correction_without_reason_or_with_a_bad_voter_saves_nothing(personas, published):
    staff = personas["staff_a"]
    reg = published.registrations.get(person__name="选民1")
    with pytest.raises(DomainError, match="请填写更正理由"):
        setup.register_correct(
            actor=staff, election=published, action="remove", reason="  ", registration=reg
        )
    with pytest.raises(DomainError, match="未满 18 周岁"):
        setup.register_correct(
            actor=staff,
            election=published,
            action="add",
            reason="漏登",
            id_number=make_id_number("150102", D(2015, 1, 1), 8, "M"),
            name="小孩",
            category="resident",
        )
    with pytest.raises(DomainError, match="没有变化"):
        setup.register_correct(
            actor=staff,
            election=published,
            action="change",
            reason="核对",
            registration=reg,
            category=reg.category,
            group_name=reg.group_name,
        )
    reg.refresh_from_db()
    assert reg.is_active and reg.group_name == "第一小组"
    assert published.registrations.count() == 3
    assert not Person.objects.filter(name="小孩").exists()
    assert not RegisterChange.objects.exists()


def test_an_upheld_objection_changes_the_list_and_is_recorded(personas, published):
    staff = personas["staff_a"]
    reg = published.registrations.get(person__name="选民2")
    remove = setup.objection_receive(
        actor=staff,
        election=published,
        raised_by="李某",
        received_on=D(2026, 12, 22),
        reason="已迁出",
        registration=reg,
    )
    add = setup.objection_receive(
        actor=staff,
        election=published,
        raised_by="张某",
        received_on=D(2026, 12, 22),
        reason="漏登",
        id_number=voter_id(9),
        name="选民9",
        category="resident",
    )
    rejected = setup.objection_receive(
        actor=staff,
        election=published,
        raised_by="王某",
        received_on=D(2026, 12, 22),
        reason="不服",
        registration=published.registrations.get(person__name="选民3"),
    )
    for objection, outcome in ((remove, "upheld"), (add, "upheld"), (rejected, "rejected")):
        setup.objection_answer(
            actor=staff,
            objection=objection,
            outcome=outcome,
            answered_on=D(2026, 12, 24),
            answer="经核实",
        )
    reg.refresh_from_db()
    assert not reg.is_active
    assert VoterRegistration.objects.get(person__name="选民9").is_active
    changes = list(setup.register_changes(published))
    assert [(c.kind, c.objection_id, c.made_by) for c in changes] == [
        ("removed", remove.pk, staff),
        ("added", add.pk, staff),
    ]
    assert VoterObjection.objects.get(pk=rejected.pk).outcome == "rejected"


def test_an_objection_upheld_for_a_voter_already_off_the_list_records_no_change(
    personas, published
):
    """Two objections against the same voter: the second upheld finds them already removed,
    so the list of changes (and the printed appendix) says so once."""
    staff = personas["staff_a"]
    reg = published.registrations.get(person__name="选民2")
    objections = [
        setup.objection_receive(
            actor=staff,
            election=published,
            raised_by=who,
            received_on=D(2026, 12, 22),
            reason="已迁出",
            registration=reg,
        )
        for who in ("李某", "赵某")
    ]
    for objection in objections:
        setup.objection_answer(
            actor=staff,
            objection=objection,
            outcome="upheld",
            answered_on=D(2026, 12, 24),
            answer="经核实",
        )
    changes = list(setup.register_changes(published))
    assert [(c.kind, c.objection_id) for c in changes] == [("removed", objections[0].pk)]
    assert VoterObjection.objects.get(pk=objections[1].pk).outcome == "upheld"
    with pytest.raises(DomainError, match="选民2已不在选民名单中"):
        setup.register_correct(
            actor=staff, election=published, action="remove", reason="重复", registration=reg
        )
    assert RegisterChange.objects.count() == 1


def test_the_database_refuses_a_change_row_without_a_why(personas, published):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RegisterChange.objects.create(
            election=published,
            registration=published.registrations.first(),
            kind="changed",
            made_by=personas["staff_a"],
        )
