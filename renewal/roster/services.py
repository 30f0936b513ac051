"""Roster services: every change to a branch's members goes through here (the pages and the
Excel import alike). Each runs in one transaction with the branch locked, so two clerks
working on the same roster take turns; the models are pghistory-tracked, so every change is
in the audit trail with the user who made it.

People are found by citizen ID number (blind index), never by name: a number already known
under another name is refused, never renamed; a new person's birth date and sex come from
the number.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from renewal.kit import crypto
from renewal.kit.idcard import IdNumberError, parse_id_number
from renewal.models import DomainError, PartyBranch, PartyMember, Person, RosterChange
from renewal.roster.rules import MemberDates, member_problems

DATE_FIELDS = ("regularized_on", "on_probation", "probation_until", "transferred_in_on", "left_on")


class RosterError(DomainError):
    """A refused roster change; ``fields`` maps each form field to its Chinese message."""

    def __init__(self, fields: dict[str, str]):
        self.fields = fields
        super().__init__("；".join(fields.values()))


def elsewhere(member: PartyMember) -> str:
    unit = member.branch.unit
    return (
        f"此人的组织关系在{unit.township.name}{unit.name}（{member.branch.name}），尚未登记转出；"
        "请原党组织先登记转出，再在本名册登记转入。"
    )


def left_here(member: PartyMember) -> str:
    return (
        f"{member.person.name}的组织关系已于 {member.left_on:%Y-%m-%d} 转出本党组织；"
        "如已转回，请在名册中修改其转入、转出日期。"
    )


# --- The freeze while a congress's attendance is open --------------------------------------------

# ballots.models.Congress.Status.APPROVED: the approved congress's record is locked on its own,
# and the roster goes back to ordinary keeping (the ground floor does not import ballots).
CONGRESS_APPROVED = "approved"


def open_congress(branch: PartyBranch):
    """The congress whose attendance roster was taken from this roster and is not approved yet;
    while there is one the roster is frozen: changes only as corrections with a reason."""
    return (
        branch.unit.congresses.filter(attendance__isnull=False)
        .exclude(status=CONGRESS_APPROVED)
        .distinct()
        .order_by("-held_on", "-pk")
        .first()
    )


def frozen_refusal(congress) -> str:
    return (
        f"党员大会（{congress.held_on:%Y-%m-%d}）已按本名册登记到会名册，名册已冻结，"
        "不能再直接增加、修改或删除党员；确需变更的，请填写更正理由，作为更正记录。"
    )


def _correction(branch: PartyBranch, reason: str):
    """The open congress (or None) and the correction's reason, required while frozen."""
    return _reason_for(open_congress(branch), reason)


def _reason_for(congress, reason: str):
    if congress is None:
        return None, ""
    reason = (reason or "").strip()
    if not reason:
        raise RosterError({"reason": frozen_refusal(congress)})
    if len(reason) > 300:
        raise RosterError({"reason": "更正理由不能超过 300 个字。"})
    return congress, reason


def _record(congress, reason, member: PartyMember, kind, *, actor, detail="") -> None:
    if congress is None:
        return
    RosterChange.objects.create(
        branch_id=member.branch_id,
        round_id=congress.round_id,
        person_id=member.person_id,
        kind=kind,
        detail=detail[:300],
        reason=reason,
        made_by=actor,
    )


def _changes(before: MemberDates, after: MemberDates) -> str:
    words = []
    for field in ("status", "joined_on", *DATE_FIELDS):
        old, new = getattr(before, field), getattr(after, field)
        if old == new:
            continue
        label = PartyMember._meta.get_field(field).verbose_name
        if field == "status":
            old, new = PartyMember.Status(old).label, PartyMember.Status(new).label
        elif field == "on_probation":
            old, new = ("是" if old else "否"), ("是" if new else "否")
        else:
            old = f"{old:%Y-%m-%d}" if old else "未填"
            new = f"{new:%Y-%m-%d}" if new else "未填"
        words.append(f"{label}由{old}改为{new}")
    return "；".join(words)


def roster_changes(branch: PartyBranch, round_id):
    """Corrections of the roster recorded during the round's congress, oldest first."""
    return (
        RosterChange.objects.filter(branch=branch, round_id=round_id)
        .select_related("person", "made_by__profile")
        .order_by("made_at", "pk")
    )


# --- People ------------------------------------------------------------------------------------


def roster_person(
    *,
    id_number: str,
    name: str,
    ethnicity: str = "",
    education: str = "",
    status: str = "",
    joined_on: datetime.date | None = None,
) -> Person:
    """The person with this ID number, created from the number if new (a member of the
    party by ``status`` since ``joined_on``).

    The same lookup as the voter register's: an existing person keeps their name (another
    name is refused) and their recorded data; a blank education is filled in.
    """
    try:
        info = parse_id_number(id_number)
    except IdNumberError as exc:
        raise RosterError({"id_number": str(exc)}) from None
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise RosterError({"name": "请填写姓名（不超过 40 个字）。"})
    digest = crypto.blind_index(info.number, purpose="id")
    person = Person.objects.select_for_update().filter(id_number_hash=digest).first()
    if person is not None:
        if person.name != name:
            raise RosterError({"name": Person.name_mismatch(person.name, name)})
        if education and not person.education:
            person.education = education
            person.save(update_fields=["education"])
        return person
    person = Person(
        name=name,
        sex=info.sex,
        birth_date=info.birth_date,
        ethnicity=(ethnicity or "").strip() or "汉族",
        education=education or "",
        political_status=_political(status),
        party_joined_on=joined_on,
    )
    person.set_id_number(info.number)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise DomainError("此人刚刚被他人登记，请重新提交。") from None
    return person


def _sync_person(member: PartyMember) -> None:
    """The person's party status follows the roster they are on now."""
    if member.left_on is not None:
        return
    person = member.person
    political = _political(member.status)
    if (person.political_status, person.party_joined_on) != (political, member.joined_on):
        person.political_status, person.party_joined_on = political, member.joined_on
        person.save(update_fields=["political_status", "party_joined_on"])


def _political(status: str) -> str:
    return {
        PartyMember.Status.FULL: Person.PoliticalStatus.FULL_MEMBER,
        PartyMember.Status.PROBATIONARY: Person.PoliticalStatus.PROBATIONARY,
    }.get(status, Person.PoliticalStatus.MASSES)


def _check(dates: MemberDates, person: Person, today) -> None:
    problems = member_problems(dates, birth_date=person.birth_date, today=today)
    if problems:
        raise RosterError(problems)


def _lock(branch: PartyBranch) -> PartyBranch:
    return PartyBranch.objects.select_for_update().get(pk=branch.pk)


def _memberships(person: Person, branch: PartyBranch, *, lock=False) -> PartyMember | None:
    """The person's row on this roster (or None); refused if still on another one. One
    query for both."""
    rows = PartyMember.objects.filter(person=person).select_related("branch__unit__township")
    here = None
    for row in rows.select_for_update(of=("self",)) if lock else rows:
        if row.branch_id == branch.pk:
            here = row
        elif row.left_on is None:
            raise RosterError({"id_number": elsewhere(row)})
    if here is not None:
        here.person, here.branch = person, branch
    return here


# --- Members -----------------------------------------------------------------------------------
# The public services lock the branch and call these steps; an import row is one service
# call, so a file and the pages apply the same rules.


def _add(branch, person, *, status, joined_on, today, **dates) -> PartyMember:
    here = _memberships(person, branch)
    if here is not None and here.left_on is not None:
        raise RosterError({"id_number": left_here(here)})
    if here is not None:
        raise RosterError({"id_number": f"{person.name}已在本党组织名册中。"})
    member = PartyMember(branch=branch, person=person, status=status, joined_on=joined_on, **dates)
    return _save(member, today, fields=None)


def _update(member, *, status, joined_on, today, **dates) -> PartyMember:
    member.status, member.joined_on = status, joined_on
    for field, value in dates.items():
        setattr(member, field, value)
    return _save(member, today, fields=["status", "joined_on", *dates])


def _save(member, today, *, fields) -> PartyMember:
    _check(member_dates(member), member.person, today)
    # Branch and person are the locked rows above; one row per branch and person is
    # checked by _memberships and held by the database.
    member.full_clean(
        exclude=["branch", "person"], validate_unique=False, validate_constraints=False
    )
    member.save(update_fields=fields)
    _sync_person(member)
    return member


def _refuse_unknown(dates: dict, allowed) -> None:
    unknown = set(dates) - set(allowed)
    if unknown:
        raise DomainError(f"党员记录不能在此填写：{'、'.join(sorted(unknown))}。")


@transaction.atomic
def member_add(
    *,
    branch: PartyBranch,
    id_number: str,
    name: str,
    status: str,
    joined_on: datetime.date,
    ethnicity: str = "",
    education: str = "",
    today: datetime.date | None = None,
    reason: str = "",
    actor=None,
    **dates,
) -> PartyMember:
    """Put a person on the branch's roster (found or created by ID number).

    ``dates``: regularized_on, on_probation, probation_until, transferred_in_on. While a
    congress's attendance is open ``reason`` is required and the addition recorded.
    """
    _refuse_unknown(dates, [f for f in DATE_FIELDS if f != "left_on"])
    branch = _lock(branch)
    congress, reason = _correction(branch, reason)
    person = roster_person(
        id_number=id_number,
        name=name,
        ethnicity=ethnicity,
        education=education,
        status=status,
        joined_on=joined_on,
    )
    today = today or timezone.localdate()
    member = _add(branch, person, status=status, joined_on=joined_on, today=today, **dates)
    _record(congress, reason, member, RosterChange.Kind.ADDED, actor=actor)
    return member


@transaction.atomic
def member_update(
    *,
    member: PartyMember,
    status: str,
    joined_on: datetime.date,
    today: datetime.date | None = None,
    reason: str = "",
    actor=None,
    **dates,
) -> PartyMember:
    """Change a member's status and dates: 转正, 留党察看, transfer in and out.

    A transfer out sets ``left_on``: the member stays on record (congress rosters refer to
    them) but is off the roster from that day. While a congress's attendance is open
    ``reason`` is required for a change, and the change recorded.
    """
    _refuse_unknown(dates, DATE_FIELDS)
    branch = _lock(member.branch)
    congress = open_congress(branch)
    member = (
        PartyMember.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=member.pk)
    )
    member.branch = branch
    if dates.get("left_on", member.left_on) is None:
        _memberships(member.person, branch)
    today = today or timezone.localdate()
    before = member_dates(member)
    member = _update(member, status=status, joined_on=joined_on, today=today, **dates)
    detail = _changes(before, member_dates(member))
    if detail:  # saved unchanged, a frozen roster has nothing to correct nor record
        congress, reason = _reason_for(congress, reason)
        _record(congress, reason, member, RosterChange.Kind.CHANGED, actor=actor, detail=detail)
    return member


@transaction.atomic
def member_import(
    *,
    branch: PartyBranch,
    id_number: str,
    name: str,
    status: str,
    joined_on: datetime.date,
    regularized_on: datetime.date | None,
    ethnicity: str = "",
    education: str = "",
    today: datetime.date | None = None,
) -> tuple[PartyMember, bool]:
    """One row of a roster file: update the member's status and dates if already on this
    roster (the 留党察看 and transfer dates are kept), else add them. (member, created).
    Refused while a congress's attendance is open: a file is no correction."""
    branch = _lock(branch)
    congress = open_congress(branch)
    if congress is not None:
        raise DomainError(frozen_refusal(congress).split("；")[0] + "，不能导入名册文件。")
    fields = {"status": status, "joined_on": joined_on, "regularized_on": regularized_on}
    person = roster_person(
        id_number=id_number,
        name=name,
        ethnicity=ethnicity,
        education=education,
        status=status,
        joined_on=joined_on,
    )
    today = today or timezone.localdate()
    here = _memberships(person, branch, lock=True)
    if here is None:
        member = PartyMember(branch=branch, person=person, **fields)
        return _save(member, today, fields=None), True
    if here.left_on is not None:
        raise RosterError({"id_number": left_here(here)})
    return _update(here, today=today, **fields), False


@transaction.atomic
def member_remove(*, member: PartyMember, reason: str = "", actor=None) -> None:
    """Delete a member entered by mistake. A member a congress has on its attendance roster
    is part of that record: refused, and a transfer out is what the user wants. While a
    congress's attendance is open ``reason`` is required and the deletion recorded."""
    branch = _lock(member.branch)
    member = PartyMember.objects.select_related("person").get(pk=member.pk)
    try:
        with transaction.atomic():
            member.delete()
    except ProtectedError:
        raise DomainError(removal_refusal(member)) from None
    congress, reason = _correction(branch, reason)
    member.branch_id = branch.pk
    _record(congress, reason, member, RosterChange.Kind.REMOVED, actor=actor)


def removal_refusal(member: PartyMember) -> str:
    return (
        f"{member.person.name}已列入党员大会的到会名册，不能删除（只有误录的党员可以删除）。"
        "如组织关系已转出，请在“修改”中填写组织关系转出日期。"
    )


def member_dates(member: PartyMember) -> MemberDates:
    return MemberDates(
        status=member.status,
        joined_on=member.joined_on,
        **{field: getattr(member, field) for field in DATE_FIELDS},
    )
