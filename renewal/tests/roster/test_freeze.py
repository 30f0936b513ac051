"""Once a congress's attendance roster is taken from the branch's roster, the roster is
frozen: changes only as corrections with a reason, each on record; the import is refused."""

import datetime

import pytest

from ballots.congress.services import congress_create, roster_changes
from renewal.kit.idcard import make_id_number
from renewal.models import DomainError, PartyMember, RosterChange
from renewal.roster import services
from renewal.roster.services import RosterError

D = datetime.date
TODAY = D(2026, 3, 10)
FROZEN = "名册已冻结"


def member_id(n):
    return make_id_number("152622", D(1970, 1, n), n, "M")


def add(branch, n, **kw):
    return services.member_add(
        branch=branch,
        id_number=member_id(n),
        name=f"党员{n}",
        status="full",
        joined_on=D(2000, 7, 1),
        today=TODAY,
        **kw,
    )


def update(member, **kw):
    values = {
        "status": member.status,
        "joined_on": member.joined_on,
        "regularized_on": None,
        "on_probation": False,
        "probation_until": None,
        "transferred_in_on": None,
        "left_on": None,
    }
    return services.member_update(member=member, today=TODAY, **{**values, **kw})


@pytest.fixture
def frozen(world):
    branch = world["unit_a1"].branch
    member = add(branch, 1)
    congress = congress_create(unit=world["unit_a1"], held_on=TODAY, place="村部", chair="主持人")
    return branch, member, congress


def test_without_a_congress_the_roster_changes_freely_and_nothing_is_recorded(world):
    branch = world["unit_a1"].branch
    member = add(branch, 1)
    update(member, left_on=D(2026, 1, 5))
    assert services.open_congress(branch) is None
    assert not RosterChange.objects.exists()


def test_direct_changes_are_refused_while_the_attendance_is_open(frozen):
    branch, member, _congress = frozen
    with pytest.raises(RosterError, match=FROZEN) as refused:
        add(branch, 2)
    assert "reason" in refused.value.fields
    with pytest.raises(RosterError, match=FROZEN):
        update(member, left_on=D(2026, 3, 1))
    with pytest.raises(DomainError, match="不能导入名册文件"):
        services.member_import(
            branch=branch,
            id_number=member_id(3),
            name="党员3",
            status="full",
            joined_on=D(2000, 7, 1),
            regularized_on=None,
            today=TODAY,
        )
    member.refresh_from_db()
    assert member.left_on is None
    assert PartyMember.objects.filter(branch=branch).count() == 1
    assert not RosterChange.objects.exists()


def test_corrections_apply_and_are_recorded_with_who_and_why(frozen, personas):
    branch, member, congress = frozen
    staff = personas["staff_a"]
    update(member, left_on=D(2026, 3, 1), reason="已转出，漏登转出日期", actor=staff)
    late = add(branch, 2, reason="转入手续已办，漏登", actor=staff, transferred_in_on=D(2026, 2, 1))
    services.member_remove(member=late, reason="误录", actor=staff)
    member.refresh_from_db()
    assert member.left_on == D(2026, 3, 1)
    changes = list(roster_changes(congress))
    assert [(c.kind, c.person.name, c.reason, c.made_by) for c in changes] == [
        ("changed", "党员1", "已转出，漏登转出日期", staff),
        ("added", "党员2", "转入手续已办，漏登", staff),
        ("removed", "党员2", "误录", staff),
    ]
    assert changes[0].detail == "组织关系转出日期由未填改为2026-03-01"


def test_a_refused_correction_saves_nothing(frozen, personas):
    branch, member, _congress = frozen
    late = add(branch, 2, reason="漏登", actor=personas["staff_a"])
    with pytest.raises(RosterError, match=FROZEN):
        services.member_remove(member=late)
    assert PartyMember.objects.filter(pk=late.pk).exists()
    update(member)  # saved unchanged: nothing to correct, nothing recorded
    assert RosterChange.objects.count() == 1


def test_the_freeze_ends_with_the_approval(frozen):
    branch, _member, congress = frozen
    type(congress).objects.filter(pk=congress.pk).update(status="approved")
    assert services.open_congress(branch) is None
    add(branch, 2)
