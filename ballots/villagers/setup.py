"""Villagers' / residents' committee elections, before nominations.

The rule pack of the county, the election and its election committee (选举委员会), the
voter register with its publication and objections (异议), and proxies (委托投票).
Every service is keyword-only (except the two the vote calls), runs in one transaction,
locks what it changes and refuses a bad request with a Chinese ``DomainError``.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from ballots.models import (
    CountyVillagersRules,
    ElectionCommitteeMember,
    RegisterChange,
    ScheduleStep,
    VillagersElection,
    VillagersRulePack,
    VoterObjection,
    VoterProxy,
    VoterRegistration,
)
from ballots.villagers import schedule
from renewal.kit import crypto
from renewal.kit.dates import age_on
from renewal.kit.idcard import IdNumberError, parse_id_number
from renewal.models import DomainError, Person, RenewalRound, Unit
from renewal.selectors import active_round

CANDIDATE_LEAVE_REASON = "本人被提名为候选人，依法退出选举委员会"


# --- Rule packs -----------------------------------------------------------------------------


def pack_for(county, on_date: datetime.date) -> VillagersRulePack:
    """The county's chosen pack, else its province's latest effective pack, else the national one."""
    chosen = CountyVillagersRules.objects.select_related("pack").filter(county=county).first()
    if chosen is not None:
        return chosen.pack
    packs = VillagersRulePack.objects.filter(effective_from__lte=on_date)
    pack = (
        packs.filter(province_code=county.code[:2]).order_by("-effective_from").first()
        or packs.filter(province_code="").order_by("-effective_from").first()
    )
    if pack is None:
        raise DomainError(
            f"{on_date:%Y-%m-%d} 没有生效的村(居)委会选举规则，请管理员先在系统管理中添加。"
        )
    return pack


def latest_publication_day(election: VillagersElection) -> datetime.date:
    return election.election_day - datetime.timedelta(days=election.pack.publication_days)


# --- The election ---------------------------------------------------------------------------


def _active_round(unit: Unit) -> RenewalRound:
    rnd = active_round(unit.county_id)
    if rnd is None:
        raise DomainError(f"{unit.name}所在区县尚未设立进行中的换届轮次。")
    return rnd


def _check_day(election_day) -> None:
    if election_day is None:
        raise DomainError("请填写选举日。")
    if not datetime.date(2000, 1, 1) <= election_day <= datetime.date(2100, 12, 31):
        raise DomainError("选举日不在合理范围内。")


@transaction.atomic
def election_create(*, actor, unit: Unit, election_day: datetime.date) -> VillagersElection:
    _check_day(election_day)
    unit = Unit.objects.select_for_update().select_related("county").get(pk=unit.pk)
    rnd = _active_round(unit)
    if VillagersElection.objects.filter(round=rnd, unit=unit).exists():
        raise DomainError(f"{unit.name}本轮已有{unit.committee_label}选举，请直接修改。")
    return VillagersElection.objects.create(
        round=rnd, unit=unit, pack=pack_for(unit.county, election_day), election_day=election_day
    )


def _locked(election: VillagersElection, version: int | None = None) -> VillagersElection:
    locked = (
        VillagersElection.objects.select_for_update(of=("self",))
        .select_related("unit", "unit__township", "unit__county", "pack", "round")
        .get(pk=election.pk)
    )
    if version is not None and locked.version != version:
        raise DomainError("该选举已被他人修改，请刷新页面后重试。")
    return locked


def _bump(election: VillagersElection, *fields) -> None:
    election.version += 1
    election.save(update_fields=["version", *fields])


EDITABLE = (
    VillagersElection.Status.SETUP,
    VillagersElection.Status.REGISTERING,
    VillagersElection.Status.PUBLISHED,
)


@transaction.atomic
def election_update(
    *, actor, election: VillagersElection, election_day: datetime.date, version: int
) -> VillagersElection:
    """Move the election day; the pack is resolved again for the new day."""
    _check_day(election_day)
    election = _locked(election, version)
    if election.status not in EDITABLE:
        raise DomainError(f"选举已进入“{election.get_status_display()}”阶段，不能再修改选举日。")
    election.election_day = election_day
    election.pack = pack_for(election.unit.county, election_day)
    if election.register_published_on and election.register_published_on > latest_publication_day(
        election
    ):
        raise DomainError(
            f"选民名单已于 {election.register_published_on:%Y-%m-%d} 公布，"
            f"选举日须在公布之日起至少 {election.pack.publication_days} 天之后"
            f"（不早于 {election.register_published_on + datetime.timedelta(days=election.pack.publication_days):%Y-%m-%d}）。"
        )
    _bump(election, "election_day", "pack")
    return election


# --- The election committee (选举委员会) ----------------------------------------------------


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写姓名。")
    if len(name) > 40:
        raise DomainError("姓名不能超过 40 个字。")
    return name


@transaction.atomic
def committee_member_add(
    *,
    actor,
    election: VillagersElection,
    name: str,
    role: str,
    person: Person | None = None,
    id_number: str = "",
    joined_on: datetime.date | None = None,
) -> ElectionCommitteeMember:
    """A seat on the committee; with an ID number the person is found or created by it."""
    election = _locked(election)
    name = _clean_name(name)
    if person is None and (id_number or "").strip():
        person = voter_person(id_number=id_number, name=name)
    if role not in ElectionCommitteeMember.Role.values:
        raise DomainError("请选择职务（主任或委员）。")
    active = election.committee_members.select_for_update().filter(left_on__isnull=True)
    if role == ElectionCommitteeMember.Role.CHAIR and active.filter(role=role).exists():
        raise DomainError("选举委员会已有主任，请先让原主任退出或改为添加委员。")
    if person is not None and active.filter(person=person).exists():
        raise DomainError(f"{person.name}已是选举委员会成员。")
    member = ElectionCommitteeMember.objects.create(
        election=election,
        name=name,
        person=person,
        role=role,
        joined_on=joined_on or timezone.localdate(),
    )
    _bump(election)
    return member


@transaction.atomic
def committee_member_leave(
    *,
    member: ElectionCommitteeMember,
    reason: str,
    replacement: dict | None = None,
    actor=None,
    on: datetime.date | None = None,
) -> ElectionCommitteeMember:
    """The member leaves (e.g. became a candidate); history is kept.

    ``replacement`` is ``{"name": ..., "person": Person | None, "id_number": ""}`` for the one who
    takes the seat (递补), with the same role; the leaver's ``replaced_by`` points at them.
    """
    member = ElectionCommitteeMember.objects.select_for_update().get(pk=member.pk)
    if member.left_on is not None:
        raise DomainError(f"{member.name}已于 {member.left_on:%Y-%m-%d} 退出选举委员会。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写退出原因。")
    if len(reason) > 200:
        raise DomainError("退出原因不能超过 200 个字。")
    member.left_on = on or timezone.localdate()
    member.leave_reason = reason
    member.save(update_fields=["left_on", "leave_reason"])
    if replacement:
        committee_member_replace(
            actor=actor,
            member=member,
            name=replacement.get("name", ""),
            person=replacement.get("person"),
            id_number=replacement.get("id_number", ""),
        )
        member.refresh_from_db()
    return member


@transaction.atomic
def committee_member_replace(
    *,
    actor,
    member: ElectionCommitteeMember,
    name: str,
    person: Person | None = None,
    id_number: str = "",
) -> ElectionCommitteeMember:
    """Record who took the seat of a member who left (递补)."""
    member = ElectionCommitteeMember.objects.select_for_update().get(pk=member.pk)
    if member.left_on is None:
        raise DomainError(f"{member.name}仍在选举委员会中，请先办理退出。")
    if member.replaced_by_id:
        raise DomainError(f"{member.name}的递补人已记录为{member.replaced_by.name}。")
    new = committee_member_add(
        actor=actor,
        election=member.election,
        name=name,
        role=member.role,
        person=person,
        id_number=id_number,
        joined_on=member.left_on,
    )
    member.replaced_by = new
    member.save(update_fields=["replaced_by"])
    return new


def committee_remove_candidate(election, person, *, actor) -> ElectionCommitteeMember | None:
    """The vote calls this when a person is nominated: a sitting member who is now a candidate
    leaves the election committee. Returns the member who left, or None when
    the person does not sit on it. The replacement is recorded later on the election page."""
    with transaction.atomic():
        member = (
            ElectionCommitteeMember.objects.select_for_update()
            .filter(election=election, person=person, left_on__isnull=True)
            .first()
        )
        if member is None:
            return None
        return committee_member_leave(member=member, reason=CANDIDATE_LEAVE_REASON, actor=actor)


# --- People ---------------------------------------------------------------------------------


def voter_person(*, id_number: str, name: str) -> Person:
    """The person with this ID number (by blind index), created from the number if new.

    A voter register records no education; a new person's is left blank (unknown) and
    the candidates' form asks for it if the person is ever nominated.
    """
    try:
        info = parse_id_number(id_number)
    except IdNumberError as exc:
        raise DomainError(str(exc)) from None
    name = _clean_name(name)
    digest = crypto.blind_index(info.number, purpose="id")
    person = Person.objects.filter(id_number_hash=digest).first()
    if person is not None:
        if person.name != name:
            raise DomainError(Person.name_mismatch(person.name, name))
        return person
    person = Person(name=name, sex=info.sex, birth_date=info.birth_date, education="")
    person.set_id_number(info.number)
    person.save()
    return person


# --- Voter register -------------------------------------------------------------------------


def where_registered(registration: VoterRegistration) -> str:
    unit = registration.election.unit
    return f"{unit.township.name}{unit.name}"


def _check_category(category: str) -> None:
    if category not in VoterRegistration.Category.values:
        raise DomainError("请选择登记类别。")


def _check_group(group_name: str) -> str:
    group_name = (group_name or "").strip()
    if len(group_name) > 40:
        raise DomainError("小组名称不能超过 40 个字。")
    return group_name


def age_if_under(election: VillagersElection, birth: datetime.date) -> int | None:
    """The age on the election day of someone born on ``birth``, when under the pack's
    voting age; None when old enough to vote."""
    age = age_on(birth, election.election_day)
    return age if age < election.pack.min_age else None


def _check_age(election: VillagersElection, birth: datetime.date, name: str) -> None:
    age = age_if_under(election, birth)
    if age is not None:
        raise DomainError(
            f"{name}在选举日（{election.election_day:%Y-%m-%d}）未满 {election.pack.min_age} 周岁"
            f"（届时 {age} 岁），不能登记为选民。"
        )


def _refuse_if_closed(election: VillagersElection) -> None:
    if election.status not in EDITABLE:
        raise DomainError(f"选举已进入“{election.get_status_display()}”阶段，选民名单不能再修改。")


def refuse_if_published(election: VillagersElection) -> None:
    """A published list is frozen: every later change is an objection or a correction, on record."""
    if election.register_published_on is not None:
        raise DomainError(
            f"选民名单已于 {election.register_published_on:%Y-%m-%d} 公布，不能再直接增加、修改或移出选民。"
            "公布后的变更须通过“异议”（异议成立后自动变更）或“更正”（写明理由）办理，"
            "并列入“公布后的变更”。"
        )


@transaction.atomic
def voter_register(
    *,
    actor,
    election: VillagersElection,
    id_number: str,
    name: str,
    category: str,
    group_name: str = "",
) -> VoterRegistration:
    election = _locked(election)
    _refuse_if_closed(election)
    refuse_if_published(election)
    return _register(
        election, id_number=id_number, name=name, category=category, group_name=group_name
    )


def _register(
    election: VillagersElection, *, id_number: str, name: str, category: str, group_name: str
) -> VoterRegistration:
    """Put a person on the (locked, open) election's list, or back on it."""
    _check_category(category)
    group_name = _check_group(group_name)
    person = voter_person(id_number=id_number, name=name)
    _check_age(election, person.birth_date, person.name)
    existing = (
        VoterRegistration.objects.select_for_update()
        .select_related("election__unit__township")
        .filter(round_id=election.round_id, person=person)
        .first()
    )
    if existing is not None:
        if existing.election_id != election.pk:
            raise DomainError(
                f"{person.name}本轮已在{where_registered(existing)}登记为选民，"
                "同一人在本县只能登记一处。"
            )
        if existing.is_active:
            raise DomainError(f"{person.name}已在本{election.place_word}选民名单中。")
        existing.is_active, existing.category, existing.group_name = True, category, group_name
        existing.save(update_fields=["is_active", "category", "group_name"])
        _bump(election)
        return existing
    try:
        with transaction.atomic():
            registration = VoterRegistration.objects.create(
                election=election,
                round_id=election.round_id,
                person=person,
                category=category,
                group_name=group_name,
            )
    except IntegrityError:
        raise DomainError(f"{person.name}本轮已在本县其他村(社区)登记为选民。") from None
    if election.status == VillagersElection.Status.SETUP:
        election.status = VillagersElection.Status.REGISTERING
        _bump(election, "status")
    else:
        _bump(election)
    return registration


def _locked_registration(registration) -> VoterRegistration:
    return (
        VoterRegistration.objects.select_for_update(of=("self",))
        .select_related("person", "election")
        .get(pk=registration.pk)
    )


@transaction.atomic
def voter_update(
    *, actor, registration: VoterRegistration, category: str, group_name: str
) -> VoterRegistration:
    election = _locked(registration.election)
    _refuse_if_closed(election)
    current = _locked_registration(registration)
    if (current.category, current.group_name) == (category, (group_name or "").strip()):
        return current  # saved unchanged: nothing to refuse on a published list
    refuse_if_published(election)
    registration, _ = _update(election, registration, category=category, group_name=group_name)
    return registration


def _update(
    election: VillagersElection, registration, *, category: str, group_name: str
) -> tuple[VoterRegistration, str]:
    """Change a registration's category and group; the registration and what changed."""
    registration = _locked_registration(registration)
    if registration.election_id != election.pk:
        raise DomainError("所涉选民不在本选举的名单中。")
    _check_category(category)
    group_name = _check_group(group_name)
    changes = []
    if registration.category != category:
        labels = VoterRegistration.Category
        changes.append(
            f"登记类别由“{labels(registration.category).label}”改为“{labels(category).label}”"
        )
    if registration.group_name != group_name:
        changes.append(f"小组由“{registration.group_name or '未填'}”改为“{group_name or '未填'}”")
    registration.category, registration.group_name = category, group_name
    registration.save(update_fields=["category", "group_name"])
    _bump(election)
    return registration, "；".join(changes)


@transaction.atomic
def voter_set_active(*, actor, registration: VoterRegistration, active: bool) -> VoterRegistration:
    """Take a voter off the list (kept, inactive) or put them back; proxies they are in lapse."""
    election = _locked(registration.election)
    _refuse_if_closed(election)
    refuse_if_published(election)
    return _set_active(election, registration, active)


def _set_active(election: VillagersElection, registration, active: bool) -> VoterRegistration:
    return _switch(election, registration, active)[0]


def _switch(election: VillagersElection, registration, active: bool):
    """The registration put on or taken off the list, and whether that changed anything (a
    change after publication is recorded only when there was one)."""
    registration = _locked_registration(registration)
    if registration.election_id != election.pk:
        raise DomainError("所涉选民不在本选举的名单中。")
    if registration.is_active == active:
        return registration, False
    if active:
        _check_age(election, registration.person.birth_date, registration.person.name)
    else:
        if election.nominations.filter(person_id=registration.person_id).exists():
            # A candidate must be a registered voter: the nomination goes first.
            raise DomainError(
                f"{registration.person.name}已被提名为候选人，须先撤销提名，再移出选民名单。"
            )
        VoterProxy.objects.filter(Q(holder=registration) | Q(principal=registration)).delete()
    registration.is_active = active
    registration.save(update_fields=["is_active"])
    _bump(election)
    return registration, True


def category_counts(election: VillagersElection) -> dict[str, int]:
    """Active voters per category, every category present (one query)."""
    counts = dict.fromkeys(VoterRegistration.Category.values, 0)
    for row in (
        election.registrations.filter(is_active=True).values("category").annotate(n=Count("id"))
    ):
        counts[row["category"]] = row["n"]
    return counts


# --- Publication and objections -------------------------------------------------------------


@transaction.atomic
def register_publish(
    *, actor, election: VillagersElection, published_on: datetime.date, version: int
) -> VillagersElection:
    election = _locked(election, version)
    if published_on is None:
        raise DomainError("请填写公布日期。")
    _refuse_if_closed(election)
    latest = latest_publication_day(election)
    if published_on > latest:
        raise DomainError(
            f"选民名单应在选举日前至少 {election.pack.publication_days} 天公布："
            f"选举日为 {election.election_day:%Y-%m-%d}，最晚应于 {latest:%Y-%m-%d} 公布。"
        )
    if not election.registrations.filter(is_active=True).exists():
        raise DomainError("选民名单为空，不能公布。")
    election.register_published_on = published_on
    election.status = VillagersElection.Status.PUBLISHED
    _bump(election, "register_published_on", "status")
    return election


def objection_deadline(election: VillagersElection) -> datetime.date | None:
    if election.register_published_on is None:
        return None
    return election.register_published_on + datetime.timedelta(days=election.pack.objection_days)


@transaction.atomic
def objection_receive(
    *,
    actor,
    election: VillagersElection,
    raised_by: str,
    received_on: datetime.date,
    reason: str,
    registration: VoterRegistration | None = None,
    id_number: str = "",
    name: str = "",
    category: str = "",
    group_name: str = "",
) -> VoterObjection:
    """An objection about a registered voter (remove) or about a person to add (add)."""
    election = _locked(election)
    if election.register_published_on is None:
        raise DomainError("选民名单尚未公布，公布后才能受理异议。")
    raised_by = (raised_by or "").strip()
    if not raised_by:
        raise DomainError("请填写异议提出人。")
    if len(raised_by) > 40:
        raise DomainError("提出人不能超过 40 个字。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写异议理由。")
    if received_on is None:
        raise DomainError("请填写受理日期。")
    if received_on < election.register_published_on:
        raise DomainError("受理日期不能早于选民名单公布日期。")
    deadline = objection_deadline(election)
    if received_on > deadline:
        raise DomainError(
            f"异议应在名单公布之日起 {election.pack.objection_days} 日内提出"
            f"（截止 {deadline:%Y-%m-%d}），{received_on:%Y-%m-%d} 提出的异议已逾期，不予受理。"
        )
    fields = {}
    if registration is not None:
        if registration.election_id != election.pk:
            raise DomainError("所涉选民不在本选举的名单中。")
        if not registration.is_active:
            raise DomainError(f"{registration.person.name}已不在选民名单中。")
        fields = {"kind": VoterObjection.Kind.REMOVE, "registration": registration}
    else:
        _check_category(category)
        person = voter_person(id_number=id_number, name=name)
        if election.registrations.filter(person=person, is_active=True).exists():
            raise DomainError(f"{person.name}已在本{election.place_word}选民名单中，无需登记。")
        fields = {
            "kind": VoterObjection.Kind.ADD,
            "person": person,
            "category": category,
            "group_name": _check_group(group_name),
        }
    return VoterObjection.objects.create(
        election=election,
        raised_by=raised_by,
        reason=reason,
        received_on=received_on,
        raise_deadline=deadline,
        answer_due=received_on + datetime.timedelta(days=election.pack.objection_answer_days),
        **fields,
    )


@transaction.atomic
def objection_answer(
    *, actor, objection: VoterObjection, outcome: str, answered_on: datetime.date, answer: str
) -> VoterObjection:
    """Answer; an upheld objection adds the person or takes the voter off the list."""
    objection = (
        VoterObjection.objects.select_for_update(of=("self",))
        .select_related("election", "person", "registration")
        .get(pk=objection.pk)
    )
    if objection.outcome != VoterObjection.Outcome.OPEN:
        raise DomainError("该异议已答复。")
    if outcome not in (VoterObjection.Outcome.UPHELD, VoterObjection.Outcome.REJECTED):
        raise DomainError("请选择处理结果。")
    if answered_on is None:
        raise DomainError("请填写答复日期。")
    if answered_on < objection.received_on:
        raise DomainError("答复日期不能早于受理日期。")
    answer = (answer or "").strip()
    if not answer:
        raise DomainError("请填写答复意见。")
    if outcome == VoterObjection.Outcome.UPHELD:
        # The upheld objection is the change's authority: it goes past the freeze, on record.
        election = _locked(objection.election)
        _refuse_if_closed(election)
        if objection.kind == VoterObjection.Kind.ADD:
            person = objection.person
            registration = _register(
                election,
                id_number=person.id_number,
                name=person.name,
                category=objection.category,
                group_name=objection.group_name,
            )
            kind = RegisterChange.Kind.ADDED
            changed = True
        else:
            registration, changed = _switch(election, objection.registration, False)
            kind = RegisterChange.Kind.REMOVED
        if changed:
            _record(
                election,
                registration,
                kind=kind,
                actor=actor,
                objection=objection,
                detail=f"异议成立：{objection.get_kind_display()}",
            )
    objection.outcome, objection.answered_on, objection.answer = outcome, answered_on, answer
    objection.save(update_fields=["outcome", "answered_on", "answer"])
    return objection


# --- Changes after publication (更正) ----------------------------------------------------------


def _record(election, registration, *, kind, actor, objection=None, reason="", basis="", detail=""):
    if election.register_published_on is None:
        return None
    return RegisterChange.objects.create(
        election=election,
        registration=registration,
        kind=kind,
        detail=detail[:200],
        objection=objection,
        reason=reason,
        basis=basis,
        made_by=actor,
    )


class Correction:
    """What a correction (更正) does to the published list."""

    ADD = "add"
    REMOVE = "remove"
    RESTORE = "restore"
    CHANGE = "change"
    CHOICES = [
        (ADD, "增加选民（应登记而未登记）"),
        (REMOVE, "移出选民（不应登记而已登记）"),
        (RESTORE, "恢复此前移出的选民"),
        (CHANGE, "修改登记类别或小组"),
    ]


@transaction.atomic
def register_correct(
    *,
    actor,
    election: VillagersElection,
    action: str,
    reason: str,
    basis: str = "",
    registration: VoterRegistration | None = None,
    id_number: str = "",
    name: str = "",
    category: str = "",
    group_name: str = "",
) -> RegisterChange:
    """A correction (更正) of the published list, with its reason: the change and its record
    are saved together or not at all."""
    election = _locked(election)
    if election.register_published_on is None:
        raise DomainError("选民名单尚未公布，可直接修改名单，无需办理更正。")
    _refuse_if_closed(election)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写更正理由。")
    if len(reason) > 300:
        raise DomainError("更正理由不能超过 300 个字。")
    basis = (basis or "").strip()
    if len(basis) > 200:
        raise DomainError("更正依据不能超过 200 个字。")
    record = {"actor": actor, "reason": reason, "basis": basis}
    if action == Correction.ADD:
        registration = _register(
            election, id_number=id_number, name=name, category=category, group_name=group_name
        )
        return _record(election, registration, kind=RegisterChange.Kind.ADDED, **record)
    if registration is None:
        raise DomainError("请选择所涉选民。")
    if action == Correction.CHANGE:
        registration, detail = _update(
            election, registration, category=category, group_name=group_name
        )
        if not detail:
            raise DomainError("登记类别和小组都没有变化，无需更正。")
        return _record(
            election, registration, kind=RegisterChange.Kind.CHANGED, detail=detail, **record
        )
    if action not in (Correction.REMOVE, Correction.RESTORE):
        raise DomainError("请选择更正内容。")
    active = action == Correction.RESTORE
    registration, changed = _switch(election, registration, active)
    if not changed:
        word = "已在" if active else "已不在"
        raise DomainError(f"{registration.person.name}{word}选民名单中。")
    kind = RegisterChange.Kind.RESTORED if active else RegisterChange.Kind.REMOVED
    return _record(election, registration, kind=kind, **record)


def register_changes(election: VillagersElection):
    """The changes since publication, oldest first, with what the list pages show."""
    return election.register_changes.select_related(
        "registration__person", "objection", "made_by"
    ).order_by("made_at", "pk")


# --- Proxies (委托投票) ---------------------------------------------------------------------


@transaction.atomic
def proxy_create(
    *,
    actor,
    election: VillagersElection,
    holder: VoterRegistration,
    principal: VoterRegistration,
    relation: str,
    written_on: datetime.date,
) -> VoterProxy:
    election = _locked(election)
    if election.status not in EDITABLE + (VillagersElection.Status.NOMINATING,):
        raise DomainError(f"选举已进入“{election.get_status_display()}”阶段，不能再办理委托。")
    regs = {
        r.pk: r
        for r in VoterRegistration.objects.select_for_update(of=("self",))
        .select_related("person")
        .filter(pk__in=[holder.pk, principal.pk])
    }
    holder, principal = regs.get(holder.pk), regs.get(principal.pk)
    if holder is None or principal is None:
        raise DomainError("请选择委托人和受委托人。")
    place = election.place_word
    for who, reg in (("委托人", principal), ("受委托人", holder)):
        if reg.election_id != election.pk:
            raise DomainError(f"{who}{reg.person.name}不是本{place}的选民。")
        if not reg.is_active:
            raise DomainError(f"{who}{reg.person.name}已不在选民名单中。")
    if holder.pk == principal.pk:
        raise DomainError("不能委托给本人。")
    if relation not in VoterProxy.Relation.values:
        raise DomainError(
            "受委托人须是委托人的近亲属，请从列表中选择关系："
            + "、".join(VoterProxy.Relation.labels)
            + "。"
        )
    if written_on is None:
        raise DomainError("请填写书面委托日期。")
    if written_on > election.election_day:
        raise DomainError("书面委托日期不能晚于选举日。")
    last = schedule.cutoff(election, ScheduleStep.PROXIES)
    if last is not None and written_on > last[0]:
        raise DomainError(
            f"书面委托日期不能晚于 {last[0]:%Y-%m-%d}（{last[1].label}：{last[1].text}）。"
            f"依据：{last[1].source}"
        )
    if VoterProxy.objects.filter(principal=principal).exists():
        raise DomainError(f"{principal.person.name}已委托他人投票，每人只能委托一次。")
    if VoterProxy.objects.filter(holder=principal).exists():
        raise DomainError(f"{principal.person.name}已接受他人委托，不能再委托别人（不得转委托）。")
    if VoterProxy.objects.filter(principal=holder).exists():
        raise DomainError(f"{holder.person.name}本人已委托他人投票，不能再接受委托（不得转委托）。")
    held = VoterProxy.objects.filter(holder=holder).count()
    if held >= election.pack.proxy_cap:
        raise DomainError(
            f"{holder.person.name}已接受 {held} 人委托，按{election.pack.name}规则"
            f"每人接受委托不得超过 {election.pack.proxy_cap} 人。"
        )
    proxy = VoterProxy.objects.create(
        election=election,
        holder=holder,
        principal=principal,
        relation=relation,
        written_on=written_on,
    )
    _bump(election)
    return proxy


@transaction.atomic
def proxy_withdraw(*, actor, proxy: VoterProxy) -> None:
    election = _locked(proxy.election)
    if election.status not in EDITABLE + (VillagersElection.Status.NOMINATING,):
        raise DomainError(f"选举已进入“{election.get_status_display()}”阶段，不能再撤销委托。")
    VoterProxy.objects.filter(pk=proxy.pk).delete()
    _bump(election)
