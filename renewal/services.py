"""Services: every write of region, unit, round and seat data goes through here."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm, remove_perm

from renewal import progress
from renewal.models import (
    DEFAULT_STAGES,
    Body,
    DomainError,
    PartyBranch,
    Profile,
    Region,
    RenewalRound,
    RiskPoint,
    SeatChange,
    Stage,
    Unit,
    UnitSeats,
)
from renewal.selectors import active_round

UNIT_FIELDS = (
    "name",
    "kind",
    "population",
    "households",
    "groups",
    "is_key",
    "key_reasons",
    "risk_assessed_on",
)


# --- Units ------------------------------------------------------------------------------


@transaction.atomic
def unit_create(*, township: Region, code: str, **fields) -> Unit:
    if township.is_county:
        raise DomainError("村(社区)必须归属于乡镇或街道。")
    if Unit.objects.filter(code=code).exists():
        raise DomainError(f"区划代码 {code} 已被其他村(社区)使用。")
    unit = Unit(township=township, county_id=township.parent_id, code=code, **fields)
    unit.full_clean()
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        raise DomainError(f"区划代码 {code} 已被其他村(社区)使用。") from None
    PartyBranch.objects.create(unit=unit, name=f"中共{unit.name}支部委员会")
    rnd = active_round(unit.county_id)
    if rnd:
        UnitSeats.objects.create(
            round=rnd,
            unit=unit,
            party=rnd.party_seats_default,
            villagers=rnd.villagers_seats_default,
        )
    unit_refresh_stage(unit=unit)
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, **fields) -> Unit:
    unit = Unit.objects.select_for_update().select_related("township").get(pk=unit.pk)
    for name, value in fields.items():
        if name not in UNIT_FIELDS:
            raise DomainError(f"字段 {name} 不能在此修改。")
        setattr(unit, name, value)
    unit.full_clean()
    unit.save(update_fields=[*fields, "updated_at"])
    unit_refresh_stage(unit=unit)
    return unit


@transaction.atomic
def risk_point_add(*, unit: Unit, category: str, description: str) -> RiskPoint:
    point = RiskPoint(unit=unit, category=category, description=description.strip())
    point.full_clean()
    point.save()
    return point


@transaction.atomic
def risk_point_delete(*, point: RiskPoint) -> None:
    point.delete()


@transaction.atomic
def branch_update(*, branch: PartyBranch, name: str, kind: str):
    """The branch's name and kind; its members are kept on the roster (renewal.roster)."""
    branch = PartyBranch.objects.select_for_update().get(pk=branch.pk)
    branch.name, branch.kind = name, kind
    branch.full_clean()
    branch.save(update_fields=["name", "kind"])
    return branch


# --- Stages ----------------------------------------------------------------------------


def units_refresh_stages(*, county: Region, units=None, day: datetime.date | None = None) -> int:
    """Recompute the derived stage of a county's units (all, or the given queryset).

    The stage follows from the recorded facts and the registered stage checks as of the
    end of ``day`` (today by default); only units whose stage changed are written.
    """
    rnd = active_round(county.pk)
    qs = units if units is not None else Unit.objects.filter(county=county)
    current = dict(qs.values_list("pk", "stage"))
    derived = progress.unit_stages(rnd, list(current), day or timezone.localdate())
    by_stage: dict[str, list[int]] = {}
    for pk, stage in derived.items():
        if stage != current[pk]:
            by_stage.setdefault(stage, []).append(pk)
    changed = 0
    for stage, pks in by_stage.items():
        for part in progress.chunks(pks):
            changed += Unit.objects.filter(pk__in=part).update(stage=stage)
    return changed


def unit_refresh_stage(*, unit: Unit) -> None:
    units_refresh_stages(county=unit.county, units=Unit.objects.filter(pk=unit.pk))


def unit_stage_overdue(unit_stage: str, due_dates: dict[str, datetime.date], today) -> bool:
    due = due_dates.get(unit_stage)
    return due is not None and due < today


# --- Rounds -----------------------------------------------------------------------------


@transaction.atomic
def round_open(*, county: Region, year: int, **settings):
    """Open a county's renewal round: default timetable and default seats for every unit."""
    if not county.is_county:
        raise DomainError("换届轮次只能在区县一级设立。")
    if RenewalRound.objects.filter(county=county, year=year).exists():
        raise DomainError(f"{county.name}已设立 {year} 年换届。")
    RenewalRound.objects.filter(county=county, is_active=True).update(is_active=False)
    rnd = RenewalRound(county=county, year=year, **settings)
    rnd.full_clean()
    rnd.save()
    Stage.objects.bulk_create(
        Stage(round=rnd, code=code, name=name, order=i + 1)
        for i, (code, name) in enumerate(DEFAULT_STAGES)
    )
    unit_ids = Unit.objects.filter(county=county).values_list("pk", flat=True)
    UnitSeats.objects.bulk_create(
        (
            UnitSeats(
                round=rnd,
                unit_id=pk,
                party=rnd.party_seats_default,
                villagers=rnd.villagers_seats_default,
            )
            for pk in unit_ids.iterator()
        ),
        batch_size=5000,
    )
    units_refresh_stages(county=county)
    return rnd


@transaction.atomic
def timetable_update(*, rnd: RenewalRound, stages: list[dict]) -> None:
    """stages: [{"id", "name", "due_date", "enabled"}]; due dates must not go backwards."""
    current = {s.pk: s for s in Stage.objects.select_for_update().filter(round=rnd)}
    last_due, last_name = None, None
    for row in sorted(stages, key=lambda r: current[r["id"]].order):
        if row.get("enabled") and row.get("due_date"):
            if last_due and row["due_date"] < last_due:
                raise DomainError(
                    f"“{row['name']}”的完成时限 {row['due_date']:%Y-%m-%d} "
                    f"早于前一阶段“{last_name}”的 {last_due:%Y-%m-%d}。"
                )
            last_due, last_name = row["due_date"], row["name"]
    if not any(r.get("enabled") for r in stages):
        raise DomainError("至少要启用一个阶段。")
    for row in stages:
        stage = current[row["id"]]
        stage.name, stage.due_date, stage.enabled = row["name"], row["due_date"], row["enabled"]
        stage.save(update_fields=["name", "due_date", "enabled"])
    units_refresh_stages(county=rnd.county)


# --- Seats ------------------------------------------------------------------------------


@transaction.atomic
def seat_change_request(*, actor, unit: Unit, body: str, requested: int, reason: str):
    """A change up to the county default applies at once (recorded); above it, two approvals."""
    rnd = active_round(unit.county_id)
    if rnd is None:
        raise DomainError("本县尚未设立换届轮次，不能调整职数。")
    seats = UnitSeats.objects.select_for_update().get(round=rnd, unit=unit)
    if not rnd.seats_min <= requested <= rnd.seats_max:
        raise DomainError(f"职数应在 {rnd.seats_min} 至 {rnd.seats_max} 名之间。")
    current = seats.for_body(body)
    if requested == current:
        raise DomainError(f"申请职数与现有职数 {current} 名相同，无需调整。")
    if not reason.strip():
        raise DomainError("请写明调整职数的理由。")
    if SeatChange.objects.filter(
        round=rnd, unit=unit, body=body, status__in=["pending_township", "pending_county"]
    ).exists():
        raise DomainError(f"{unit.name}的{Body(body).label}职数已有一项申请在审批中。")
    needs_approval = requested > rnd.default_seats(body)
    change = SeatChange.objects.create(
        round=rnd,
        unit=unit,
        body=body,
        previous=current,
        requested=requested,
        reason=reason.strip(),
        requested_by=actor,
        status=SeatChange.Status.PENDING_TOWNSHIP if needs_approval else SeatChange.Status.APPROVED,
    )
    if not needs_approval:
        _apply_seats(seats, body, requested)
    unit_refresh_stage(unit=unit)
    return change


def _apply_seats(seats: UnitSeats, body: str, value: int) -> None:
    setattr(seats, body, value)
    seats.save(update_fields=[body])


@transaction.atomic
def seat_change_decide(*, actor, change: SeatChange, approve: bool, comment: str = ""):
    change = SeatChange.objects.select_for_update().select_related("unit").get(pk=change.pk)
    now = timezone.now()
    if change.status == SeatChange.Status.PENDING_TOWNSHIP:
        change.set_status(
            SeatChange.Status.PENDING_COUNTY if approve else SeatChange.Status.REJECTED
        )
        change.township_decided_by, change.township_decided_at = actor, now
        change.township_comment = comment.strip()
        fields = ["status", "township_decided_by", "township_decided_at", "township_comment"]
    elif change.status == SeatChange.Status.PENDING_COUNTY:
        if change.township_decided_by_id == actor.pk:
            raise DomainError("乡镇审批人不能再作县级审批。")
        change.set_status(SeatChange.Status.APPROVED if approve else SeatChange.Status.REJECTED)
        change.county_decided_by, change.county_decided_at = actor, now
        change.county_comment = comment.strip()
        fields = ["status", "county_decided_by", "county_decided_at", "county_comment"]
    else:
        raise DomainError("该申请已经办结，不能再审批。")
    if not approve and not comment.strip():
        raise DomainError("不批准时请写明意见。")
    change.save(update_fields=fields)
    if change.status == SeatChange.Status.APPROVED:
        seats = UnitSeats.objects.select_for_update().get(round=change.round, unit=change.unit)
        _apply_seats(seats, change.body, change.requested)
    unit_refresh_stage(unit=change.unit)
    return change


# --- Accounts ---------------------------------------------------------------------------

ROLE_PERMS = {
    Profile.Role.TOWNSHIP_STAFF: ("view_region", "change_region"),
    Profile.Role.TOWNSHIP_LEADER: ("view_region", "change_region", "approve_region"),
    Profile.Role.COUNTY_REVIEWER: ("view_region", "approve_region"),
    # Above the county the organisation departments read and rank; approvals stay with
    # the county, so their grant is read-only. The city's one write is its own supervision
    # groups (巡回督查组), a grant of its own so that it reaches nothing of the counties'.
    Profile.Role.CITY_REVIEWER: ("view_region", "supervise_region"),
    Profile.Role.PROVINCE_REVIEWER: ("view_region",),
    Profile.Role.DISCIPLINE_OFFICER: ("view_region",),
    Profile.Role.DEPARTMENT_USER: (),
    Profile.Role.ADMIN: (),
}
REGION_PERMS = ("view_region", "change_region", "approve_region", "supervise_region")
# The region kinds each role is bound to, and the sentence when the region does not fit.
ROLE_REGION_KIND = {
    Profile.Role.TOWNSHIP_STAFF: (
        ("township", "subdistrict"),
        "乡镇(街道)人员必须绑定一个乡镇或街道。",
    ),
    Profile.Role.TOWNSHIP_LEADER: (
        ("township", "subdistrict"),
        "乡镇(街道)人员必须绑定一个乡镇或街道。",
    ),
    Profile.Role.COUNTY_REVIEWER: (("county",), "县级人员必须绑定一个区县。"),
    Profile.Role.CITY_REVIEWER: (("city",), "市级人员必须绑定一个市(州、盟)。"),
    Profile.Role.PROVINCE_REVIEWER: (("province",), "省级人员必须绑定一个省(自治区、直辖市)。"),
    Profile.Role.DISCIPLINE_OFFICER: (
        ("county", "city", "province"),
        "纪检监察人员必须绑定一个区县或其上级区域。",
    ),
}


def role_assignment_check(*, role: str, region: Region | None, department) -> None:
    kinds, message = ROLE_REGION_KIND.get(role, ((), ""))
    if kinds and (region is None or region.kind not in kinds):
        raise DomainError(message)
    if role == Profile.Role.DEPARTMENT_USER and department is None:
        raise DomainError("联审部门人员必须指定所属部门。")


@transaction.atomic
def account_assign_role(*, user, role: str, region: Region | None = None, department=None):
    """Set a user's role and replace their region grants to match it."""
    role_assignment_check(role=role, region=region, department=department)
    if role not in ROLE_REGION_KIND:
        region = None
    if role != Profile.Role.DEPARTMENT_USER:
        department = None
    Profile.objects.update_or_create(
        user=user, defaults={"role": role, "region": region, "department": department}
    )
    for old in _regions_with_grants(user):
        for perm in REGION_PERMS:
            remove_perm(f"renewal.{perm}", user, old)
    for perm in ROLE_PERMS[role]:
        assign_perm(f"renewal.{perm}", user, region)
    user.is_staff = role == Profile.Role.ADMIN
    user.is_superuser = role == Profile.Role.ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])
    for cache in ("_region_grants", "_region_direct", "_region_split", "_region_tree"):
        user.__dict__.pop(cache, None)
    return user


def _regions_with_grants(user):
    ids = UserObjectPermission.objects.filter(
        user=user, content_type__app_label="renewal", content_type__model="region"
    ).values_list("object_pk", flat=True)
    return list(Region.objects.filter(pk__in=[int(i) for i in ids]))
