"""Key and difficult units' plans (一村一策) and the county's guidance groups (指导组)."""

import datetime
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from renewal.models import (
    DomainError,
    GuidanceGroup,
    GuidanceMember,
    GuidanceVisit,
    KeyUnitPlan,
    Region,
    RenewalRound,
    Unit,
    constraint_refusals,
)


def text(value, label: str, limit: int, *, required: bool = True) -> str:
    """The trimmed text of a field, refused when empty (if required) or too long."""
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"请填写{label}。")
    if len(value) > limit:
        raise DomainError(f"{label}不能超过 {limit} 个字。")
    return value


def with_plan(units, round_: RenewalRound):
    """Annotate ``has_plan``: the unit has a plan in the round."""
    return units.annotate(
        has_plan=Exists(KeyUnitPlan.objects.filter(unit_id=OuterRef("pk"), round=round_))
    )


@transaction.atomic
def plan_save(
    *,
    unit: Unit,
    round_: RenewalRound,
    content: str,
    measures: str,
    status: str,
    leader_name: str,
    leader_post: str,
) -> KeyUnitPlan:
    if round_.county_id != unit.county_id:
        raise DomainError("换届轮次与村(社区)不属于同一区县。")
    if status not in KeyUnitPlan.Status.values:
        raise DomainError("请选择方案状态。")
    if not unit.is_key:
        raise DomainError(f"{unit.name}未标为重点难点村，请先在村(社区)信息中标注并写明原因。")
    fields = {
        "content": text(content, "主要问题与工作目标", 4000),
        "measures": text(measures, "应对措施", 4000),
        "status": status,
        "leader_name": text(leader_name, "包联领导姓名", 40),
        "leader_post": text(leader_post, "包联领导职务", 60),
    }
    plan = KeyUnitPlan.objects.select_for_update().filter(round=round_, unit=unit).first()
    if plan is None:
        return KeyUnitPlan.objects.create(round=round_, unit=unit, **fields)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.save(update_fields=[*fields, "updated_at"])
    return plan


def group_save(
    *,
    county: Region,
    round_: RenewalRound,
    name: str,
    leader_name: str,
    leader_post: str,
    members: Sequence[tuple],
    units: Iterable[Unit],
    group: GuidanceGroup | None = None,
) -> GuidanceGroup:
    units = list(units)
    if round_.county_id != county.pk:
        raise DomainError("换届轮次不属于该区县。")
    for unit in units:
        if unit.county_id != county.pk:
            raise DomainError(f"“{unit.name}”不属于{county.name}。")
    if not members:
        raise DomainError("请至少填写一名指导组成员。")
    fields = {
        "name": text(name, "指导组名称", 40),
        "leader_name": text(leader_name, "组长姓名", 40),
        "leader_post": text(leader_post, "组长职务", 60),
    }
    with constraint_refusals(GuidanceGroup), transaction.atomic():
        clash = GuidanceGroup.objects.filter(round=round_, name=fields["name"])
        if group is not None:
            clash = clash.exclude(pk=group.pk)
        if clash.exists():
            raise DomainError(f"本轮换届已有名为“{fields['name']}”的指导组。")
        if group is None:
            group = GuidanceGroup.objects.create(county=county, round=round_, **fields)
        else:
            group = GuidanceGroup.objects.select_for_update().get(pk=group.pk)
            for key, value in fields.items():
                setattr(group, key, value)
            group.save(update_fields=list(fields))
        members_save(group, GuidanceMember, members)
        group.units.set(units)
    return group


def members_save(group, model, members: Sequence[tuple]) -> None:
    """A team's members as the form lists them, each (name, post, account) or (name, post,
    account, id of the member row it shows): rows kept as they are when unchanged, changed
    in place, added and deleted, so that a member keeps its row and its history.

    A row without an id (or with an id not of this team) takes an unclaimed member with the
    same name, post and account, else one with the same name, else it is new.
    """
    existing = {m.pk: m for m in model.objects.select_for_update().filter(group=group)}
    claimed: dict[int, tuple] = {}
    unplaced = []
    for row in members:
        name, post, user, *rest = row
        pk = rest[0] if rest else None
        if pk in existing and pk not in claimed:
            claimed[pk] = (name, post, user)
        else:
            unplaced.append((name, post, user))
    for same in (
        lambda m, n, p, u: (m.name, m.post, m.user_id) == (n, p, getattr(u, "pk", None)),
        lambda m, n, p, u: m.name == n,
    ):
        still = []
        for name, post, user in unplaced:
            match = next(
                (
                    m
                    for pk, m in existing.items()
                    if pk not in claimed and same(m, name, post, user)
                ),
                None,
            )
            if match is None:
                still.append((name, post, user))
            else:
                claimed[match.pk] = (name, post, user)
        unplaced = still
    gone = [pk for pk in existing if pk not in claimed]
    if gone:
        model.objects.filter(pk__in=gone).delete()
    for pk, (name, post, user) in claimed.items():
        member = existing[pk]
        if (member.name, member.post, member.user_id) != (name, post, getattr(user, "pk", None)):
            member.name, member.post, member.user = name, post, user
            member.save(update_fields=["name", "post", "user"])
    if unplaced:
        model.objects.bulk_create(
            [model(group=group, name=n, post=p, user=u) for n, p, u in unplaced]
        )


def visit_record(
    *,
    actor,
    group: GuidanceGroup,
    unit: Unit,
    visited_on: datetime.date | None,
    findings: str,
    follow_up: str = "",
) -> GuidanceVisit:
    if unit is None or not group.units.filter(pk=unit.pk).exists():
        raise DomainError("请选择本指导组包联的村(社区)。")
    if visited_on is None:
        raise DomainError("请填写走访日期。")
    if visited_on > timezone.localdate():
        raise DomainError("走访日期不能晚于今天。")
    return GuidanceVisit.objects.create(
        group=group,
        unit=unit,
        visited_on=visited_on,
        findings=text(findings, "发现问题", 2000),
        follow_up=text(follow_up, "跟进措施", 2000, required=False),
        recorded_by=actor,
    )
