"""Cases, pledges and talks (正风肃纪, domain.md §8).

A report becomes a case: received → assigned to a checking group → checked → concluded
→ notified (substantiated cases only). Each service locks the report, moves it through
Report.set_status, sets the next stage's deadline and saves named fields; pghistory keeps
the audit trail. Assigned officers get the per-case guardian grant that opens the
reporter's identity; officers taken off lose it.

A substantiated case disqualifies every open candidacy it names, and a refused pledge
disqualifies its candidacy, both through candidates.services.candidacy_disqualify.

The pure rules (deadlines, compliance, who must be talked with) are plain functions at
the top; the rest loads data and calls them.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, F, Q
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm

from ballots.models import Congress, ElectionRound
from candidates.models import Candidacy
from candidates.services import candidacy_disqualify
from discipline import access
from discipline.models import Pledge, ProhibitionItem, Report, Talk
from renewal.kit.dates import start_of_day
from renewal.models import (
    Body,
    DomainError,
    Person,
    Post,
    Profile,
    Region,
    RenewalRound,
    Term,
    TermMember,
    Unit,
)
from renewal.selectors import active_round

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


def talk_targets(
    *,
    candidates: set[int],
    members: Mapping[str, set[int]],
    elected: Mapping[str, set[int] | None],
) -> tuple[set[int], set[int], list[str]]:
    """Who must be talked with (person ids), before and after the election.

    Before: every open candidate and every current committee member. After: the current
    members of each committee who were not re-elected; a committee whose election has no
    result yet (elected is None) is listed as pending instead.
    """
    before = set(candidates).union(*members.values())
    after: set[int] = set()
    pending = []
    for body, people in members.items():
        if not people:
            continue
        won = elected.get(body)
        if won is None:
            pending.append(body)
        else:
            after |= people - won
    return before, after, pending


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
            raise DomainError(
                f"{officer.get_full_name() or officer.username}不是本县纪检监察人员。"
            )
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
    if substantiated:
        reason = disqualify_reason(items)
        for candidacy in report.candidacies.exclude(status__in=Candidacy.CLOSED):
            candidacy_disqualify(
                actor=actor, candidacy=candidacy, reason=reason, action="纪律案件查实取消资格"
            )
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


# --- Pledges -------------------------------------------------------------------------------


@transaction.atomic
def pledge_record(
    *,
    actor,
    candidacy: Candidacy,
    signed_on: datetime.date | None = None,
    refused: bool = False,
    note: str = "",
) -> Pledge:
    """Record the 换届纪律承诺书: signed on a date, or refused (which disqualifies)."""
    candidacy = (
        Candidacy.objects.select_for_update(of=("self",))
        .select_related("person", "unit")
        .get(pk=candidacy.pk)
    )
    note = (note or "").strip()[:200]
    if candidacy.is_closed:
        raise DomainError(
            f"{candidacy.person.name}当前为“{candidacy.get_status_display()}”，不能登记承诺书。"
        )
    if refused and signed_on:
        raise DomainError("拒签时不填写签订日期。")
    if not refused and not signed_on:
        raise DomainError("请填写承诺书签订日期。")
    if signed_on and signed_on > timezone.localdate():
        raise DomainError("签订日期不能晚于今天。")
    pledge, _created = Pledge.objects.update_or_create(
        candidacy=candidacy,
        defaults={
            "signed_on": None if refused else signed_on,
            "refused": refused,
            "note": note,
            "recorded_by": actor,
        },
    )
    if refused:
        reason = "拒签换届纪律承诺书" + (f"：{note}" if note else "")
        candidacy_disqualify(
            actor=actor,
            candidacy=candidacy,
            reason=reason[:REASON_MAX],
            action="拒签换届纪律承诺书",
        )
    return pledge


# --- Talks and coverage ----------------------------------------------------------------------


@dataclass
class CandidacyRow:
    pk: int
    person_id: int
    name: str
    body: str
    post: str
    signed_on: datetime.date | None
    refused: bool

    @property
    def post_label(self):
        return Post(self.post).label


@dataclass
class UnitDiscipline:
    """A unit's pledges and talks: who must sign or be talked with, and who has."""

    unit: Unit
    candidacies: list[CandidacyRow] = field(default_factory=list)
    refused: int = 0
    names: dict[int, str] = field(default_factory=dict)
    before: set[int] = field(default_factory=set)
    after: set[int] = field(default_factory=set)
    pending: list[str] = field(default_factory=list)
    talked_before: set[int] = field(default_factory=set)
    talked_after: set[int] = field(default_factory=set)

    @property
    def pledged(self) -> int:
        return sum(1 for c in self.candidacies if c.signed_on)

    @property
    def before_done(self) -> int:
        return len(self.before & self.talked_before)

    @property
    def after_done(self) -> int:
        return len(self.after & self.talked_after)

    @property
    def pending_labels(self) -> list[str]:
        return [
            self.unit.committee_label if b == Body.VILLAGERS else Body(b).label
            for b in self.pending
        ]

    @property
    def election_unfinished(self) -> bool:
        """No committee has a result yet: there is nobody to talk with after it."""
        return bool(self.pending) and not self.after

    def people(self, ids: set[int]) -> list[tuple[int, str]]:
        return sorted(((pk, self.names.get(pk, "")) for pk in ids), key=lambda p: (p[1], p[0]))


def unit_discipline(units: list[Unit]) -> list[UnitDiscipline]:
    """Pledges and talk coverage for a page of units in five queries."""
    data = {u.pk: UnitDiscipline(unit=u) for u in units}
    ids = list(data)
    party_names: dict[int, dict[str, set[int]]] = {}  # unit -> name -> people
    for pk, unit_id, person_id, name, body, post, status, signed_on, refused in (
        Candidacy.objects.filter(unit_id__in=ids, round__is_active=True)
        .order_by("body", "post", "id")
        .values_list(
            "pk",
            "unit_id",
            "person_id",
            "person__name",
            "body",
            "post",
            "status",
            "pledge__signed_on",
            "pledge__refused",
        )
    ):
        d = data[unit_id]
        d.names[person_id] = name
        if refused:
            d.refused += 1
        if body == Body.PARTY:
            party_names.setdefault(unit_id, {}).setdefault(name, set()).add(person_id)
        if status not in Candidacy.CLOSED:
            d.candidacies.append(
                CandidacyRow(pk, person_id, name, body, post, signed_on, bool(refused))
            )
    active_rounds = RenewalRound.objects.filter(
        county_id__in={u.county_id for u in units}, is_active=True
    )
    # The committees in office before this renewal: the latest term not elected by it.
    latest_terms = {
        term_id: (unit_id, body)
        for term_id, unit_id, body in Term.objects.filter(unit_id__in=ids)
        .exclude(round__in=active_rounds)
        .order_by("unit_id", "body", "-elected_on")
        .distinct("unit_id", "body")
        .values_list("id", "unit_id", "body")
    }
    members: dict[int, dict[str, set[int]]] = {pk: {} for pk in ids}
    for term_id, person_id, name in TermMember.objects.filter(
        term_id__in=list(latest_terms)
    ).values_list("term_id", "person_id", "person__name"):
        unit_id, body = latest_terms[term_id]
        members[unit_id].setdefault(body, set()).add(person_id)
        data[unit_id].names[person_id] = name
    elected: dict[int, dict[str, set[int] | None]] = {pk: {} for pk in ids}
    # The party committee's result is read from its counted rounds (known before approval);
    # the villagers' committee's once its approved result wrote the round's term.
    for unit_id, result in ElectionRound.objects.filter(
        congress__unit_id__in=ids,
        congress__round__is_active=True,
        congress__status__in=[Congress.Status.REPORTED, Congress.Status.APPROVED],
        kind=ElectionRound.Kind.COMMITTEE,
        status=ElectionRound.Status.COUNTED,
    ).values_list("congress__unit_id", "result"):
        won = elected[unit_id].setdefault(Body.PARTY, set())
        for name in (result or {}).get("elected", []):
            won |= party_names.get(unit_id, {}).get(name, set())
    for unit_id, person_id in TermMember.objects.filter(
        term__unit_id__in=ids, term__round__in=active_rounds, term__body=Body.VILLAGERS
    ).values_list("term__unit_id", "person_id"):
        elected[unit_id].setdefault(Body.VILLAGERS, set()).add(person_id)
    talks = Talk.objects.filter(unit_id__in=ids, round__in=active_rounds)
    for unit_id, person_id, phase in talks.values_list("unit_id", "person_id", "phase"):
        d = data[unit_id]
        (d.talked_before if phase == Talk.Phase.BEFORE else d.talked_after).add(person_id)
    for unit_id, d in data.items():
        d.before, d.after, d.pending = talk_targets(
            candidates={c.person_id for c in d.candidacies},
            members=members[unit_id],
            elected=elected[unit_id],
        )
    return [data[u.pk] for u in units]


@transaction.atomic
def talk_record(
    *,
    actor,
    unit: Unit,
    person: Person,
    phase: str,
    held_on: datetime.date,
    talked_by: str,
    summary: str = "",
) -> Talk:
    """Record a 谈心谈话 with someone the unit must talk with in that phase."""
    if phase not in Talk.Phase.values:
        raise DomainError("请选择谈话阶段。")
    talked_by, summary = (talked_by or "").strip(), (summary or "").strip()
    if not talked_by:
        raise DomainError("请填写谈话人。")
    if held_on is None:
        raise DomainError("请填写谈话日期。")
    if held_on > timezone.localdate():
        raise DomainError("谈话日期不能晚于今天。")
    (d,) = unit_discipline([unit])
    if phase == Talk.Phase.BEFORE and person.pk not in d.before:
        raise DomainError(
            f"{person.name}不是{unit.name}的人选或现任班子成员，不在换届前谈话范围内。"
        )
    if phase == Talk.Phase.AFTER and person.pk not in d.after:
        if d.election_unfinished:
            raise DomainError("选举尚未完成，还不能登记换届后谈话。")
        pending = "，或其所在班子的选举尚未完成" if d.pending else ""
        raise DomainError(f"{person.name}不是{unit.name}未连任的班子成员{pending}。")
    return Talk.objects.create(
        unit=unit,
        round=active_round(unit.county_id),
        person=person,
        phase=phase,
        held_on=held_on,
        talked_by=talked_by[:40],
        summary=summary[:300],
    )
