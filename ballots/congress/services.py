"""Party congress services: set-up, attendance, rounds, entry, counting, report, approval.

Counting itself is ``ballots.counting.count_round`` (pure); this module builds the
record from the database, stores the result and opens the rounds that follow from it.
Writes that two clerks may make at once (attendance, a round's entry) carry a version
number and lock their row, so a stale form is refused instead of overwriting.
"""

import datetime
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from ballots import chain, chain_heads, check_catalogue, checks, counting
from ballots import double_entry as entered_twice
from ballots.models import (
    Attendance,
    Congress,
    CountingRuleSet,
    ElectionRound,
    RoundCandidate,
    Scrutineer,
    TallyEntry,
)
from ballots.record import grouped_hash, record_hash, record_to_json_dict, seal_text
from ballots.strokes import stroke_sort_key
from ballots.workcalendar import declared_calendar
from candidates.models import Candidacy
from candidates.services import candidacies_forget_outcome, candidacies_learn_outcome
from renewal.kit.naming import ballot_names, standing
from renewal.kit.workdays import CalendarGap, nth_working_day
from renewal.models import Body, DomainError, Person, Post, Term, TermMember, Unit
from renewal.roster import services as roster_services
from renewal.selectors import active_round

NOTICE_WORKING_DAYS = 5  # 乡镇实施方案：公示不少于 5 个工作日


def _sorted_names(names):
    return sorted(names, key=stroke_sort_key)


# --- Rules ------------------------------------------------------------------------------------


def rule_set_for(county_id: int, day: datetime.date) -> CountingRuleSet | None:
    return CountingRuleSet.in_force(county_id=county_id, day=day)


def by_plenary(congress: Congress) -> bool:
    """Secretary and deputy are elected by the new committee's first plenary, unless the
    county lets the congress elect them directly."""
    row = rule_set_for(congress.unit.county_id, congress.held_on)
    return not (row and row.secretary_by_congress)


def electorate(rnd: ElectionRound, *, ballots_issued: int | None = None) -> tuple[int, int]:
    """(expected, present) for a round: the congress, or the committee at its plenary."""
    if rnd.kind != ElectionRound.Kind.COMMITTEE and by_plenary(rnd.congress):
        members = len(elected_members(rnd.congress))
        return members, ballots_issued if ballots_issued is not None else members
    return head_count(rnd.congress)


def counting_rules(congress: Congress) -> counting.CountingRules:
    row = rule_set_for(congress.unit.county_id, congress.held_on)
    if row is None:
        return counting.PARTY_RULES
    return counting.rules_for(
        counting.ElectionKind.PARTY_COMMITTEE,
        quorum=row.quorum,
        majority_base=row.majority_base,
        source=row.source,
    )


# --- Congress and attendance -------------------------------------------------------------------


@transaction.atomic
def congress_create(*, unit: Unit, held_on, place: str, chair: str) -> Congress:
    rnd = active_round(unit.county_id)
    if rnd is None:
        raise DomainError("本县尚未设立换届轮次。")
    branch = getattr(unit, "branch", None)
    if branch is None:
        raise DomainError(f"{unit.name}尚未登记党组织。")
    if Congress.objects.filter(round=rnd, unit=unit).exists():
        raise DomainError(f"{unit.name}本轮已有党员大会。")
    congress = Congress.objects.create(
        round=rnd, unit=unit, held_on=held_on, place=place.strip(), chair=chair.strip()
    )
    # The roster as of the meeting: members transferred out are not on it; the rest come
    # with their entitlement on that day (应到会 is counted from it, never typed).
    Attendance.objects.bulk_create(
        Attendance(congress=congress, member=m, can_vote=m.entitled_on(held_on))
        for m in branch.members.select_related("person").order_by("joined_on", "id")
        if m.on_roster(held_on)
    )
    return congress


def roster_changes(congress: Congress):
    """The corrections of the branch's roster since this congress's attendance froze it."""
    branch = getattr(congress.unit, "branch", None)
    if branch is None:
        return []
    return roster_services.roster_changes(branch, congress.round_id)


def _bump(congress: Congress, version: int) -> None:
    """Optimistic lock: the form's version must still be current."""
    updated = Congress.objects.filter(pk=congress.pk, version=version).update(
        version=F("version") + 1
    )
    if not updated:
        raise DomainError("其他人刚刚修改了本次大会的数据，您的修改未保存。请刷新页面后重新操作。")


@transaction.atomic
def attendance_update(
    *, congress: Congress, version: int, rows: list[dict], mark_all: bool | None = None
) -> None:
    """rows: [{"id", "present", "excluded", "approved_by"}] for the roster. ``mark_all``
    (全部到会 True / 全不到会 False) sets every row's presence at once; a member recorded as
    not counted (an approved exclusion) is not marked present."""
    if mark_all is not None:
        rows = [{**row, "present": mark_all and not row["excluded"]} for row in rows]
    congress = Congress.objects.select_for_update().get(pk=congress.pk)
    congress.require_unlocked()
    if congress.rounds.filter(status=ElectionRound.Status.COUNTED).exists():
        raise DomainError("已有轮次完成计票，不能再修改到会情况。")
    _bump(congress, version)
    current = {a.pk: a for a in congress.attendance.select_related("member__person")}
    problems = []
    for row in rows:
        a = current.get(row["id"])
        if a is None:
            raise DomainError("名册已变化，请刷新页面后重新操作。")
        name = a.member.person.name
        if row["excluded"] and not a.can_vote:
            problems.append(f"{name}没有表决权，本就不计入应到会人数，无需登记不计入原因。")
        if row["excluded"] and not row["approved_by"].strip():
            problems.append(f"{name}不计入应到会人数，须写明经上级党组织同意的同意人。")
        a.present = bool(row["present"])
        a.excluded = row["excluded"] or ""
        a.exclusion_approved_by = row["approved_by"].strip() if row["excluded"] else ""
    if problems:
        raise DomainError("；".join(problems))
    # One UPDATE per distinct (present, excluded, approver): usually two or three statements,
    # where bulk_update would build a CASE per row and field.
    groups: dict[tuple, list[int]] = {}
    for a in current.values():
        groups.setdefault((a.present, a.excluded, a.exclusion_approved_by), []).append(a.pk)
    for (present, excluded, approved_by), pks in groups.items():
        Attendance.objects.filter(pk__in=pks).update(
            present=present, excluded=excluded, exclusion_approved_by=approved_by
        )


@dataclass(frozen=True)
class AttendanceFigures:
    expected: int
    present: int
    absent: int


def attendance_figures(rows) -> AttendanceFigures:
    """应到/已到/缺席 over (can_vote, excluded, present) rows, counted as ``head_count`` does:
    expected are voting members without an approved exclusion, present are voting members
    ticked present, absent are the expected ones not ticked."""
    expected = present = absent = 0
    for can_vote, excluded, here in rows:
        if not can_vote:
            continue
        expected += not excluded
        present += bool(here)
        absent += not excluded and not here
    return AttendanceFigures(expected, present, absent)


def head_count(congress: Congress) -> tuple[int, int]:
    """(expected, present): voting members less approved exclusions; voting members present
    (the one rule, attendance_figures, that the attendance page counts live with too)."""
    rows = congress.attendance.filter(can_vote=True).values_list("can_vote", "excluded", "present")
    figures = attendance_figures(rows)
    return figures.expected, figures.present


def quorum_verdict(congress: Congress) -> tuple[bool, str]:
    expected, present = head_count(congress)
    return verdict_for(congress, expected=expected, present=present)


def round_verdict(rnd: ElectionRound) -> tuple[bool, str]:
    """The sentence above a round: the congress's head count, or, for a secretary or deputy
    elected by the new committee's plenary, the committee that votes (not the congress)."""
    if rnd.kind == ElectionRound.Kind.COMMITTEE or not by_plenary(rnd.congress):
        return quorum_verdict(rnd.congress)
    members = elected_members(rnd.congress)
    if not members:
        return False, "尚未选出委员会委员，不能选举书记、副书记。"
    names = "、".join(m.name for m in members)
    return True, (
        f"书记、副书记由新当选的委员会全体会议选举：应参加选举的是新当选的委员会委员 "
        f"{len(members)} 人（{names}），实到会人数以发出选票数计。"
    )


def verdict_for(congress: Congress, *, expected: int, present: int) -> tuple[bool, str]:
    """The sentence read out before voting, e.g. "应到 48 人，实到 41 人，超过五分之四，可以进行选举。"."""
    if expected == 0:
        return False, "应到会人数为 0，不能进行选举。请先核对党员名册和有表决权情况。"
    rules = counting_rules(congress)
    met = counting.quorum_met(rules, expected=expected, present=present)
    if rules.quorum == counting.Quorum.NONE:
        words = "不设到会人数要求"
    elif rules.quorum == counting.Quorum.MORE_THAN_4_5:
        words = "超过五分之四" if met else "未超过五分之四"
    else:
        words = "不少于五分之四" if met else "少于五分之四"
    verdict = "可以进行选举" if met else "不得进行选举"
    return met, f"应到 {expected} 人，实到 {present} 人，{words}，{verdict}。"


# --- Scrutineers ------------------------------------------------------------------------------


def _standing_people(congress: Congress) -> set[int]:
    """Everyone on a ballot of the congress, by id."""
    return set(
        RoundCandidate.objects.filter(round__congress=congress, person__isnull=False).values_list(
            "person_id", flat=True
        )
    )


def _require_setup_open(congress: Congress) -> None:
    """Set-up (rounds, scrutineers) is the meeting's own business until it reports."""
    congress.require_unlocked()
    if congress.status == Congress.Status.REPORTED:
        raise DomainError("选举结果已报批，大会的选举设置已锁定。")


def counting_started(congress: Congress) -> bool:
    return TallyEntry.objects.filter(round__congress=congress).exists()


@transaction.atomic
def scrutineer_add(*, congress: Congress, person, role: str) -> Scrutineer:
    congress = Congress.objects.select_for_update().get(pk=congress.pk)
    _require_setup_open(congress)
    member = congress.attendance.filter(member__person=person).select_related("member").first()
    if member is not None and not member.member.entitled_on(congress.held_on):
        raise DomainError(
            f"{person.name}：{member.member.entitlement(congress.held_on)}，"
            "不能担任监票人或计票人。"
        )
    standing = Candidacy.objects.filter(
        round=congress.round, unit=congress.unit, person=person, body=Body.PARTY
    ).exclude(status__in=Candidacy.CLOSED)
    if standing.exists() or person.pk in _standing_people(congress):
        raise DomainError(f"{person.name}是候选人，不能担任监票人或计票人。")
    if Scrutineer.objects.filter(congress=congress, person=person).exists():
        raise DomainError(f"{person.name}已是本次大会的监票或计票人员。")
    return Scrutineer.objects.create(congress=congress, person=person, role=role)


@transaction.atomic
def scrutineer_remove(*, scrutineer: Scrutineer) -> None:
    """A scrutineer or teller may be replaced until the first count is entered."""
    congress = Congress.objects.select_for_update().get(pk=scrutineer.congress_id)
    _require_setup_open(congress)
    if counting_started(congress):
        raise DomainError("已开始录入计票结果，监票人、计票人不能再更换。")
    scrutineer.delete()


def scrutiny_missing(congress: Congress) -> str | None:
    """Why the votes of the congress may not be counted yet, or None."""
    roles = set(congress.scrutineers.values_list("role", flat=True))
    if not roles & {Scrutineer.Role.CHIEF, Scrutineer.Role.SCRUTINEER}:
        return "尚未推选监票人，不能计票。"
    if Scrutineer.Role.TELLER not in roles:
        return "尚未推选计票人，不能计票。"
    return None


# --- Rounds -----------------------------------------------------------------------------------


def formal_committee_candidates(congress: Congress) -> list[Candidacy]:
    """The unit's formal candidacies for the party committee, one per person (the ordinary
    member's post when a person stands for two posts)."""
    rows = (
        Candidacy.objects.filter(
            round=congress.round,
            unit=congress.unit,
            body=Body.PARTY,
            status=Candidacy.Status.FORMAL,
        )
        .select_related("person")
        .order_by("person_id", "id")
    )
    chosen: dict[int, Candidacy] = {}
    for c in rows:
        if c.person_id not in chosen or c.post == Post.PARTY_MEMBER:
            chosen[c.person_id] = c
    return sorted(chosen.values(), key=lambda c: stroke_sort_key(c.person.name))


KIND_POST = {
    ElectionRound.Kind.COMMITTEE: Post.PARTY_MEMBER,
    ElectionRound.Kind.SECRETARY: Post.SECRETARY,
    ElectionRound.Kind.DEPUTY_SECRETARY: Post.DEPUTY_SECRETARY,
}


def _party_candidacies(congress: Congress, people: Sequence[Person]) -> dict[int, list[Candidacy]]:
    found: dict[int, list[Candidacy]] = {}
    for c in Candidacy.objects.filter(
        round=congress.round,
        unit=congress.unit,
        body=Body.PARTY,
        person__in=list(people),
    ).exclude(status__in=Candidacy.CLOSED):
        found.setdefault(c.person_id, []).append(c)
    return found


@transaction.atomic
def round_open(
    *,
    congress: Congress,
    kind: str,
    seats: int,
    people: Sequence[Person],
    round_type: str = ElectionRound.RoundType.FIRST,
    previous: ElectionRound | None = None,
    double_entry: bool = False,
    names: Mapping[int, str] | None = None,
) -> ElectionRound:
    """Open a vote among ``people``: the ballot is built from them, never from typed names.

    A first committee vote takes the unit's formal candidates; a secretary or deputy vote
    one newly elected member (or, where the congress elects them directly, the formal
    candidate for that post); a re-vote or supplementary round people from the round it
    follows. ``names`` keeps the printed names of a round that follows another.
    """
    congress = Congress.objects.select_for_update().get(pk=congress.pk)
    congress.require_unlocked()
    if congress.status == Congress.Status.REPORTED:
        raise DomainError("选举结果已报批，不能再建立选举轮次。")
    people = list({p.pk: p for p in people}.values())
    if seats < 1:
        raise DomainError("应选人数至少为 1。")
    if not people:
        raise DomainError("请选择候选人。")
    candidacies = _party_candidacies(congress, people)
    if round_type != ElectionRound.RoundType.FIRST:
        before = set(previous.entrants.values_list("person_id", flat=True)) if previous else set()
        strangers = [p.name for p in people if p.pk not in before]
        if strangers:
            raise DomainError(f"{'、'.join(strangers)}不是上一轮的候选人。")
    elif kind == ElectionRound.Kind.COMMITTEE:
        formal = {c.person_id for c in formal_committee_candidates(congress)}
        outside = [p.name for p in people if p.pk not in formal]
        if outside:
            raise DomainError(
                f"{'、'.join(outside)}不是{congress.unit.name}党组织委员会的正式候选人，"
                "不能列入选票。"
            )
        needed = math.ceil(Decimal(seats) * Decimal("1.2"))
        if len(people) < needed:
            raise DomainError(
                f"委员会应选 {seats} 名，差额选举候选人至少 {needed} 名，现只有 {len(people)} 名。"
            )
    if kind != ElectionRound.Kind.COMMITTEE:
        if seats != 1 or len(people) != 1:
            raise DomainError("书记、副书记实行等额选举：应选 1 名，候选人 1 名。")
        (person,) = people
        if by_plenary(congress):
            members = elected_members(congress)
            if person.pk not in {m.person_id for m in members}:
                shown = "、".join(m.name for m in members) or "尚未选出委员"
                raise DomainError(
                    f"书记、副书记由新当选的委员会全体会议选举，{person.name}不是新当选的委员"
                    f"（{shown}）。"
                )
        elif round_type == ElectionRound.RoundType.FIRST and not any(
            c.post == KIND_POST[kind] and c.status == Candidacy.Status.FORMAL
            for c in candidacies.get(person.pk, [])
        ):
            raise DomainError(
                f"{person.name}不是{ElectionRound.Kind(kind).label}的正式候选人，不能列入选票。"
            )
    if not names and kind != ElectionRound.Kind.COMMITTEE and by_plenary(congress):
        # The member is printed as the committee ballot printed them, so that a name two
        # members of the branch share stays told apart on the secretary's ballot and result.
        names = {m.person_id: m.name for m in elected_members(congress) if m.person_id}
    printed = dict(names or {}) or ballot_names(standing(p) for p in people)
    order = sorted(people, key=lambda p: stroke_sort_key(printed[p.pk]))
    number = (congress.rounds.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    rnd = ElectionRound.objects.create(
        congress=congress,
        number=number,
        kind=kind,
        round_type=round_type,
        previous=previous,
        seats=seats,
        candidates=[printed[p.pk] for p in order],
        # Where the county requires every tally entered twice, the round's choice is not its own.
        double_entry=double_entry
        or entered_twice.policy_for(congress.unit.county_id, congress.held_on).required,
    )
    RoundCandidate.objects.bulk_create(
        RoundCandidate(
            round=rnd,
            person=p,
            candidacy=_post_candidacy(candidacies.get(p.pk, []), KIND_POST[kind]),
            name=printed[p.pk],
            order=i,
        )
        for i, p in enumerate(order)
    )
    return rnd


def _post_candidacy(candidacies: list[Candidacy], post: str) -> Candidacy | None:
    for c in candidacies:
        if c.post == post:
            return c
    return candidacies[0] if candidacies else None


# --- Entry and counting --------------------------------------------------------------------------


TallyRefused, TallyWarnings = check_catalogue.TallyRefused, check_catalogue.TallyWarnings


def round_findings(
    rnd: ElectionRound,
    *,
    ballots_issued: int,
    totals: dict,
    per_ballot: bool = False,
    reconciliation: checks.Reconciliation | None = None,
) -> list[checks.Finding]:
    """The coded checks of a round's figures (ballots/checks.py), with the attendance and,
    for officers elected by the new committee's plenary, the number of its members."""
    expected, present = electorate(rnd, ballots_issued=ballots_issued)
    plenary = rnd.kind != ElectionRound.Kind.COMMITTEE and by_plenary(rnd.congress)
    return checks.congress_round(
        checks.CongressRound(
            issued=ballots_issued,
            returned=totals.get("returned", 0),
            invalid=totals.get("invalid", 0),
            for_=totals["for"],
            against=totals["against"],
            abstain=totals["abstain"],
            candidates=list(rnd.candidates),
            seats=rnd.seats,
            present=expected if plenary else present,
            plenary_members=expected if plenary else None,
            per_ballot=per_ballot,
            reconciliation=reconciliation or checks.Reconciliation(),
        ),
        check_catalogue.in_force(),
    )


def _record(
    rnd: ElectionRound,
    *,
    ballots_issued: int,
    totals=None,
    ballots=None,
    expected=None,
    present=None,
    stored_rules=None,
):
    """The round's ballot record: under the county's rules in force, or, for a counted
    round, under the rules it was counted by (``stored_rules``, the round's ``rules``)."""
    congress = rnd.congress
    if expected is None:
        expected, present = electorate(rnd, ballots_issued=ballots_issued)
    if stored_rules:
        settings = stored_rules
    else:
        county = counting_rules(congress)
        settings = {
            "quorum": county.quorum,
            "majority_base": county.majority_base,
            "source": county.source,
        }
    kind = counting.ElectionKind(rnd.election_kind)
    return counting.BallotRecord(
        election=kind,
        seats=rnd.seats,
        expected=expected,
        present=present,
        ballots_issued=ballots_issued,
        candidates=tuple(rnd.candidates),
        rules=counting.rules_for(kind, **settings),
        totals=counting.Totals(
            returned=totals["returned"],
            invalid=totals["invalid"],
            for_=totals["for"],
            against=totals["against"],
            abstain=totals["abstain"],
        )
        if totals is not None
        else None,
        ballots=tuple(
            counting.Ballot(
                for_=tuple(b.get("for", ())),
                against=tuple(b.get("against", ())),
                abstain=tuple(b.get("abstain", ())),
                write_in=tuple(b.get("write_in", ())),
            )
            for b in ballots
        )
        if ballots is not None
        else None,
        round=counting.RoundKind.SUPPLEMENTARY
        if rnd.round_type == ElectionRound.RoundType.SUPPLEMENTARY
        else counting.RoundKind.FIRST,
    )


def ballots_to_totals(rnd: ElectionRound, ballots: list[dict]) -> dict:
    """Per-ballot entry summed the way the counting rules count (for showing and checking)."""
    totals = {"returned": len(ballots), "invalid": 0, "for": {}, "against": {}, "abstain": {}}
    for b in ballots:
        if len(b.get("for", ())) + len(b.get("write_in", ())) > rnd.seats:
            totals["invalid"] += 1
            continue
        for key, names in (
            ("for", b.get("for", ()) + b.get("write_in", ())),
            ("against", b.get("against", ())),
            ("abstain", b.get("abstain", ())),
        ):
            for name in names:
                totals[key][name] = totals[key].get(name, 0) + 1
    return totals


def typed_figures(*, ballots_issued: int, totals=None, ballots=None, reconciliation=None) -> dict:
    """What a teller typed for a round, as one entry's figures (``ballots.double_entry``)."""
    rec = reconciliation or checks.Reconciliation()
    return {
        "ballots_issued": ballots_issued,
        "totals": totals,
        "ballots": ballots,
        "reconciliation": {"printed": rec.printed, "spoiled": rec.spoiled, "unused": rec.unused},
    }


def saved_figures(rnd: ElectionRound) -> dict | None:
    """The figures the round was counted from, as an entry's figures; None before the count."""
    if rnd.status != ElectionRound.Status.COUNTED:
        return None
    return typed_figures(
        ballots_issued=rnd.ballots_issued,
        totals=rnd.totals,
        ballots=rnd.ballots,
        reconciliation=_stored_reconciliation(rnd),
    )


def double_entered(rnd: ElectionRound) -> bool:
    """Entered twice: the round was opened so, or the county now requires it."""
    congress = rnd.congress
    return (
        rnd.double_entry
        or entered_twice.policy_for(congress.unit.county_id, congress.held_on).required
    )


@transaction.atomic
def round_enter(
    *,
    actor,
    rnd: ElectionRound,
    version: int,
    ballots_issued: int,
    totals: dict | None = None,
    ballots: list | None = None,
    reconciliation: checks.Reconciliation | None = None,
    acknowledgements: Mapping[str, str] | None = None,
) -> ElectionRound:
    """Record a count. Entered twice (``ballots.double_entry``), it counts once two accounts
    agree, or once the coordinator keeps one of two entries that differ. The coded checks
    (round_findings) refuse on an F finding; a W finding is saved once the clerk gives a
    reason for it (acknowledgements: finding key → reason). A form older than what is saved
    is refused with ``entered_twice.StaleEntry``."""
    rnd = _lock_round(rnd.pk)
    reconciliation = reconciliation or checks.Reconciliation()
    typed = typed_figures(
        ballots_issued=ballots_issued,
        totals=totals,
        ballots=ballots,
        reconciliation=reconciliation,
    )
    entered_twice.require_current(KIND, rnd, version, typed)
    rnd.congress.require_unlocked()
    if rnd.status == ElectionRound.Status.COUNTED:
        raise DomainError("本轮已计票，不能再录入。")
    held_on = rnd.congress.held_on
    if timezone.localdate() < held_on:
        raise DomainError(f"大会定于 {held_on:%Y-%m-%d} 召开，会议召开前不能录入计票结果。")
    missing = scrutiny_missing(rnd.congress)
    if missing:
        raise DomainError(missing)
    shown = totals if totals is not None else ballots_to_totals(rnd, ballots or [])
    double = double_entered(rnd)
    first = entered_twice.first_figures(KIND, rnd) if double else None
    if first is not None and _blank(reconciliation):
        # The second teller checks the votes; the ballot count signed at the first entry
        # stands unless they type it again, in which case it must agree.
        reconciliation = checks.Reconciliation(**first["reconciliation"])
        typed["reconciliation"] = dict(first["reconciliation"])
    findings = round_findings(
        rnd,
        ballots_issued=ballots_issued,
        totals=shown,
        per_ballot=totals is None,
        reconciliation=reconciliation,
    )
    check_catalogue.require_acknowledged(findings, acknowledgements)
    check_catalogue.acknowledgements_record(findings, acknowledgements, actor=actor, rnd=rnd)
    if double:
        state = entered_twice.entry_submit(kind=KIND, tally=rnd, actor=actor, figures=typed)
        if state != entered_twice.AGREED:
            return rnd
    _round_apply(rnd, actor=actor, figures=typed)
    return rnd


def _lock_round(pk: int) -> ElectionRound:
    return ElectionRound.objects.select_for_update().select_related("congress__unit").get(pk=pk)


def _round_apply(rnd: ElectionRound, *, actor, figures: dict) -> None:
    """Save and count one (agreed) entry: it joins the entry chain, as entered by ``actor``.
    The caller holds the round's row lock."""
    rnd.congress.require_unlocked()
    if rnd.status == ElectionRound.Status.COUNTED:
        raise DomainError("本轮已计票，不能再录入。")
    ballots_issued, totals, ballots = (
        figures["ballots_issued"],
        figures["totals"],
        figures["ballots"],
    )
    rec = figures["reconciliation"]
    rnd.ballots_printed, rnd.ballots_spoiled = rec["printed"], rec["spoiled"]
    rnd.ballots_unused = rec["unused"]
    expected, present = electorate(rnd, ballots_issued=ballots_issued)
    _entry_append(rnd, actor=actor, totals=totals, ballots=ballots, ballots_issued=ballots_issued)
    record = _record(rnd, ballots_issued=ballots_issued, totals=totals, ballots=ballots)
    result = counting.count_round(record)
    rnd.version += 1
    rnd.ballots_issued, rnd.expected, rnd.present = ballots_issued, expected, present
    rnd.totals, rnd.ballots = totals, ballots
    rnd.result = result.to_json_dict()
    rnd.rules = {
        "quorum": record.rules.quorum.value,
        "majority_base": record.rules.majority_base.value,
        "source": record.rules.source,
    }
    rnd.status, rnd.counted_at = ElectionRound.Status.COUNTED, timezone.now()
    rnd.save()
    _record_entrants(rnd, totals=totals, ballots=ballots, elected=result.elected)
    Congress.objects.filter(pk=rnd.congress_id, status=Congress.Status.SETUP).update(
        status=Congress.Status.HELD
    )
    _follow_up(rnd, result)


def _round_mark(rnd: ElectionRound, state: str | None) -> None:
    rnd.status = {
        entered_twice.FIRST: ElectionRound.Status.AWAITING_SECOND,
        entered_twice.DISPUTED: ElectionRound.Status.DISPUTED,
    }.get(state, ElectionRound.Status.OPEN)
    rnd.save(update_fields=["status"])


KIND = entered_twice.Kind.CONGRESS_ROUND
SUBJECT = entered_twice.Subject(
    kind=KIND,
    field="congress_round",
    lock=_lock_round,
    apply=_round_apply,
    saved=saved_figures,
    unit=lambda rnd: rnd.congress.unit,
    day=lambda rnd: rnd.congress.held_on,
    title=lambda rnd: f"{rnd.congress.unit.name}党员大会 {rnd}",
    url=lambda rnd: reverse("ballots:round-detail", args=[rnd.pk]),
    mark=_round_mark,
)


def _entry_append(rnd: ElectionRound, *, actor, totals, ballots, ballots_issued) -> TallyEntry:
    """Store one teller's entry, chained to the round's entry before it (``ballots.chain``).
    The caller holds the round's row lock, so no other entry can slip in between."""
    head = chain_heads.head_locked(rnd.entries.all(), congress_round=rnd)
    entry = TallyEntry(
        round=rnd,
        entered_by=actor,
        entered_at=timezone.now(),
        totals=totals,
        ballots=ballots,
        ballots_issued=ballots_issued,
        prev_hash=head.head_hash,
    )
    entry.entry_hash = chain.entry_hash(
        entry.prev_hash,
        figures=chain.entry_figures(ballots_issued=ballots_issued, totals=totals, ballots=ballots),
        entered_by=actor.pk,
        entered_at=entry.entered_at,
    )
    entry.save()
    chain_heads.head_advance(head, entry.entry_hash)
    return entry


def round_chain(rnd: ElectionRound) -> chain.ChainVerdict:
    """Recompute the round's entry chain from what is stored now, and check the round was
    counted from its last entry."""
    links = [
        chain.Link(
            prev_hash=e.prev_hash,
            entry_hash=e.entry_hash,
            figures=chain.entry_figures(
                ballots_issued=e.ballots_issued, totals=e.totals, ballots=e.ballots
            ),
            entered_by=e.entered_by_id,
            entered_at=e.entered_at,
        )
        for e in rnd.entries.order_by("entered_at", "id")
    ]
    counted = rnd.status == ElectionRound.Status.COUNTED
    return chain.check_chain(
        links,
        counted_from=chain.entry_figures(
            ballots_issued=rnd.ballots_issued, totals=rnd.totals, ballots=rnd.ballots
        )
        if counted
        else None,
        head=chain_heads.head_of(congress_round=rnd),
    )


def _record_entrants(rnd: ElectionRound, *, totals, ballots, elected) -> None:
    """Mark who was elected, and keep the names written in (resolved to a member later)."""
    written: set[str] = set()
    if totals is not None:
        written |= set(totals["for"])
    for ballot in ballots or []:
        written |= set(ballot.get("write_in", ()))
    written -= set(rnd.candidates)
    RoundCandidate.objects.bulk_create(
        RoundCandidate(round=rnd, name=name, order=999, write_in=True) for name in sorted(written)
    )
    rnd.entrants.filter(name__in=list(elected)).update(elected=True)


def _stored_reconciliation(rnd: ElectionRound) -> checks.Reconciliation:
    return checks.Reconciliation(
        printed=rnd.ballots_printed, spoiled=rnd.ballots_spoiled, unused=rnd.ballots_unused
    )


def _blank(reconciliation: checks.Reconciliation) -> bool:
    return all(
        v is None for v in (reconciliation.printed, reconciliation.spoiled, reconciliation.unused)
    )


def _follow_up(rnd: ElectionRound, result: counting.CountResult) -> None:
    """Void → vote again; tie → re-vote among the tied; shortfall → supplementary round.
    The people are those printed on this round's ballot, under the same printed names."""

    def follow(names, seats, round_type):
        # Read only when a round follows (most counts elect everyone at once).
        entrants = rnd.entrants.filter(write_in=False).select_related("person")
        printed = {e.name: e.person for e in entrants}
        people = [printed[n] for n in names if n in printed]
        round_open(
            congress=rnd.congress,
            kind=rnd.kind,
            previous=rnd,
            double_entry=rnd.double_entry,
            seats=seats,
            people=people,
            round_type=round_type,
            names={printed[n].pk: n for n in names if n in printed},
        )

    if result.outcome == counting.Outcome.VOID:
        follow(rnd.candidates, rnd.seats, rnd.round_type)
    elif result.outcome == counting.Outcome.TIE:
        follow(list(result.tied), result.unfilled, ElectionRound.RoundType.REVOTE)
    elif result.outcome == counting.Outcome.SHORTFALL:
        elected = set(result.elected)
        others = [n for n in rnd.candidates if n not in elected]
        if len(others) >= result.unfilled and rnd.kind == ElectionRound.Kind.COMMITTEE:
            follow(others, result.unfilled, ElectionRound.RoundType.SUPPLEMENTARY)


@transaction.atomic
def round_reduce_seats(*, rnd: ElectionRound, agreed: int, reason: str) -> ElectionRound:
    """Instead of a supplementary round: reduce the seats to those elected, when more than
    half of the electors present agree and the committee keeps its minimum size."""
    rnd = ElectionRound.objects.select_for_update().get(pk=rnd.pk)
    rnd.congress.require_unlocked()
    if rnd.round_type != ElectionRound.RoundType.SUPPLEMENTARY or rnd.status != "open":
        raise DomainError("只有尚未进行的另行选举可以改为减少职数。")
    if not reason.strip():
        raise DomainError("请写明减少职数的理由。")
    _expected, present = head_count(rnd.congress)
    if agreed * 2 <= present:
        raise DomainError(f"同意 {agreed} 人，未超过实到会 {present} 人的半数，不能减少职数。")
    elected = len(elected_members(rnd.congress))
    seats_min = rnd.congress.round.seats_min
    if elected < seats_min:
        raise DomainError(f"减少后委员只有 {elected} 名，少于最低职数 {seats_min} 名，须另行选举。")
    rnd.status = ElectionRound.Status.SEATS_REDUCED
    rnd.reduction_agreed, rnd.reduction_reason = agreed, reason.strip()[:300]
    rnd.save(update_fields=["status", "reduction_agreed", "reduction_reason"])
    return rnd


def round_record_json(rnd: ElectionRound) -> dict:
    """The round as a ballot record (ballot-record/1), with the stored result."""
    if rnd.status != ElectionRound.Status.COUNTED:
        raise DomainError("本轮尚未计票，不能导出选票记录。")
    record = _record(
        rnd,
        ballots_issued=rnd.ballots_issued,
        totals=rnd.totals,
        ballots=rnd.ballots,
        expected=rnd.expected,
        present=rnd.present,
        stored_rules=rnd.rules,
    )
    data = record_to_json_dict(record)
    data["result"] = rnd.result  # as counted and stored: what ``recount --verify`` checks
    return data


def round_seal(rnd: ElectionRound) -> tuple[str, str]:
    """(record hash, QR text) of a counted round: the SHA-256 of the ballot record the app
    exports for it (``round_record_json``), which ``recount --hash`` checks a file against."""
    digest = record_hash(round_record_json(rnd))
    return digest, seal_text(f"congress-round-{rnd.pk}", digest)


def round_seals(congress: Congress) -> list[tuple[ElectionRound, str, str]]:
    """(round, grouped hash, QR text) for every counted round, in round order."""
    seals = []
    for rnd in congress.rounds.filter(status=ElectionRound.Status.COUNTED).order_by("number"):
        digest, text = round_seal(rnd)
        seals.append((rnd, grouped_hash(digest), text))
    return seals


def elected_members(congress: Congress) -> list[RoundCandidate]:
    """The committee's elected members, in the order of the rounds that elected them."""
    return list(
        RoundCandidate.objects.filter(
            round__congress=congress,
            round__kind=ElectionRound.Kind.COMMITTEE,
            round__status=ElectionRound.Status.COUNTED,
            elected=True,
        )
        .select_related("person")
        .order_by("round__number", "order", "id")
    )


def formal_officer_candidates(congress: Congress) -> list[Candidacy]:
    """Formal candidates for 书记 and 副书记, where the congress elects them directly."""
    return list(
        Candidacy.objects.filter(
            round=congress.round,
            unit=congress.unit,
            body=Body.PARTY,
            status=Candidacy.Status.FORMAL,
            post__in=[Post.SECRETARY, Post.DEPUTY_SECRETARY],
        ).select_related("person")
    )


def write_in_choices(congress: Congress) -> list[Person]:
    """Members a write-in may be: on the congress's roster and entitled on its day."""
    return [
        a.member.person
        for a in congress.attendance.select_related("member__person")
        if a.member.entitled_on(congress.held_on)
    ]


def unresolved_write_ins(congress: Congress) -> list[RoundCandidate]:
    """Names written in and elected that are not yet tied to a member on the roster."""
    return list(
        RoundCandidate.objects.filter(
            round__congress=congress, write_in=True, elected=True, person__isnull=True
        ).select_related("round")
    )


@transaction.atomic
def write_in_resolve(*, entrant: RoundCandidate, person: Person) -> RoundCandidate:
    """Say which member on the roster an elected write-in is: an entitled member, once."""
    entrant = (
        RoundCandidate.objects.select_for_update()
        .select_related("round__congress")
        .get(pk=entrant.pk)
    )
    congress = entrant.round.congress
    congress.require_unlocked()
    if not entrant.write_in:
        raise DomainError("只有另选他人的姓名需要确认对应的党员。")
    if congress.status == Congress.Status.REPORTED:
        raise DomainError("选举结果已报批，不能再修改。")
    member = congress.attendance.filter(member__person=person).select_related("member").first()
    if member is None:
        raise DomainError(f"{person.name}不在本次大会的党员名册中。")
    if not member.member.entitled_on(congress.held_on):
        raise DomainError(
            f"{person.name}：{member.member.entitlement(congress.held_on)}，不能当选。"
        )
    if entrant.round.entrants.filter(person=person).exclude(pk=entrant.pk).exists():
        raise DomainError(f"{person.name}已在本轮选票上，不能再对应另选他人的“{entrant.name}”。")
    entrant.person = person
    entrant.save(update_fields=["person"])
    return entrant


# --- Report, public notice, approval -----------------------------------------------------------


def notice_end_for(start: datetime.date) -> datetime.date:
    try:
        return nth_working_day(start, NOTICE_WORKING_DAYS, declared=declared_calendar())
    except CalendarGap as exc:
        raise DomainError(str(exc)) from None


@transaction.atomic
def congress_report(*, congress: Congress, notice_start: datetime.date) -> Congress:
    """Report to the township and publish the result for at least 5 working days."""
    congress = Congress.objects.select_for_update().get(pk=congress.pk)
    congress.require_unlocked()
    if notice_start < congress.held_on:
        raise DomainError(f"公示开始日期不能早于大会召开日期 {congress.held_on:%Y-%m-%d}。")
    rounds = list(congress.rounds.all())
    done = (ElectionRound.Status.COUNTED, ElectionRound.Status.SEATS_REDUCED)
    if not rounds or any(r.status not in done for r in rounds):
        raise DomainError("还有未完成计票的轮次，不能报批。")
    if not elected_members(congress):
        raise DomainError("尚未选出委员会委员，不能报批。")
    pending = unresolved_write_ins(congress)
    if pending:
        names = "、".join(f"“{e.name}”" for e in pending)
        raise DomainError(f"另选他人当选的{names}尚未确认是名册中的哪位党员，不能报批。")
    congress.notice_start, congress.notice_end = notice_start, notice_end_for(notice_start)
    congress.status = Congress.Status.REPORTED
    congress.save(update_fields=["notice_start", "notice_end", "status"])
    return congress


@transaction.atomic
def congress_approve(*, actor, congress: Congress, today: datetime.date | None = None) -> Congress:
    congress = Congress.objects.select_for_update().get(pk=congress.pk)
    today = today or timezone.localdate()
    if congress.status != Congress.Status.REPORTED:
        raise DomainError("只能批复已报批的选举结果。")
    if congress.notice_end and today <= congress.notice_end:
        raise DomainError(f"公示期至 {congress.notice_end:%Y-%m-%d} 结束，公示期满后才能批复。")
    congress.status, congress.approved_by, congress.approved_at = (
        Congress.Status.APPROVED,
        actor,
        timezone.now(),
    )
    congress.save(update_fields=["status", "approved_by", "approved_at"])
    term = party_term_write(congress)
    candidacies_learn_outcome(
        actor=actor,
        round_id=congress.round_id,
        unit_id=congress.unit_id,
        body=Body.PARTY,
        posts=dict(term.members.values_list("person_id", "post")),
    )
    return congress


def party_term_write(congress) -> Term:
    """The party committee's term from an approved congress, by the people elected (replaces
    its members on re-approval, so approving again after a reopen stays idempotent)."""
    elected: dict[int, str] = {}
    entrants = RoundCandidate.objects.filter(
        round__congress=congress, round__status=ElectionRound.Status.COUNTED, elected=True
    ).select_related("round")
    for e in entrants.order_by("round__number", "order", "id"):
        if e.person_id is None:
            raise DomainError(f"另选他人当选的“{e.name}”尚未确认是名册中的哪位党员，不能批复。")
        post = KIND_POST[e.round.kind]
        if post == Post.PARTY_MEMBER:
            elected.setdefault(e.person_id, post)
        else:
            elected[e.person_id] = post
    term, _ = Term.objects.update_or_create(
        unit=congress.unit,
        body=Body.PARTY,
        elected_on=congress.held_on,
        defaults={"round": congress.round},
    )
    term.members.all().delete()
    TermMember.objects.bulk_create(
        TermMember(term=term, person_id=person_id, post=post) for person_id, post in elected.items()
    )
    return term


@transaction.atomic
def congress_reopen(*, actor, congress: Congress, reason: str) -> Congress:
    if not reason.strip():
        raise DomainError("重新打开已批复的结果须写明原因。")
    congress = Congress.objects.select_for_update().get(pk=congress.pk)
    if not congress.is_locked:
        raise DomainError("该结果未批复锁定，无需重新打开。")
    congress.status, congress.reopen_reason = Congress.Status.REPORTED, reason.strip()[:300]
    candidacies_forget_outcome(
        actor=actor,
        round_id=congress.round_id,
        unit_id=congress.unit_id,
        body=Body.PARTY,
        reason=congress.reopen_reason,
    )
    congress.approved_by, congress.approved_at = None, None
    congress.secretary_filed_by, congress.secretary_filed_at = None, None
    congress.save(
        update_fields=[
            "status",
            "reopen_reason",
            "approved_by",
            "approved_at",
            "secretary_filed_by",
            "secretary_filed_at",
        ]
    )
    return congress


def elected_officers(congress: Congress) -> list[RoundCandidate]:
    """The elected secretary and deputy secretaries, in the order of their rounds."""
    return list(
        RoundCandidate.objects.filter(
            round__congress=congress,
            round__kind__in=[ElectionRound.Kind.SECRETARY, ElectionRound.Kind.DEPUTY_SECRETARY],
            round__status=ElectionRound.Status.COUNTED,
            elected=True,
        )
        .select_related("round")
        .order_by("round__number", "order", "id")
    )


def elected_secretary(congress: Congress) -> RoundCandidate | None:
    return (
        RoundCandidate.objects.filter(
            round__congress=congress,
            round__kind=ElectionRound.Kind.SECRETARY,
            round__status=ElectionRound.Status.COUNTED,
            elected=True,
        )
        .select_related("person")
        .order_by("-round__number")
        .first()
    )


@transaction.atomic
def congress_file_secretary(*, actor, congress: Congress) -> Congress:
    """The county files the elected secretary once the township has approved the result."""
    congress = Congress.objects.select_for_update().get(pk=congress.pk)
    if congress.status != Congress.Status.APPROVED:
        raise DomainError("选举结果批复后才能将书记报县备案。")
    if elected_secretary(congress) is None:
        raise DomainError("尚未选出书记，不能备案。")
    if congress.secretary_filed_at:
        raise DomainError("书记已备案。")
    congress.secretary_filed_by, congress.secretary_filed_at = actor, timezone.now()
    congress.save(update_fields=["secretary_filed_by", "secretary_filed_at"])
    return congress
