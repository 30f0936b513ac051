"""Cases (正风肃纪): a report becomes a case and moves through its stages.

A report becomes a case: received → assigned to a checking group → checked → concluded
→ notified (substantiated cases only). Each service locks the report, moves it through
Report.set_status, sets the next stage's deadline and saves named fields; pghistory keeps
the audit trail. Assigned officers get the per-case guardian grant that opens the
reporter's identity; officers taken off lose it.

A substantiated case disqualifies every open candidacy it names, through
candidates.services.candidacy_disqualify.

The pure rules (deadlines, compliance) are plain functions at the top; the rest loads data
and calls them.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, F, Q
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm

from candidates.models import Candidacy
from candidates.services import candidacy_disqualify, vetting_recheck_people
from discipline import access
from discipline.models import ProhibitionItem, Report
from renewal.kit import people
from renewal.kit.dates import start_of_day
from renewal.models import (
    DomainError,
    Profile,
    Region,
    Unit,
)

Status = Report.Status

# Calendar days allowed for each stage; override any of them with settings.DISCIPLINE_STAGE_DAYS.
DEFAULT_STAGE_DAYS = {"assign": 2, "check": 15, "conclude": 5, "notify": 7}
# The stage a report is in while it has each status (and whose deadline stage_due holds).
STAGE_OF = {
    Status.RECEIVED: "assign",
    Status.ASSIGNED: "check",
    Status.CHECKED: "conclude",
    Status.CONCLUDED: "notify",
}
OPEN_STATUSES = (Status.RECEIVED, Status.ASSIGNED, Status.CHECKED)
IDENTITY_PERM = f"discipline.{access.IDENTITY_PERM}"
REASON_MAX = 300  # Candidacy.status_reason and CandidacyLog.reason


# --- Pure rules ----------------------------------------------------------------------------


def stage_limits() -> dict[str, int]:
    return DEFAULT_STAGE_DAYS | dict(getattr(settings, "DISCIPLINE_STAGE_DAYS", {}) or {})


def due_after(start: datetime.date, stage: str, limits: Mapping[str, int]) -> datetime.date:
    return start + datetime.timedelta(days=limits[stage])


def is_finished(status: str, substantiated: bool | None) -> bool:
    """Notified, or concluded as not substantiated: nothing is due any more."""
    return status == Status.NOTIFIED or (status == Status.CONCLUDED and substantiated is False)


def compliance_percent(substantiated: int, notified: int) -> int | None:
    """发现一起、查处一起、通报一起: notified / substantiated; None when nothing is substantiated."""
    if not substantiated:
        return None
    return round(100 * notified / substantiated)


# --- Deadlines and overdue cases -------------------------------------------------------------


def received_due(received_at: datetime.datetime) -> datetime.date:
    """The deadline to assign a newly received report (for the intake service to store)."""
    return due_after(timezone.localdate(received_at), "assign", stage_limits())


def unfinished_q() -> Q:
    return Q(status__in=OPEN_STATUSES) | Q(status=Status.CONCLUDED, substantiated=True)


def overdue_q(today: datetime.date | None = None) -> Q:
    """Past its stage's deadline and not finished. A received report without a stored
    deadline counts from its receipt date."""
    today = today or timezone.localdate()
    assign_cutoff = today - datetime.timedelta(days=stage_limits()["assign"])
    late = Q(stage_due__lt=today) | Q(
        stage_due__isnull=True, status=Status.RECEIVED, received_at__lt=start_of_day(assign_cutoff)
    )
    return unfinished_q() & late


def effective_due(report: Report) -> datetime.date | None:
    if report.stage_due or is_finished(report.status, report.substantiated):
        return report.stage_due
    if report.status == Status.RECEIVED:
        return received_due(report.received_at)
    return None


# --- Case services ---------------------------------------------------------------------------


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update(of=("self",)).select_related("county").get(pk=report.pk)


def _require_open(report: Report, what: str) -> None:
    if report.status not in OPEN_STATUSES:
        raise DomainError(f"案件已{report.get_status_display()}，不能再{what}。")


def officers_for_county(county: Region):
    """The discipline officers who hold the county (candidates for a checking group)."""
    return (
        get_users_with_perms(
            county,
            only_with_perms_in=["view_region"],
            with_superusers=False,
            with_group_users=False,
        )
        .filter(profile__role=Profile.Role.DISCIPLINE_OFFICER)
        .order_by("username")
    )


@transaction.atomic
def case_link(*, actor, report: Report, units: Iterable[Unit], candidacies: Iterable[Candidacy]):
    """Name the units and candidacies a case concerns (before it is concluded)."""
    report = _locked(report)
    _require_open(report, "修改涉及的村(社区)和候选人")
    units, candidacies = list(units), list(candidacies)
    for unit in units:
        if unit.county_id != report.county_id:
            raise DomainError(f"{unit.name}不在本案所属区县，不能关联。")
    for c in candidacies:
        if c.unit.county_id != report.county_id:
            raise DomainError(f"{c.person.name}不是本县的人选，不能关联。")
    unit_ids = {u.pk for u in units} | {c.unit_id for c in candidacies}
    report.units.set(unit_ids)
    report.candidacies.set(candidacies)
    return report


@transaction.atomic
def case_assign(*, actor, report: Report, officers: Iterable, check_group: str) -> Report:
    """Assign (or reassign) the checking group; grant each officer the reporter's identity
    on this case and take it back from officers removed."""
    report = _locked(report)
    officers = list(officers)
    check_group = (check_group or "").strip()
    if report.status not in (Status.RECEIVED, Status.ASSIGNED, Status.CHECKED):
        raise DomainError(f"案件已{report.get_status_display()}，不能再调整核查组。")
    if not check_group:
        raise DomainError("请填写核查组名称。")
    if not officers:
        raise DomainError("请至少指定一名承办人员。")
    for officer in officers:
        if report.county_id not in access.discipline_counties(officer):
            raise DomainError(f"{people.person_name(officer)}不是本县纪检监察人员。")
    fields = ["check_group"]
    if report.status == Status.RECEIVED:
        report.set_status(Status.ASSIGNED)
        report.assigned_at = timezone.now()
        report.stage_due = due_after(timezone.localdate(), "check", stage_limits())
        fields += ["status", "assigned_at", "stage_due"]
    report.check_group = check_group[:60]
    report.save(update_fields=fields)
    before = set(report.officers.all())
    report.officers.set(officers)
    for officer in before - set(officers):
        remove_perm(IDENTITY_PERM, officer, report)
    for officer in officers:
        assign_perm(IDENTITY_PERM, officer, report)
    return report


@transaction.atomic
def case_check(*, actor, report: Report, findings: str) -> Report:
    report = _locked(report)
    findings = (findings or "").strip()
    if not findings:
        raise DomainError("请填写核查情况。")
    report.set_status(Status.CHECKED)
    report.check_findings, report.checked_at = findings, timezone.now()
    report.stage_due = due_after(timezone.localdate(), "conclude", stage_limits())
    report.save(update_fields=["status", "check_findings", "checked_at", "stage_due"])
    return report


def allowed_items(report: Report):
    """The prohibition items a case of this county may cite."""
    return ProhibitionItem.objects.filter(catalogue__is_active=True).filter(
        Q(catalogue__county__isnull=True) | Q(catalogue__county_id=report.county_id)
    )


def disqualify_reason(items: Iterable[ProhibitionItem]) -> str:
    cited = "；".join(str(i) for i in items)
    return f"纪律核查属实：{cited}"[:REASON_MAX]


@transaction.atomic
def case_conclude(
    *, actor, report: Report, substantiated: bool, items: Iterable = (), action_taken: str = ""
) -> Report:
    """Conclude the check; a substantiated case disqualifies every open candidacy it names."""
    report = _locked(report)
    items = sorted(items, key=lambda i: (i.catalogue_id, i.number))
    action_taken = (action_taken or "").strip()
    report.set_status(Status.CONCLUDED)
    if substantiated and not items:
        raise DomainError("查实的案件请勾选违反的纪律条目。")
    if substantiated and not action_taken:
        raise DomainError("查实的案件请填写处理结果。")
    if not substantiated and items:
        raise DomainError("不属实的案件不能勾选违反的纪律条目。")
    allowed = set(allowed_items(report).filter(pk__in=[i.pk for i in items]))
    if len(allowed) != len(set(items)):
        raise DomainError("所选纪律条目不适用于本县。")
    report.substantiated, report.action_taken = substantiated, action_taken
    report.concluded_at = timezone.now()
    report.stage_due = (
        due_after(timezone.localdate(), "notify", stage_limits()) if substantiated else None
    )
    report.save(
        update_fields=["status", "substantiated", "action_taken", "concluded_at", "stage_due"]
    )
    report.items.set(items)
    named = list(report.candidacies.exclude(status__in=Candidacy.CLOSED).select_related("person"))
    if substantiated:
        reason = disqualify_reason(items)
        for candidacy in named:
            candidacy_disqualify(
                actor=actor, candidacy=candidacy, reason=reason, action="纪律案件查实取消资格"
            )
    else:  # the open-case flag is gone: their vetting may go on
        vetting_recheck_people(actor=actor, people={c.person for c in named})
    return report


@transaction.atomic
def case_notify(*, actor, report: Report, notified_on: datetime.date, scope: str) -> Report:
    report = _locked(report)
    scope = (scope or "").strip()
    if not scope:
        raise DomainError("请填写通报范围。")
    if notified_on is None:
        raise DomainError("请填写通报日期。")
    if notified_on > timezone.localdate():
        raise DomainError("通报日期不能晚于今天。")
    if report.concluded_at and notified_on < timezone.localdate(report.concluded_at):
        raise DomainError("通报日期不能早于办结日期。")
    report.set_status(Status.NOTIFIED)
    report.notified_on, report.notice_scope, report.stage_due = notified_on, scope[:100], None
    report.save(update_fields=["status", "notified_on", "notice_scope", "stage_due"])
    return report


# --- Dashboard figures -----------------------------------------------------------------------


class _Empty(dict):
    """The figures of a township without any case."""

    def __missing__(self, key):
        return None if key == "close_time" else 0


_EMPTY = _Empty()
AGE_BUCKETS = [
    (0, 7, "7 天以内"),
    (8, 15, "8–15 天"),
    (16, 30, "16–30 天"),
    (31, None, "30 天以上"),
]


@dataclass
class TownshipFigures:
    township_id: int | None
    name: str
    open: int = 0
    ages: list[int] = field(default_factory=lambda: [0] * len(AGE_BUCKETS))
    overdue: int = 0
    closed: int = 0
    close_days: float | None = None
    substantiated: int = 0
    notified: int = 0

    @property
    def compliance(self) -> int | None:
        return compliance_percent(self.substantiated, self.notified)


def _figure_annotations(today: datetime.date) -> dict:
    open_q = Q(status__in=OPEN_STATUSES)
    annotations = {
        "open": Count("id", filter=open_q),
        "overdue": Count("id", filter=overdue_q(today)),
        "closed": Count("id", filter=Q(concluded_at__isnull=False)),
        "close_time": Avg(
            F("concluded_at") - F("received_at"), filter=Q(concluded_at__isnull=False)
        ),
        "substantiated": Count("id", filter=Q(substantiated=True)),
        "notified": Count("id", filter=Q(status=Status.NOTIFIED)),
    }
    for index, (low, high, _label) in enumerate(AGE_BUCKETS):
        window = Q(received_at__lt=start_of_day(today - datetime.timedelta(days=low - 1)))
        if high is not None:
            window &= Q(received_at__gte=start_of_day(today - datetime.timedelta(days=high)))
        annotations[f"age{index}"] = Count("id", filter=open_q & window)
    return annotations


def _fill(figures: TownshipFigures, row: Mapping) -> TownshipFigures:
    figures.open, figures.overdue, figures.closed = row["open"], row["overdue"], row["closed"]
    figures.substantiated, figures.notified = row["substantiated"], row["notified"]
    figures.ages = [row[f"age{i}"] for i in range(len(AGE_BUCKETS))]
    if row["close_time"] is not None:
        figures.close_days = round(row["close_time"].total_seconds() / 86400, 1)
    return figures


def dashboard_figures(user, *, today: datetime.date | None = None) -> dict:
    """Per township of the officer's counties, and in total: open cases by age, overdue,
    time to close and notice compliance. Three queries, whatever the number of cases."""
    today = today or timezone.localdate()
    reports = access.reports_visible_to(user)
    annotations = _figure_annotations(today)
    by_township = {
        row["township_id"]: row
        for row in reports.values("township_id").annotate(**annotations).order_by()
    }
    townships = Region.objects.filter(parent_id__in=access.discipline_counties(user)).order_by(
        "code"
    )
    rows = [_fill(TownshipFigures(t.pk, t.name), by_township.get(t.pk, _EMPTY)) for t in townships]
    if None in by_township:
        rows.append(_fill(TownshipFigures(None, "县级（未定乡镇）"), by_township[None]))
    total = _fill(TownshipFigures(None, "合计"), reports.aggregate(**annotations))
    return {"rows": rows, "total": total, "buckets": [label for *_x, label in AGE_BUCKETS]}
