"""The 村(居)务监督委员会 of a village or community, elected in the same renewal as its
committee, on the same voter register, by the 村(居)民会议 or the 村(居)民代表会议.

It follows the committee's result: the committee's members may not sit on it, and neither
may their close relatives (the relatives each member declared when nominated, told apart by
ID number). Both are refused at nomination, with the relationship stated. A vote of the
meeting is entered as its totals and counted by the shared engine (``ballots.counting``) as a
ballot record, as the committee's later rounds are; the confirmed result is a term of the
body (``renewal.Term``) like the two committees'.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ballots import check_catalogue, checks, counting
from ballots import double_entry as entered_twice
from ballots.models import (
    GroupOfficer,
    NomineeRelative,
    SupervisionAssembly,
    SupervisionElection,
    SupervisionNomination,
    SupervisionRound,
    VillagersElection,
    VillagersNomination,
    VillagersRound,
)
from ballots.record import record_to_json_dict
from ballots.villagers import entry_chain
from ballots.villagers import vote as vv
from renewal.kit import crypto
from renewal.kit.naming import ballot_names, standing
from renewal.models import Body, DomainError, Person, Post, Term, TermMember

MEMBER_LABEL = "监督委员会成员"


# --- Pure rules ----------------------------------------------------------------------------------


def meeting_convened(*, assembly: str, expected: int, present: int) -> bool:
    """A 村(居)民代表会议 sits with at least two thirds of its members present (组织法
    第二十六条); a 村(居)民会议's quorum is the counting engine's (more than half)."""
    if assembly == SupervisionElection.Assembly.REPRESENTATIVES:
        return 3 * present >= 2 * expected
    return True


def assemblies_allowed(pack_assembly: str) -> list[str]:
    """The meetings the rule pack lets elect the committee."""
    if pack_assembly == SupervisionAssembly.EITHER:
        return list(SupervisionElection.Assembly.values)
    return [pack_assembly]


# --- Reads --------------------------------------------------------------------------------------


def supervision_of(election: VillagersElection) -> SupervisionElection | None:
    return SupervisionElection.objects.filter(villagers=election).first()


def committee_members(election: VillagersElection):
    """The seated members of the committee this election confirmed."""
    return (
        vv._seated(
            TermMember.objects.filter(
                term__unit_id=election.unit_id,
                term__round_id=election.round_id,
                term__body=Body.VILLAGERS,
            )
        )
        .select_related("person")
        .order_by("id")
    )


def barred_reason(election: VillagersElection, person: Person) -> str | None:
    """Why ``person`` may not sit on the supervision committee, or None."""
    body = election.unit.words["supervision"]
    committee = election.committee_name
    members = list(committee_members(election))
    for m in members:
        if m.person_id == person.pk:
            return (
                f"{person.name}是本届{committee}{m.get_post_display()}，"
                f"{committee}成员不得担任{body}成员。"
            )
    if not election.pack.supervision_bars_relatives or not person.id_number_hash:
        return None
    relative = (
        NomineeRelative.objects.filter(
            nomination__election=election,
            nomination__person_id__in=[m.person_id for m in members],
            id_number_hash=person.id_number_hash,
        )
        .select_related("nomination__person")
        .first()
    )
    if relative is None:
        return None
    member = next(m for m in members if m.person_id == relative.nomination.person_id)
    relation = relative.relation or "近亲属"
    return (
        f"{person.name}是{committee}{member.get_post_display()}{member.person.name}的{relation}，"
        f"{committee}成员的近亲属不得担任{body}成员（{election.pack.bodies_source}）。"
    )


def expected_at_meeting(supervision: SupervisionElection) -> int:
    """Who may vote: the registered voters at a 村(居)民会议; the representatives elected in
    this renewal by the meeting day at a 村(居)民代表会议."""
    election = supervision.villagers
    if supervision.assembly == SupervisionElection.Assembly.REPRESENTATIVES:
        return GroupOfficer.objects.filter(
            election=election,
            role=GroupOfficer.Role.REPRESENTATIVE,
            elected_on__lte=supervision.meeting_day,
        ).count()
    return vv.registered_voters(election).count()


def elected_names(supervision: SupervisionElection) -> list[str]:
    out: list[str] = []
    for rnd in supervision.rounds.filter(status=VillagersRound.Status.COUNTED).order_by("number"):
        out.extend((rnd.result or {}).get("elected", []))
    return out


def formal_names(supervision: SupervisionElection) -> dict[str, Person]:
    """Each formal candidate's printed name to the person."""
    rows = supervision.nominations.filter(formal=True).select_related("person")
    return {n.ballot_name or n.person.name: n.person for n in rows}


def _lock(supervision: SupervisionElection) -> SupervisionElection:
    return (
        SupervisionElection.objects.select_for_update()
        .select_related("villagers__unit", "villagers__pack", "villagers__round")
        .get(pk=supervision.pk)
    )


def _require_open(supervision: SupervisionElection) -> None:
    if supervision.status == SupervisionElection.Status.APPROVED:
        raise DomainError("选举结果已确认，已锁定，不能再修改。")


def _require_no_count(supervision: SupervisionElection, what: str) -> None:
    if supervision.rounds.filter(status=VillagersRound.Status.COUNTED).exists():
        raise DomainError(f"已开始计票，不能再{what}。")


# --- Set-up and nominations -----------------------------------------------------------------------


@transaction.atomic
def supervision_setup(
    *,
    election: VillagersElection,
    assembly: str,
    seats: int,
    meeting_day: datetime.date,
    actor=None,
) -> SupervisionElection:
    """Set up (or change, before any count) the election of the supervision committee."""
    election = vv._lock(election)
    pack = election.pack
    body = election.unit.words["supervision"]
    allowed = assemblies_allowed(pack.supervision_assembly)
    if assembly not in allowed:
        names = "或".join(SupervisionElection.Assembly(a).label for a in allowed)
        raise DomainError(f"按{pack.name}，{body}由{names}推选。")
    if not pack.supervision_min_seats <= seats <= pack.supervision_max_seats:
        raise DomainError(
            f"按{pack.name}，{body}应选 {pack.supervision_min_seats} 至 "
            f"{pack.supervision_max_seats} 人。"
        )
    if meeting_day < election.election_day:
        raise DomainError(
            f"会议日期不能早于{election.committee_name}选举日 {election.election_day:%Y-%m-%d}。"
        )
    supervision = SupervisionElection.objects.select_for_update().filter(villagers=election).first()
    if supervision is None:
        return SupervisionElection.objects.create(
            villagers=election, assembly=assembly, seats=seats, meeting_day=meeting_day
        )
    _require_open(supervision)
    if (supervision.assembly, supervision.seats, supervision.meeting_day) == (
        assembly,
        seats,
        meeting_day,
    ):
        return supervision
    _require_no_count(supervision, "修改推选会议或应选人数")
    if seats != supervision.seats:
        _reopen_list(supervision)
    supervision.assembly, supervision.seats, supervision.meeting_day = assembly, seats, meeting_day
    supervision.version += 1
    supervision.save(update_fields=["assembly", "seats", "meeting_day", "version"])
    return supervision


def _reopen_list(supervision: SupervisionElection) -> None:
    """The formal list no longer holds (seats or nominees changed): fix it again."""
    supervision.rounds.filter(status=VillagersRound.Status.OPEN).delete()
    supervision.nominations.filter(formal=True).update(formal=False, ballot_name="")
    if supervision.status != SupervisionElection.Status.NOMINATING:
        supervision.status = SupervisionElection.Status.NOMINATING
        supervision.save(update_fields=["status"])


@transaction.atomic
def supervision_nominate(
    *,
    supervision: SupervisionElection,
    person: Person,
    nominators: int,
    source: str,
    relatives: Sequence[tuple[str, ...]] = (),
    actor=None,
) -> SupervisionNomination:
    """Nominate a registered voter; a committee member or a member's close relative is
    refused here, with the relationship stated: as a member declared it, or as the nominee
    declares it (``relatives``: name, ID number and optionally the relationship)."""
    supervision = _lock(supervision)
    election = supervision.villagers
    _require_open(supervision)
    _require_no_count(supervision, "提名候选人")
    if election.status != VillagersElection.Status.APPROVED:
        body, committee = supervision.body_name, election.committee_name
        raise DomainError(
            f"须先确认{committee}选举结果，再提名{body}成员候选人："
            f"{committee}成员及其近亲属不得担任{body}成员。"
        )
    if source not in VillagersNomination.Source.values:
        raise DomainError("请选择提名方式。")
    if nominators < 1:
        raise DomainError("提名人数至少为 1。")
    if not vv.registered_voters(election).filter(person=person).exists():
        raise DomainError(f"{person.name}不是本次选举的登记选民，不能被提名。")
    if supervision.nominations.filter(person=person).exists():
        raise DomainError(f"{person.name}已被提名为{supervision.body_name}成员候选人。")
    reason = barred_reason(election, person) or _declared_relative_reason(
        election, person, relatives
    )
    if reason:
        raise DomainError(reason)
    nomination = SupervisionNomination.objects.create(
        election=supervision, person=person, nominators=nominators, source=source
    )
    NomineeRelative.objects.bulk_create(
        NomineeRelative(
            supervision_nomination=nomination,
            name=name,
            relation=(rest[0] if rest else "")[:12],
            id_number_hash=crypto.blind_index(id_number, purpose="id"),
        )
        for name, id_number, *rest in relatives
    )
    return nomination


def _declared_relative_reason(election, person, relatives) -> str | None:
    """A relative the nominee declares who sits on the committee bars the nominee too."""
    if not election.pack.supervision_bars_relatives or not relatives:
        return None
    members = {m.person.id_number_hash: m for m in committee_members(election)}
    for _name, id_number, *rest in relatives:
        member = members.get(crypto.blind_index(id_number, purpose="id"))
        if member is None:
            continue
        committee, body = election.committee_name, election.unit.words["supervision"]
        relation = rest[0] if rest else "近亲属"
        return (
            f"{person.name}申报的{relation}{member.person.name}是{committee}"
            f"{member.get_post_display()}，{committee}成员的近亲属不得担任{body}成员"
            f"（{election.pack.bodies_source}）。"
        )
    return None


@transaction.atomic
def supervision_nomination_remove(*, nomination: SupervisionNomination, actor=None) -> None:
    supervision = _lock(nomination.election)
    _require_open(supervision)
    _require_no_count(supervision, "撤销提名")
    was_formal = nomination.formal
    nomination.delete()
    if was_formal:
        _reopen_list(supervision)


@transaction.atomic
def supervision_candidates_confirm(
    *, supervision: SupervisionElection, nomination_ids: Sequence[int], actor=None
) -> SupervisionRound:
    """Fix the formal candidates (差额, by the pack's surplus) and open the first vote."""
    supervision = _lock(supervision)
    election = supervision.villagers
    _require_open(supervision)
    _require_no_count(supervision, "修改正式候选人")
    chosen = list(supervision.nominations.filter(pk__in=nomination_ids).select_related("person"))
    needed = vv.candidates_needed(supervision.seats, election.pack.surplus_min_extra)
    if len(chosen) < needed:
        raise DomainError(
            f"{supervision.body_name}应选 {supervision.seats} 名，正式候选人至少 {needed} 名"
            f"（差额选举），现只有 {len(chosen)} 名，还需 {needed - len(chosen)} 名。"
        )
    # A nominee who was valid when nominated may have become barred since (a recall, a
    # corrected relative): checked again when the list is fixed.
    for n in chosen:
        reason = barred_reason(election, n.person)
        if reason:
            raise DomainError(reason)
    _reopen_list(supervision)
    printed = ballot_names(standing(n.person) for n in chosen)
    for n in chosen:
        n.formal, n.ballot_name = True, printed[n.person_id]
        n.save(update_fields=["formal", "ballot_name"])
    rnd = SupervisionRound.objects.create(
        election=supervision,
        number=_next_number(supervision),
        election_kind=counting.ElectionKind.VILLAGERS_COMMITTEE.value,
        seats=supervision.seats,
        candidates=vv.sorted_names(printed.values()),
    )
    supervision.status = SupervisionElection.Status.VOTING
    supervision.save(update_fields=["status"])
    return rnd


def _next_number(supervision: SupervisionElection) -> int:
    last = supervision.rounds.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


# --- The vote --------------------------------------------------------------------------------------


def round_typed(
    *, present: int, ballots_returned: int, ballots_invalid: int, votes: Mapping[str, int]
) -> dict:
    """The meeting's totals as one entry's figures (``ballots.double_entry``)."""
    return {
        "present": present,
        "ballots_returned": ballots_returned,
        "ballots_invalid": ballots_invalid,
        "votes": dict(votes),
    }


def round_saved(rnd: SupervisionRound) -> dict | None:
    if rnd.status != VillagersRound.Status.COUNTED:
        return None
    totals = rnd.totals or {}
    return round_typed(
        present=rnd.present,
        ballots_returned=totals.get("returned"),
        ballots_invalid=totals.get("invalid"),
        votes=totals.get("for", {}),
    )


def _lock_round(pk: int) -> SupervisionRound:
    rnd = SupervisionRound.objects.select_for_update().get(pk=pk)
    rnd.election = _lock(rnd.election)
    return rnd


def _require_enterable(supervision: SupervisionElection, rnd: SupervisionRound) -> None:
    _require_open(supervision)
    if rnd.status != VillagersRound.Status.OPEN:
        raise DomainError("本轮已计票，不能再录入。")


def round_findings(
    supervision: SupervisionElection, rnd: SupervisionRound, figures: Mapping
) -> list[checks.Finding]:
    """The coded checks of the meeting's totals, in the villagers' election's wording; a
    meeting that may not sit or a vote before the meeting day is refused outright."""
    if timezone.localdate() < supervision.meeting_day:
        raise DomainError(
            f"会议日期为 {supervision.meeting_day:%Y-%m-%d}，会议之前不能录入投票结果。"
        )
    outside = sorted(set(figures["votes"]) - set(rnd.candidates))
    if outside:
        raise DomainError(
            f"{'、'.join(outside)}不是本轮的正式候选人；{supervision.body_name}成员只能从"
            "经过资格审查的正式候选人中推选，请核对计票单。"
        )
    expected = expected_at_meeting(supervision)
    if expected < 1:
        raise DomainError(f"尚未登记{supervision.assembly_name}的组成人员，不能计票。")
    present = figures["present"]
    findings = checks.villagers_count(
        checks.VillagersCount(
            issued=present,
            returned=figures["ballots_returned"],
            invalid=figures["ballots_invalid"],
            votes={MEMBER_LABEL: dict(figures["votes"])},
            candidates={MEMBER_LABEL: list(rnd.candidates)},
            seats={MEMBER_LABEL: rnd.seats},
            taken=frozenset(elected_names(supervision)),
            registered=expected,
            present=present,
        ),
        check_catalogue.in_force(check_catalogue.VILLAGERS_ONLY),
    )
    refused = checks.refused(findings)
    if refused:
        raise check_catalogue.TallyRefused(refused)
    if not meeting_convened(assembly=supervision.assembly, expected=expected, present=present):
        raise DomainError(
            f"{supervision.assembly_name}应到 {expected} 人，实到 {present} 人，"
            "须有三分之二以上的组成人员参加方可召开，本次会议不能推选。"
        )
    return findings


@transaction.atomic
def supervision_round_enter(
    *,
    rnd: SupervisionRound,
    version: int,
    actor,
    present: int,
    ballots_returned: int,
    ballots_invalid: int,
    votes: Mapping[str, int],
    acknowledgements: Mapping[str, str] | None = None,
) -> SupervisionRound:
    """The meeting's vote as its totals. The coded checks apply as to a villagers' later
    round: F refuses, each W needs the clerk's reason, kept with the round. Entered twice
    where the county requires it; a save over a newer version is refused
    (``entered_twice.StaleEntry``)."""
    rnd = _lock_round(rnd.pk)
    supervision = rnd.election
    clean = {n.strip(): int(v) for n, v in votes.items() if n.strip() and v}
    typed = round_typed(
        present=present,
        ballots_returned=ballots_returned,
        ballots_invalid=ballots_invalid,
        votes=clean,
    )
    entered_twice.require_current(SUPERVISION, rnd, version, typed)
    _require_enterable(supervision, rnd)
    findings = round_findings(supervision, rnd, typed)
    check_catalogue.require_acknowledged(findings, acknowledgements)
    check_catalogue.acknowledgements_record(
        findings, acknowledgements, actor=actor, supervision_round=rnd
    )
    if entered_twice.required(SUBJECT, rnd):
        state = entered_twice.entry_submit(kind=SUPERVISION, tally=rnd, actor=actor, figures=typed)
        if state != entered_twice.AGREED:
            return rnd
    _round_apply(rnd, actor=actor, figures=typed)
    return rnd


def _round_apply(rnd: SupervisionRound, *, actor, figures: dict) -> None:
    """Count one (agreed or kept) entry of the meeting's vote; it joins the villagers'
    election's entry chain. The caller holds the round's and the election's locks."""
    supervision = rnd.election
    election = supervision.villagers
    _require_enterable(supervision, rnd)
    taken = set(elected_names(supervision))
    present = figures["present"]
    rnd.expected = expected_at_meeting(supervision)
    rnd.present, rnd.ballots_issued = present, present
    rnd.totals = {
        "returned": figures["ballots_returned"],
        "invalid": figures["ballots_invalid"],
        "for": figures["votes"],
    }
    rnd.entered_by = actor
    rnd.version += 1
    result = vv._count(rnd, election)
    rnd.save()
    entry_chain.entry_append(
        election=election,
        actor=actor,
        figures=entry_chain.round_figures(rnd),
        supervision_round=rnd,
    )
    _follow_up(supervision, rnd, result, taken | set(result.elected))
    _refresh_status(supervision)


def _follow_up(supervision, rnd: SupervisionRound, result: counting.CountResult, taken) -> None:
    """Void → voted again; tie → re-vote among the tied; shortfall → 另行选举."""
    if result.outcome == counting.Outcome.ELECTED:
        return
    if result.outcome == counting.Outcome.VOID:
        seats, names = rnd.seats, list(rnd.candidates)
        kind = (
            VillagersRound.RoundType.REVOTE
            if rnd.round_type == VillagersRound.RoundType.FIRST
            else rnd.round_type
        )
    elif result.outcome == counting.Outcome.TIE:
        seats, names = result.unfilled, list(result.tied)
        kind = (
            VillagersRound.RoundType.SUPPLEMENTARY
            if rnd.round_type == VillagersRound.RoundType.SUPPLEMENTARY
            else VillagersRound.RoundType.REVOTE
        )
    else:
        seats = result.unfilled
        names = [r["name"] for r in rnd.result["results"] if r["name"] in rnd.candidates]
        kind = VillagersRound.RoundType.SUPPLEMENTARY
    names = [n for n in names if n not in taken]
    if not names:
        return
    SupervisionRound.objects.create(
        election=supervision,
        number=_next_number(supervision),
        election_kind=rnd.election_kind,
        round_type=kind,
        previous=rnd,
        seats=seats,
        candidates=vv.sorted_names(names),
    )


def _refresh_status(supervision: SupervisionElection) -> None:
    open_rounds = supervision.rounds.filter(status=VillagersRound.Status.OPEN).exists()
    status = (
        SupervisionElection.Status.VOTING if open_rounds else SupervisionElection.Status.COUNTED
    )
    SupervisionElection.objects.filter(pk=supervision.pk).update(status=status)
    supervision.status = status


def round_record_json(rnd: SupervisionRound) -> dict:
    """The round as a ballot-record/1 object, with the stored result (``recount`` checks it)."""
    if rnd.status != VillagersRound.Status.COUNTED:
        raise DomainError("本轮尚未计票，不能导出选票记录。")
    data = record_to_json_dict(vv._record(rnd, rnd.election.villagers))
    data["result"] = rnd.result
    return data


# --- Result ---------------------------------------------------------------------------------------


@transaction.atomic
def supervision_approve(*, supervision: SupervisionElection, chair: Person | None, actor) -> Term:
    """Confirm the result: the elected form the body's new term, the chair among them."""
    supervision = _lock(supervision)
    election = supervision.villagers
    if supervision.status == SupervisionElection.Status.APPROVED:
        raise DomainError("选举结果已确认。")
    if supervision.status != SupervisionElection.Status.COUNTED:
        raise DomainError("尚未完成计票（或还有待进行的重新投票、另行选举），不能确认结果。")
    names = elected_names(supervision)
    if not names:
        raise DomainError("没有人当选，不能确认结果。")
    printed = formal_names(supervision)
    unknown = [n for n in names if n not in printed]
    if unknown:
        raise DomainError(
            f"当选的{'、'.join(f'“{n}”' for n in unknown)}不是正式候选人，请核对本轮录入。"
        )
    people = [printed[n] for n in names]
    if chair is None or chair.pk not in {p.pk for p in people}:
        raise DomainError(f"请从当选人中选定{supervision.body_name}主任。")
    for person in people:
        reason = barred_reason(election, person)
        if reason:
            raise DomainError(reason)
    term, _ = Term.objects.update_or_create(
        unit=election.unit,
        body=Body.SUPERVISION,
        elected_on=supervision.meeting_day,
        defaults={"round": election.round},
    )
    term.members.all().delete()
    TermMember.objects.bulk_create(
        TermMember(
            term=term,
            person=p,
            post=Post.SUPERVISION_CHAIR if p.pk == chair.pk else Post.SUPERVISION_MEMBER,
        )
        for p in people
    )
    supervision.chair = chair
    supervision.approved_by, supervision.approved_at = actor, timezone.now()
    supervision.status = SupervisionElection.Status.APPROVED
    supervision.save(update_fields=["chair", "approved_by", "approved_at", "status"])
    return term


# --- Double entry ------------------------------------------------------------------------------

SUPERVISION = entered_twice.Kind.SUPERVISION_ROUND
SUBJECT = entered_twice.Subject(
    kind=SUPERVISION,
    field="supervision_round",
    lock=_lock_round,
    apply=_round_apply,
    saved=round_saved,
    unit=lambda rnd: rnd.election.villagers.unit,
    day=lambda rnd: rnd.election.meeting_day,
    title=lambda rnd: f"{rnd.election} {rnd}",
    url=lambda rnd: reverse("villagers:supervision-round", args=[rnd.pk]),
)
