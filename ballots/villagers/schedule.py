"""The election's schedule counted back (倒排) from election day: each legal deadline of the
rule pack (ballots.ScheduleDeadline) as a date on the working-day calendar, and whether the
election's own data shows it done.

The date arithmetic and the judgement are pure (``due_date``, ``build_schedule``: plain data
in, plain data out); ``schedules_for`` loads the rules, the holiday table and the facts of
many elections in a few queries, for one page or for a whole county's roll-up.

Counting: "选举日前 N 日" is the calendar day N days before; "选举日前 N 个工作日" the N-th
working day counting back; "选举日后 N 个工作日" the N-th working day after; a period of
calendar days after election day whose last day is a rest day ends on the next working day
(《民法典》第二百零三条). A year the calendar does not cover is a warning on the schedule.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import Max, Min, Q
from django.utils import timezone

from ballots.models import (
    ElectionCommitteeMember,
    ElectionNotice,
    ScheduleDeadline,
    ScheduleStep,
    VillagersBallotSetup,
    VillagersElection,
    VillagersRulePack,
    VoterObjection,
)
from ballots.workcalendar import declared_calendar
from renewal.kit.figures import Counties, units_q
from renewal.kit.workdays import CalendarGap, is_workday, nth_working_day, nth_working_day_before

DAY = datetime.timedelta(days=1)
SOON_DAYS = 7  # a deadline this close is shown as due soon


@dataclass(frozen=True)
class Rule:
    step: str
    label: str
    direction: str  # before / after
    days: int
    counting: str  # calendar / working
    source: str

    @property
    def text(self) -> str:
        where = "选举日前" if self.direction == "before" else "选举日后"
        if self.direction == "after" and self.days == 0:
            return "选举日当天"
        unit = "个工作日" if self.counting == "working" else "日"
        return f"{where} {self.days} {unit}"


@dataclass(frozen=True)
class Fact:
    """What the data says of one step: done or not, on which day, and a note."""

    done: bool
    on: datetime.date | None = None
    note: str = ""


@dataclass(frozen=True)
class Item:
    rule: Rule
    due: datetime.date | None
    shifted_from: datetime.date | None  # the date before the holiday shift, if shifted
    state: str  # done / late / overdue / soon / pending / cutoff / closed / unknown
    done_on: datetime.date | None = None
    note: str = ""
    days_left: int | None = None

    STATE_WORDS = {
        "done": "已完成",
        "late": "逾期完成",
        "overdue": "已逾期",
        "soon": "即将到期",
        "pending": "未到期",
        "cutoff": "截止前可办理",
        "closed": "已截止",
        "unknown": "无法计算",
    }

    @property
    def state_label(self) -> str:
        return self.STATE_WORDS[self.state]

    @property
    def tracked(self) -> bool:
        return self.state not in ("cutoff", "closed", "unknown")


@dataclass(frozen=True)
class Schedule:
    election_day: datetime.date
    today: datetime.date
    items: tuple[Item, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def days_to_election(self) -> int:
        return (self.election_day - self.today).days

    @property
    def overdue(self) -> list[Item]:
        return [i for i in self.items if i.state == "overdue"]

    @property
    def next_due(self) -> Item | None:
        waiting = [i for i in self.items if i.state in ("soon", "pending")]
        return min(waiting, key=lambda i: i.due) if waiting else None

    def item(self, step: str) -> Item | None:
        return next((i for i in self.items if i.rule.step == step), None)


def due_date(
    rule: Rule, election_day: datetime.date, *, declared: Mapping
) -> tuple[datetime.date, datetime.date | None]:
    """(the deadline, the date it was shifted from or None); raises CalendarGap."""
    if rule.direction == "before":
        plain = election_day - rule.days * DAY
        if rule.counting == "working" and rule.days:
            due = nth_working_day_before(election_day, rule.days, declared=declared)
            return due, (plain if due != plain else None)
        return plain, None
    plain = election_day + rule.days * DAY
    if rule.days == 0:
        return plain, None
    if rule.counting == "working":
        due = nth_working_day(election_day + DAY, rule.days, declared=declared)
    else:
        due = (
            plain
            if is_workday(plain, declared=declared)
            else nth_working_day(plain, 1, declared=declared)
        )
    return due, (plain if due != plain else None)


def build_schedule(
    rules: Sequence[Rule],
    election_day: datetime.date,
    facts: Mapping[str, Fact],
    *,
    today: datetime.date,
    declared: Mapping,
    dues: dict | None = None,
) -> Schedule:
    """Each rule's deadline and state; a step without a fact is a cut-off, not a task.
    ``dues`` keeps the deadlines worked out, for many elections sharing election days."""
    items, warnings = [], []
    for rule in rules:
        try:
            due, shifted = _due(rule, election_day, declared, {} if dues is None else dues)
        except CalendarGap as exc:
            if str(exc) not in warnings:
                warnings.append(str(exc))
            items.append(Item(rule, None, None, "unknown", note="节假日安排缺失，无法计算截止日期"))
            continue
        fact = facts.get(rule.step)
        state, done, left = _state(fact, due, today)
        if fact is None:
            items.append(Item(rule, due, shifted, state, days_left=left))
            continue
        items.append(
            Item(
                rule,
                due,
                shifted,
                state,
                done_on=fact.on if done else None,
                note=fact.note,
                days_left=None if done else left,
            )
        )
    return Schedule(election_day, today, tuple(items), tuple(warnings))


def _state(fact: Fact | None, due: datetime.date, today: datetime.date) -> tuple[str, bool, int]:
    """A step's state on ``today`` (and whether it is done, and the days left)."""
    left = (due - today).days
    if fact is None:
        return ("closed" if left < 0 else "cutoff"), False, left
    if fact.done and (fact.on is None or fact.on <= today):
        return ("late" if fact.on and fact.on > due else "done"), True, left
    if left < 0:
        return "overdue", False, left
    return ("soon" if left <= SOON_DAYS else "pending"), False, left


def is_overdue(
    rules: Sequence[Rule],
    election_day: datetime.date,
    facts: Mapping[str, Fact],
    *,
    today: datetime.date,
    declared: Mapping,
    dues: dict,
) -> bool:
    """Whether ``build_schedule`` would list an overdue step, without building it."""
    for rule in rules:
        try:
            due, _shifted = _due(rule, election_day, declared, dues)
        except CalendarGap:
            continue
        if _state(facts.get(rule.step), due, today)[0] == "overdue":
            return True
    return False


def _due(rule: Rule, election_day: datetime.date, declared: Mapping, dues: dict):
    # Keyed by the rule object: the rules of one load live as long as ``dues`` does.
    key = (id(rule), election_day)
    if key not in dues:
        try:
            dues[key] = due_date(rule, election_day, declared=declared)
        except CalendarGap as exc:
            dues[key] = _Gap(str(exc))
    found = dues[key]
    if isinstance(found, _Gap):
        # A fresh exception each time: raising the kept one again would chain every raise's
        # frames onto its traceback (and keep them alive) for as long as ``dues`` lives.
        raise CalendarGap(found.message)
    return found


@dataclass(frozen=True)
class _Gap:
    """A deadline that cannot be worked out (the holiday calendar is missing), kept once."""

    message: str


# --- Loading ------------------------------------------------------------------------------


def rules_by_pack(pack_ids: Iterable[int]) -> dict[int, list[Rule]]:
    """Each pack's deadlines: its own rows, and the default rows for the steps it does not set."""
    pack_ids = set(pack_ids)
    rows = list(ScheduleDeadline.objects.filter(Q(pack__isnull=True) | Q(pack_id__in=pack_ids)))
    publication = dict(
        VillagersRulePack.objects.filter(pk__in=pack_ids).values_list("pk", "publication_days")
    )
    result = {}
    for pack_id in pack_ids:
        chosen: dict[str, ScheduleDeadline] = {}
        for row in rows:
            if row.pack_id is None:
                chosen.setdefault(row.step, row)
        for row in rows:
            if row.pack_id == pack_id:
                chosen[row.step] = row
        ordered = sorted(chosen.values(), key=lambda r: (r.order, r.pk))
        result[pack_id] = [
            Rule(
                step=r.step,
                label=r.label,
                direction=r.direction,
                days=r.days if r.days is not None else publication[pack_id],
                counting=r.counting,
                source=r.source,
            )
            for r in ordered
            if r.step != ScheduleStep.PARTY_RESULT
        ]
    return result


def facts_for(elections: Sequence[VillagersElection], among=None) -> dict[int, dict[str, Fact]]:
    """Per election, what its data says of each tracked step (a few queries for all).
    ``among``: a query of the elections' ids, read instead of a list of them (many)."""
    ids = [e.pk for e in elections] if among is None else among
    committee = dict(
        ElectionCommitteeMember.objects.filter(election_id__in=ids)
        .values("election_id")
        .annotate(first=Min("joined_on"))
        .values_list("election_id", "first")
    )
    open_objections = dict(
        VoterObjection.objects.filter(election_id__in=ids, outcome=VoterObjection.Outcome.OPEN)
        .values("election_id")
        .annotate(last=Max("answer_due"))
        .values_list("election_id", "last")
    )
    answered = dict(
        VoterObjection.objects.filter(election_id__in=ids, answered_on__isnull=False)
        .values("election_id")
        .annotate(last=Max("answered_on"))
        .values_list("election_id", "last")
    )
    notices: dict[tuple[int, str], datetime.date] = {}
    for eid, step, issued in ElectionNotice.objects.filter(
        villagers_election_id__in=ids, version=1
    ).values_list("villagers_election_id", "step", "issued_on"):
        notices[(eid, step)] = issued
    setups = {
        s.election_id: s
        for s in VillagersBallotSetup.objects.filter(election_id__in=ids).only(
            "election_id", "counted_at", "approved_at"
        )
    }
    counted = (VillagersElection.Status.COUNTED, VillagersElection.Status.APPROVED)
    result = {}
    for e in elections:
        setup = setups.get(e.pk)
        facts = {
            ScheduleStep.COMMITTEE: _fact(e.pk in committee, committee.get(e.pk)),
            ScheduleStep.METHOD: _notice_fact(notices.get((e.pk, ScheduleStep.METHOD))),
            ScheduleStep.REGISTER: _fact(
                e.register_published_on is not None, e.register_published_on
            ),
            ScheduleStep.CANDIDATES: _notice_fact(notices.get((e.pk, ScheduleStep.CANDIDATES))),
        }
        if e.register_published_on is None:
            facts[ScheduleStep.OBJECTIONS] = _fact(False, note="选民名单尚未公布")
        elif e.pk in open_objections:
            facts[ScheduleStep.OBJECTIONS] = _fact(False, note="有待答复的异议")
        else:
            window_end = e.register_published_on + e.pack.objection_days * DAY
            last = max(filter(None, [answered.get(e.pk), window_end]))
            facts[ScheduleStep.OBJECTIONS] = _fact(True, last)
        is_counted = e.status in counted
        counted_on = _local_day(setup.counted_at) if setup and setup.counted_at else None
        facts[ScheduleStep.RESULT] = _fact(is_counted, counted_on if is_counted else None)
        approved = e.status == VillagersElection.Status.APPROVED
        approved_on = _local_day(setup.approved_at) if setup and setup.approved_at else None
        facts[ScheduleStep.FILED] = _fact(approved, approved_on if approved else None)
        result[e.pk] = facts
    return result


def _fact(done: bool, on: datetime.date | None = None, note: str = "") -> Fact:
    """Facts are values: equal ones are shared (a province has many alike)."""
    key = (done, on, note)
    found = _FACTS.get(key)
    if found is None:
        found = _FACTS[key] = Fact(done, on, note)
    return found


_FACTS: dict[tuple, Fact] = {}


def _notice_fact(issued: datetime.date | None) -> Fact:
    return _fact(False, note="尚未发布公告") if issued is None else _fact(True, issued)


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def schedules_for(
    elections: Sequence[VillagersElection], *, today: datetime.date | None = None, among=None
) -> dict[int, Schedule]:
    """Each election's schedule on ``today``: the rules, the holiday table and the facts are
    loaded once for all of them. The elections come with their pack loaded; ``among`` as
    for ``facts_for``."""
    today = today or timezone.localdate()
    if not elections:
        return {}
    rules = rules_by_pack({e.pack_id for e in elections})
    declared = declared_calendar()
    facts = facts_for(elections, among)
    dues: dict = {}
    return {
        e.pk: build_schedule(
            rules[e.pack_id],
            e.election_day,
            facts[e.pk],
            today=today,
            declared=declared,
            dues=dues,
        )
        for e in elections
    }


def schedule_for(election: VillagersElection, *, today: datetime.date | None = None) -> Schedule:
    return schedules_for([election], today=today)[election.pk]


def cutoff(election: VillagersElection, step: str) -> tuple[datetime.date, Rule] | None:
    """The last day of a step of the election's pack (e.g. 委托投票办理截止) and its rule; None
    when the pack has no such step or the calendar does not cover the date."""
    rule = next(
        (r for r in rules_by_pack([election.pack_id])[election.pack_id] if r.step == step), None
    )
    if rule is None:
        return None
    try:
        due, _shifted = due_date(rule, election.election_day, declared=declared_calendar())
    except CalendarGap:
        return None
    return due, rule


@dataclass(slots=True)
class _Election:
    """What ``facts_for`` and the schedule read of an election, as a plain row."""

    pk: int
    unit_id: int
    pack_id: int
    election_day: datetime.date
    status: str
    register_published_on: datetime.date | None
    pack: VillagersRulePack


def overdue_units(counties: Counties, day: datetime.date) -> set[int]:
    """The units of the counties whose villagers' election (in the county's active round) has
    a legal deadline missed on ``day``. An election whose result is confirmed is finished:
    its schedule no longer runs. As ``schedules_for``, with each pack loaded once."""
    found = VillagersElection.objects.filter(units_q(counties, None)).exclude(
        status=VillagersElection.Status.APPROVED
    )
    rows = list(
        found.values_list(
            "id", "unit_id", "pack_id", "election_day", "status", "register_published_on"
        )
    )
    if not rows:
        return set()
    packs = VillagersRulePack.objects.filter(pk__in={row[2] for row in rows})
    pack_of = {p.pk: p for p in packs.only("id", "objection_days")}
    elections = [_Election(*row, pack_of[row[2]]) for row in rows]
    rules = rules_by_pack(pack_of)
    declared = declared_calendar()
    facts = facts_for(elections, found.values("pk"))
    dues: dict = {}
    return {
        e.unit_id
        for e in elections
        if is_overdue(
            rules[e.pack_id], e.election_day, facts[e.pk], today=day, declared=declared, dues=dues
        )
    }
