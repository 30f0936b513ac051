"""The city's supervision groups (巡回督查组): a 市委组织部 team that tours the counties of the
city during their renewal, and the findings of its visits.

A group names the renewal year, not a round: rounds belong to one county each (see
SupervisionGroup), so each covered county must have its round of that year.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from renewal.aftercare.guidance import members_save, text
from renewal.models import (
    DomainError,
    Region,
    RenewalRound,
    SupervisionGroup,
    SupervisionMember,
    SupervisionVisit,
    Unit,
    constraint_refusals,
)


def _check_counties(city: Region, counties: list[Region], year: int) -> None:
    if not counties:
        raise DomainError("请至少选择一个督查区县。")
    for county in counties:
        if county.kind != Region.Kind.COUNTY or county.parent_id != city.pk:
            raise DomainError(f"“{county.name}”不属于{city.name}，不能列入督查范围。")
    with_round = set(
        RenewalRound.objects.filter(county__in=counties, year=year).values_list(
            "county_id", flat=True
        )
    )
    missing = [c.name for c in counties if c.pk not in with_round]
    if missing:
        raise DomainError(f"{'、'.join(missing)}尚未设立 {year} 年度的换届，不能列入督查范围。")


def group_save(
    *,
    city: Region,
    year: int | None,
    name: str,
    leader_name: str,
    leader_post: str,
    members: Sequence[tuple],
    counties: Iterable[Region],
    group: SupervisionGroup | None = None,
) -> SupervisionGroup:
    """Create or change a group; its members are saved in place from ``members`` (see
    ``members_save``)."""
    if city.kind != Region.Kind.CITY:
        raise DomainError("巡回督查组由市(州、盟)委组织部组建，请选择一个市。")
    if year is None or not 2000 <= year <= 2100:
        raise DomainError("请填写换届年度（例如 2026）。")
    counties = list(counties)
    _check_counties(city, counties, year)
    if not members:
        raise DomainError("请至少填写一名督查组成员。")
    fields = {
        "year": year,
        "name": text(name, "督查组名称", 40),
        "leader_name": text(leader_name, "组长姓名", 40),
        "leader_post": text(leader_post, "组长职务", 60),
    }
    with constraint_refusals(SupervisionGroup), transaction.atomic():
        clash = SupervisionGroup.objects.filter(city=city, year=year, name=fields["name"])
        if group is not None:
            clash = clash.exclude(pk=group.pk)
        if clash.exists():
            raise DomainError(f"本市 {year} 年度的换届已有名为“{fields['name']}”的巡回督查组。")
        if group is None:
            group = SupervisionGroup.objects.create(city=city, **fields)
        else:
            group = SupervisionGroup.objects.select_for_update().get(pk=group.pk)
            visited = (
                Region.objects.filter(supervision_visits__group=group)
                .exclude(pk__in=[c.pk for c in counties])
                .distinct()
            )
            if visited:
                names = "、".join(c.name for c in visited)
                raise DomainError(f"{names}已有本组的督查记录，不能移出督查范围。")
            if year != group.year and group.visits.exists():
                # A visit's round is its county's round of the group's year.
                raise DomainError("本组已有督查记录，不能再改换届年度。")
            for key, value in fields.items():
                setattr(group, key, value)
            group.save(update_fields=list(fields))
        members_save(group, SupervisionMember, members)
        group.counties.set(counties)
    return group


def visit_record(
    *,
    actor,
    group: SupervisionGroup,
    county: Region | None,
    unit: Unit | None = None,
    visited_on: datetime.date | None,
    findings: str,
    follow_up: str = "",
) -> SupervisionVisit:
    """A visit to a covered county, or to one of its units."""
    if county is None:
        raise DomainError("请选择督查的区县。")
    if not group.counties.filter(pk=county.pk).exists():
        raise DomainError(f"“{county.name}”不在本督查组的督查范围内。")
    if unit is not None and unit.county_id != county.pk:
        raise DomainError(f"“{unit.name}”不属于{county.name}。")
    if visited_on is None:
        raise DomainError("请填写督查日期。")
    if visited_on > timezone.localdate():
        raise DomainError("督查日期不能晚于今天。")
    return SupervisionVisit.objects.create(
        group=group,
        county=county,
        unit=unit,
        visited_on=visited_on,
        findings=text(findings, "发现问题", 2000),
        follow_up=text(follow_up, "整改要求与跟进", 2000, required=False),
        recorded_by=actor,
    )
