"""A unit's 村(居)民小组 and, per group, the 村(居)民代表 and 小组长 elected in the renewal.

The groups are data of the unit; the results belong to the round's villagers' election (the
representatives and leaders are its registered voters). The representatives' share of women
is checked against the rule pack (at least one third, 组织法 第二十五条).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from ballots.models import GroupOfficer, GroupVoteMethod, VillagersElection
from ballots.villagers import vote as vv
from renewal.models import DomainError, Person, Unit, VillagerGroup

# --- Pure rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WomenShare:
    total: int
    women: int
    den: int  # women must be at least 1/den of the representatives
    source: str

    @property
    def needed(self) -> int:
        return women_needed(self.total, self.den)

    @property
    def met(self) -> bool:
        return self.women >= self.needed

    def sentence(self) -> str:
        if not self.total:
            return "尚未登记代表。"
        verdict = "符合" if self.met else f"不符合，还差 {self.needed - self.women} 名"
        return (
            f"代表 {self.total} 名，其中妇女 {self.women} 名；妇女应占{self.den}分之一以上，"
            f"即至少 {self.needed} 名：{verdict}。"
        )


def women_needed(total: int, den: int) -> int:
    """At least one den-th of ``total``, rounded up (a third of 10 is 4)."""
    return math.ceil(total / den) if total and den else 0


def methods_allowed(pack_method: str) -> list[str]:
    if pack_method == GroupVoteMethod.EITHER:
        return list(GroupOfficer.Method.values)
    return [pack_method]


# --- Groups ---------------------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写小组名称。")
    return name[:40]


@transaction.atomic
def group_add(*, unit: Unit, name: str, households: int | None = None, actor=None):
    name = _clean_name(name)
    if VillagerGroup.objects.filter(unit=unit, name=name).exists():
        raise DomainError(f"本{unit.words['place']}已有“{name}”。")
    last = unit.villager_groups.order_by("-order").values_list("order", flat=True).first()
    try:
        with transaction.atomic():
            return VillagerGroup.objects.create(
                unit=unit, name=name, households=households, order=(last or 0) + 1
            )
    except IntegrityError:  # added by someone else a moment ago
        raise DomainError(f"本{unit.words['place']}已有“{name}”。") from None


@transaction.atomic
def group_update(*, group: VillagerGroup, name: str, households: int | None, order: int):
    group = VillagerGroup.objects.select_for_update().get(pk=group.pk)
    name = _clean_name(name)
    if VillagerGroup.objects.filter(unit_id=group.unit_id, name=name).exclude(pk=group.pk).exists():
        raise DomainError(f"已有名为“{name}”的小组。")
    group.name, group.households, group.order = name, households, order
    try:
        with transaction.atomic():
            group.save(update_fields=["name", "households", "order"])
    except IntegrityError:  # another group renamed to it a moment ago
        raise DomainError(f"已有名为“{name}”的小组。") from None
    return group


# --- Representatives and group leaders -------------------------------------------------------------


@transaction.atomic
def officer_add(
    *,
    election: VillagersElection,
    group: VillagerGroup,
    role: str,
    person: Person,
    method: str,
    elected_on: datetime.date,
    votes: int | None = None,
    actor=None,
) -> GroupOfficer:
    """Record one representative or group leader elected in ``group``."""
    election = vv._lock(election)
    if group.unit_id != election.unit_id:
        raise DomainError("该小组不属于本村(社区)。")
    if role not in GroupOfficer.Role.values:
        raise DomainError("请选择职务。")
    words = election.unit.words
    title = words["representative"] if role == GroupOfficer.Role.REPRESENTATIVE else words["leader"]
    pack = election.pack
    pack_method = (
        pack.representative_method
        if role == GroupOfficer.Role.REPRESENTATIVE
        else pack.group_leader_method
    )
    allowed = methods_allowed(pack_method)
    if method not in allowed:
        names = "或".join(GroupOfficer.Method(m).label for m in allowed)
        raise DomainError(f"按{pack.name}，{title}由{names}产生。")
    if elected_on > timezone.localdate():
        raise DomainError("推选日期不能晚于今天。")
    if not vv.registered_voters(election).filter(person=person).exists():
        raise DomainError(f"{person.name}不是本次选举的登记选民。")
    if (
        role == GroupOfficer.Role.LEADER
        and election.group_officers.filter(group=group, role=role).exists()
    ):
        raise DomainError(f"{group.name}已登记{title}。")
    if election.group_officers.filter(role=role, person=person).exists():
        raise DomainError(f"{person.name}已登记为{title}。")
    try:
        with transaction.atomic():
            return GroupOfficer.objects.create(
                election=election,
                group=group,
                role=role,
                person=person,
                method=method,
                votes=votes,
                elected_on=elected_on,
            )
    except IntegrityError:
        raise DomainError(f"{person.name}已登记为{title}。") from None


@transaction.atomic
def officer_remove(*, officer: GroupOfficer, actor=None) -> None:
    vv._lock(officer.election)
    officer.delete()


def women_share(election: VillagersElection) -> WomenShare:
    reps = election.group_officers.filter(role=GroupOfficer.Role.REPRESENTATIVE)
    return WomenShare(
        total=reps.count(),
        women=reps.filter(person__sex=Person.Sex.FEMALE).count(),
        den=election.pack.representatives_women_share_den,
        source=election.pack.bodies_source,
    )
