"""Double entry with a coordinator, and the clerk who lost a race: one mechanism for every
tally that is typed from paper (a party congress round, a villagers' ballot box, a later
villagers' round, a vote of the meeting electing the supervision committee).

Where the county requires it (``DoubleEntryRules``), a tally counts only once two accounts
have typed the same figures. Each typing is an ``EntryDraft``, kept apart from the count and
from the entry chain. The first waits for the second; when the second agrees, the agreed
figures are saved and counted by the tally's own service, once. When they differ, both wait
for the coordinator named by the county (乡镇党(工)委负责人 or 县委组织部审核人员), who sees
them side by side and keeps the first, keeps the second, or sends both back to be entered
again.

Every tally carries a version number. A form saved over a newer version (two clerks saving
at once, or a stale page) is refused with ``StaleEntry``: the clerk is told that their
figures were not saved and sees them beside what was.

The kinds of tally register themselves (``register``) with the database callbacks of their
own service; comparing figures (``lines``, ``compare``) is pure.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ballots.models import DoubleEntryRules, EntryDraft, VillagersPost
from ballots.strokes import stroke_sort_key
from renewal import access as region_access
from renewal.models import DomainError

Kind = EntryDraft.Kind
Coordinator = DoubleEntryRules.Coordinator

FIRST, AGREED, DISPUTED = "first", "agreed", "disputed"
KEEP_FIRST, KEEP_SECOND, SEND_BACK = "first", "second", "return"

SAME_ACCOUNT = "两人分别录入时，第二次录入须由另一个账号完成。"
STALE = (
    "其他人刚刚录入并保存了这张计票单，您录入的数字没有保存。"
    "请对照下表核对：如已保存的数字有误，请在表中更正后重新保存。"
)


# --- The county's setting ------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    required: bool
    coordinator: str
    source: str = ""

    @property
    def coordinator_label(self) -> str:
        return Coordinator(self.coordinator).label


def policy_for(county_id: int, day: datetime.date) -> Policy:
    row = DoubleEntryRules.in_force(county_id=county_id, day=day)
    if row is None:
        return Policy(required=False, coordinator=Coordinator.COUNTY_REVIEWER)
    return Policy(required=row.required, coordinator=row.coordinator, source=row.source)


def can_coordinate(user, unit, day: datetime.date) -> bool:
    """The county's coordinator role, for this unit: its township's leader, or a reviewer of
    its county."""
    if policy_for(unit.county_id, day).coordinator == Coordinator.TOWNSHIP_LEADER:
        return region_access.leads_township(user, unit)
    return region_access.can_write_county(user, unit.county_id)


# --- Figures as labelled lines, and two of them compared (pure) ------------------------------------


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    value: object  # an int, None (not filled) or a text
    absent: object = None  # the value of this line on a side that does not list it


@dataclass(frozen=True)
class Row:
    label: str
    first: object
    second: object

    @property
    def differs(self) -> bool:
        return self.first != self.second

    @staticmethod
    def shown(value) -> str:
        return "未填" if value is None else str(value)

    @property
    def first_text(self) -> str:
        return self.shown(self.first)

    @property
    def second_text(self) -> str:
        return self.shown(self.second)


RECONCILIATION_LABELS = (
    ("printed", "印制（领取）选票"),
    ("spoiled", "作废选票（损坏调换）"),
    ("unused", "未使用选票"),
    ("receipts", "领票登记人数"),
    ("proxies_used", "使用委托投票"),
)


def _votes(prefix: str, label: str, votes: Mapping[str, int]) -> list[Line]:
    """A name's votes, in the ballot's order (stored JSON keeps no order)."""
    names = sorted((name for name, n in votes.items() if n), key=stroke_sort_key)
    return [Line(f"{prefix}/{name}", f"{name} {label}", votes[name], 0) for name in names]


def _reconciliation(rec: Mapping | None) -> list[Line]:
    rec = rec or {}
    return [Line(f"rec/{k}", label, rec.get(k)) for k, label in RECONCILIATION_LABELS if k in rec]


def _ballot_text(ballot: Mapping) -> str:
    parts = [
        f"{label}：{'、'.join(ballot.get(key, ())) or '无'}"
        for key, label in (("for", "赞成"), ("against", "反对"), ("abstain", "弃权"))
    ]
    if ballot.get("write_in"):
        parts.append(f"另选：{'、'.join(ballot['write_in'])}")
    return "；".join(parts)


def lines(kind: str, figures: Mapping) -> list[Line]:
    """A tally's figures as the labelled lines of the paper tally sheet, in its order."""
    if kind == Kind.CONGRESS_ROUND:
        out = [Line("issued", "发出选票", figures.get("ballots_issued"))]
        if figures.get("ballots") is not None:
            out.append(Line("mode", "录入方式", "逐张录入"))
            out += [
                Line(f"ballot/{n}", f"第 {n} 张选票", _ballot_text(b))
                for n, b in enumerate(figures["ballots"], start=1)
            ]
        else:
            totals = figures.get("totals") or {}
            out.append(Line("mode", "录入方式", "汇总录入"))
            out.append(Line("returned", "收回选票", totals.get("returned")))
            out.append(Line("invalid", "废票", totals.get("invalid")))
            marks = (("for", "赞成"), ("against", "反对"), ("abstain", "弃权"))
            names = {name for key, _label in marks for name in totals.get(key) or {}}
            for name in sorted(names, key=stroke_sort_key):
                for key, label in marks:
                    n = (totals.get(key) or {}).get(name)
                    if n:
                        out.append(Line(f"{key}/{name}", f"{name} {label}", n, 0))
        return out + _reconciliation(figures.get("reconciliation"))
    if kind == Kind.VILLAGERS_BOX:
        out = [
            Line("issued", "发出选票", figures.get("ballots_issued")),
            Line("returned", "收回选票", figures.get("ballots_returned")),
            Line("invalid", "废票", figures.get("ballots_invalid")),
        ]
        votes = figures.get("votes") or {}
        for post in (p for p in VillagersPost.values if p in votes):
            out += _votes(post, f"{VillagersPost(post).label}得票", votes[post])
        return out + _reconciliation(figures.get("reconciliation"))
    present = "实到会人数" if kind == Kind.SUPERVISION_ROUND else "参加投票人数"
    out = [
        Line("present", present, figures.get("present")),
        Line("returned", "收回选票", figures.get("ballots_returned")),
        Line("invalid", "废票", figures.get("ballots_invalid")),
    ]
    return out + _votes("for", "得票", figures.get("votes") or {})


def compare(first: Sequence[Line], second: Sequence[Line]) -> list[Row]:
    """Line by line, in the first's order then the second's; a line one side does not list
    has its ``absent`` value there (a name's votes: 0, a blank vote cell)."""
    a, b = {x.key: x for x in first}, {x.key: x for x in second}
    keys = list(a) + [k for k in b if k not in a]
    rows = []
    for key in keys:
        line = a.get(key) or b[key]
        rows.append(
            Row(
                line.label,
                a[key].value if key in a else line.absent,
                b[key].value if key in b else line.absent,
            )
        )
    return rows


def agree(kind: str, first: Mapping, second: Mapping) -> bool:
    return not any(row.differs for row in compare(lines(kind, first), lines(kind, second)))


# --- The kinds of tally ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """How one kind of tally is double-entered: the callbacks of its own service."""

    kind: str
    field: str  # EntryDraft's foreign key to it
    lock: Callable[[int], object]  # the tally, its row locked as its service locks it
    apply: Callable[..., None]  # (tally, *, actor, figures): save and count the figures
    saved: Callable[[object], dict | None]  # what is saved now, as figures; None if nothing
    unit: Callable[[object], object]
    day: Callable[[object], datetime.date]
    title: Callable[[object], str]
    url: Callable[[object], str]  # the tally's own page
    mark: Callable[[object, str | None], None] = lambda tally, state: None  # status to show


SUBJECTS: dict[str, Subject] = {}


def register(subject: Subject) -> Subject:
    SUBJECTS[subject.kind] = subject
    return subject


def required(subject: Subject, tally) -> bool:
    return policy_for(subject.unit(tally).county_id, subject.day(tally)).required


def pending(kind: str, tally) -> list[EntryDraft]:
    """The entries waiting: none, a first waiting for a second, or two that differ."""
    field = SUBJECTS[kind].field
    return list(
        EntryDraft.objects.filter(**{field: tally}, status=EntryDraft.Status.PENDING)
        .select_related("entered_by__profile")
        .order_by("position", "id")
    )


def drafts_of(kind: str, tally) -> list[EntryDraft]:
    """Every entry typed for the tally and what became of it, oldest first."""
    field = SUBJECTS[kind].field
    return list(
        EntryDraft.objects.filter(**{field: tally})
        .select_related("entered_by__profile", "resolved_by__profile")
        .order_by("entered_at", "id")
    )


def state_of(kind: str, tally) -> str | None:
    n = len(pending(kind, tally))
    return {0: None, 1: FIRST}.get(n, DISPUTED)


# --- The race: a save over a newer version -------------------------------------------------------


class StaleEntry(DomainError):
    """Figures typed on a page older than what is saved: nothing was saved."""

    def __init__(self, rows: list[Row]):
        super().__init__(STALE)
        self.rows = rows


def require_current(kind: str, tally, version: int, figures: Mapping) -> None:
    """The form's version must be the tally's (the caller holds its row lock)."""
    if tally.version == version:
        return
    subject = SUBJECTS[kind]
    saved = subject.saved(tally)
    rows = compare(lines(kind, figures), lines(kind, saved)) if saved is not None else []
    raise StaleEntry(rows)


# --- Entering and resolving ------------------------------------------------------------------------


def entry_submit(*, kind: str, tally, actor, figures: dict) -> str:
    """One account's entry of a tally that must be entered twice; the caller holds the
    tally's row lock and has checked the figures. FIRST: it waits for a second account;
    AGREED: the two are the same, and the caller saves and counts them; DISPUTED: they
    differ and wait for the coordinator."""
    subject = SUBJECTS[kind]
    waiting = pending(kind, tally)
    if len(waiting) >= 2:
        raise DomainError("两次录入不一致，正等待协调人处理；处理之前不能再录入。")
    now = timezone.now()
    draft = EntryDraft(
        kind=kind,
        position=len(waiting) + 1,
        figures=figures,
        entered_by=actor,
        entered_at=now,
        **{subject.field: tally},
    )
    if not waiting:
        draft.save()
        subject.mark(tally, FIRST)
        return FIRST
    first = waiting[0]
    if first.entered_by_id == actor.pk:
        raise DomainError(SAME_ACCOUNT)
    if agree(kind, first.figures, figures):
        draft.status = EntryDraft.Status.AGREED
        draft.resolved_at = now
        draft.save()
        first.status, first.resolved_at = EntryDraft.Status.AGREED, now
        first.save(update_fields=["status", "resolved_at"])
        return AGREED
    draft.save()
    subject.mark(tally, DISPUTED)
    return DISPUTED


def first_figures(kind: str, tally) -> dict | None:
    """The figures of the entry waiting for its second, if one is (for a service that lets
    the second account leave a field blank to take the first's)."""
    waiting = pending(kind, tally)
    return waiting[0].figures if len(waiting) == 1 else None


@transaction.atomic
def entry_resolve(*, kind: str, pk: int, actor, choice: str) -> EntryDraft | None:
    """The coordinator keeps the first entry, keeps the second (saved and counted as entered
    by its own account), or sends both back to be entered again. Returns the entry kept."""
    subject = SUBJECTS[kind]
    tally = subject.lock(pk)
    waiting = pending(kind, tally)
    if len(waiting) != 2:
        raise DomainError("这张计票单没有待处理的不一致录入，可能已由他人处理。")
    unit, day = subject.unit(tally), subject.day(tally)
    if not can_coordinate(actor, unit, day):
        label = policy_for(unit.county_id, day).coordinator_label
        raise DomainError(f"两次录入不一致由{label}处理。")
    if actor.pk in {d.entered_by_id for d in waiting}:
        raise DomainError("您录入过这张计票单，不能由您处理两次录入的不一致，请由其他协调人处理。")
    if choice not in (KEEP_FIRST, KEEP_SECOND, SEND_BACK):
        raise DomainError("请选择采用第一次录入、采用第二次录入或退回重新录入。")
    now = timezone.now()
    kept = None
    if choice == SEND_BACK:
        for draft in waiting:
            draft.status = EntryDraft.Status.RETURNED
        subject.mark(tally, None)
    else:
        kept, other = waiting if choice == KEEP_FIRST else reversed(waiting)
        kept.status, other.status = EntryDraft.Status.KEPT, EntryDraft.Status.SET_ASIDE
        subject.apply(tally, actor=kept.entered_by, figures=kept.figures)
    for draft in waiting:
        draft.resolved_by, draft.resolved_at = actor, now
        draft.save(update_fields=["status", "resolved_by", "resolved_at"])
    return kept


# --- Where coordinators work -----------------------------------------------------------------------


@dataclass(frozen=True)
class Dispute:
    """Two entries of one tally that differ, as the coordinator's page and list show them."""

    kind: str
    tally: object
    first: EntryDraft
    second: EntryDraft

    @property
    def subject(self) -> Subject:
        return SUBJECTS[self.kind]

    @property
    def title(self) -> str:
        return self.subject.title(self.tally)

    @property
    def rows(self) -> list[Row]:
        return compare(lines(self.kind, self.first.figures), lines(self.kind, self.second.figures))

    @property
    def differences(self) -> int:
        return sum(1 for row in self.rows if row.differs)


def dispute_of(kind: str, tally) -> Dispute | None:
    waiting = pending(kind, tally)
    if len(waiting) != 2:
        return None
    return Dispute(kind, tally, waiting[0], waiting[1])


UNIT_PATHS = {
    Kind.CONGRESS_ROUND: "congress_round__congress__unit",
    Kind.VILLAGERS_BOX: "box__election__unit",
    Kind.VILLAGERS_ROUND: "vote_round__election__unit",
    Kind.SUPERVISION_ROUND: "supervision_round__election__villagers__unit",
}


def disputes_visible_to(user, *, kinds: Sequence[str] = tuple(Kind.values)) -> list[Dispute]:
    """The tallies of the user's region whose two entries differ, oldest first."""
    return disputes(region_access.units_visible_to(user), kinds=kinds)


def disputes(units, *, kinds: Sequence[str] = tuple(Kind.values)) -> list[Dispute]:
    """The tallies of these units (a queryset or list) whose two entries differ."""
    scope = Q()
    for kind in kinds:
        scope |= Q(kind=kind, **{f"{UNIT_PATHS[kind]}__in": units})
    seconds = (
        EntryDraft.objects.filter(scope, status=EntryDraft.Status.PENDING, position=2)
        .select_related(
            "congress_round__congress__unit",
            "box__election__unit",
            "vote_round__election__unit",
            "supervision_round__election__villagers__unit",
        )
        .order_by("entered_at", "id")
    )
    out = []
    for second in seconds:
        tally = getattr(second, SUBJECTS[second.kind].field)
        dispute = dispute_of(second.kind, tally)
        if dispute is not None:
            out.append(dispute)
    return out


def coordinator_home(user, today) -> dict:
    """The home page's list of the differences this user settles (renewal.kit.home)."""
    waiting = [
        d
        for d in disputes_visible_to(user)
        if can_coordinate(user, d.subject.unit(d.tally), d.subject.day(d.tally))
        and user.pk not in (d.first.entered_by_id, d.second.entered_by_id)
    ]
    return {"double_entry_disputes": waiting}
