"""Candidate services: people, candidacies and their workflow, vetting, reserves, formal lists.

Every status change goes through `_move`, which checks the transition on the model,
saves it and writes the CandidacyLog row that the candidate page shows.
"""

import datetime

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from candidates import eligibility, flags, selectors
from candidates.models import (
    Candidacy,
    CandidacyLog,
    EligibilityRules,
    NegativeListItem,
    Recommendation,
    ReserveCadre,
    VettingBatch,
    VettingRequest,
)
from renewal.kit import bulk_insert, crypto
from renewal.kit.idcard import IdNumberError, check_id_number_matches, parse_id_number
from renewal.models import (
    Body,
    DomainError,
    PartyMember,
    Person,
    Post,
    Profile,
    RenewalRound,
    Unit,
)
from renewal.selectors import active_round

PARTY_POSTS = {Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.PARTY_MEMBER}
VILLAGERS_POSTS = {Post.DIRECTOR, Post.DEPUTY_DIRECTOR, Post.COMMITTEE_MEMBER, Post.WOMEN_MEMBER}
POSTS_BY_BODY = {Body.PARTY: PARTY_POSTS, Body.VILLAGERS: VILLAGERS_POSTS}
PERSON_FIELDS = (
    "name",
    "sex",
    "ethnicity",
    "birth_date",
    "education",
    "political_status",
    "party_joined_on",
    "current_posts",
    "tags",
)
# What a person new to the system needs besides the ID number (sex and birth date come from it).
NEW_PERSON_FIELDS = {"name": "姓名", "education": "学历", "political_status": "政治面貌"}
NOT_ON_ROSTER = "不在本村(社区)党组织的党员名册中"
VETO_ACTION = "联审一票否决"  # the log's action when a department's bar finding rules out
# A list check reads every candidate's party memberships with their branches in one query.
MEMBERSHIPS = Prefetch("person__memberships", queryset=PartyMember.objects.select_related("branch"))


class NameMismatch(DomainError):
    """The ID number belongs to someone recorded under another name."""

    def __init__(self, recorded: str, given: str):
        super().__init__(Person.name_mismatch(recorded, given))


# --- People -------------------------------------------------------------------------------


def normalize_phone(raw: str) -> str:
    """A mainland mobile or landline number in national form; DomainError when invalid."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    normal, problem = _phone(raw)
    if problem:
        raise DomainError(problem)
    return normal


def _phone(raw: str) -> tuple[str, str]:
    """(the national form, "") or ("", why not)."""
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        return "", f"联系电话“{raw}”无法识别，请填写手机号或带区号的固定电话。"
    if not phonenumbers.is_valid_number(number):
        return "", f"联系电话“{raw}”不是有效的号码，请核对位数。"
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return national.removeprefix("+86"), ""


def person_problems(*, id_number: str, birth_date, sex) -> tuple[str, list[str]]:
    """The normalised ID number and every problem with it against the record."""
    try:
        info = parse_id_number(id_number)
    except IdNumberError as exc:
        return (id_number or "").strip().upper(), [str(exc)]
    return info.number, check_id_number_matches(info, birth_date=birth_date, sex=sex)


@transaction.atomic
def person_upsert(
    *, id_number: str, phone: str | None = None, allow_rename: bool = False, **fields
) -> Person:
    """Create a person, or update the one with this ID number (matched by blind index).

    The ID number is who the person is: when it is already recorded under another name the
    entry is refused (a typo in either, never a silent rename), unless ``allow_rename`` says
    the user is correcting that very person's record. Sex and birth date come from the
    number when not given; a new person also needs a name, education and political status.
    ``phone``: None keeps the number on record, "" clears it.
    """
    number, problems = person_problems(
        id_number=id_number, birth_date=fields.get("birth_date"), sex=fields.get("sex")
    )
    if problems:
        raise DomainError("；".join(problems))
    phone = None if phone is None else normalize_phone(phone)
    digest = crypto.blind_index(number, purpose="id")
    person = Person.objects.select_for_update().filter(id_number_hash=digest).first()
    if person is None:
        missing = [label for name, label in NEW_PERSON_FIELDS.items() if not fields.get(name)]
        if missing:
            raise DomainError(f"此人尚未登记，请填写{'、'.join(missing)}。")
        info = parse_id_number(number)
        fields["sex"] = fields.get("sex") or info.sex
        fields["birth_date"] = fields.get("birth_date") or info.birth_date
        person = Person()
        person.set_id_number(number)
    elif not allow_rename and fields.get("name") and fields["name"] != person.name:
        raise NameMismatch(person.name, fields["name"])
    for name, value in fields.items():
        if name not in PERSON_FIELDS:
            raise DomainError(f"字段 {name} 不能在此修改。")
        setattr(person, name, value)
    if phone is not None or person.pk is None:
        person.set_phone(phone or "")
    person.full_clean(exclude=["id_number_hash"])
    person.save()
    return person


# --- Candidacies ------------------------------------------------------------------------------


def _log(candidacy, *, action, actor, before="", reason=""):
    CandidacyLog.objects.create(
        candidacy=candidacy,
        from_status=before,
        to_status=candidacy.status,
        action=action,
        reason=reason,
        by=actor,
    )


def _move(candidacy: Candidacy, new_status: str, *, actor, action: str, reason="", fields=()):
    before = candidacy.status
    candidacy.set_status(new_status)
    candidacy.save(update_fields=["status", *fields])
    _log(candidacy, action=action, actor=actor, before=before, reason=reason)


def _locked(candidacy: Candidacy) -> Candidacy:
    return (
        Candidacy.objects.select_for_update(of=("self",))
        .select_related("person", "unit", "round")
        .get(pk=candidacy.pk)
    )


def rules_for_county(county_id: int, day: datetime.date | None = None) -> eligibility.Rules:
    row = EligibilityRules.in_force(county_id=county_id, day=day or timezone.localdate())
    return eligibility.rules_from_settings(row)


def election_day(rnd: RenewalRound) -> datetime.date:
    """The planned election day: the congress stage's due date, else today."""
    stage = rnd.stages.filter(code="congress").first()
    return stage.due_date if stage and stage.due_date else timezone.localdate()


def facts_for(candidacy: Candidacy, *, day: datetime.date | None = None):
    """The candidate as the eligibility rules see them on ``day`` (the election day if not given).

    留党察看 counts as it stands on that day on the unit's own branch roster: a sanction
    that has ended, or one on another branch's roster, does not. Lists prefetch
    ``MEMBERSHIPS`` so that this reads no more rows.
    """
    person = candidacy.person
    day = day or election_day(candidacy.round)
    on_probation = any(
        m.sanctioned_on(day)
        for m in person.memberships.all()
        if m.branch.unit_id == candidacy.unit_id
    )
    return eligibility.CandidateFacts(
        key=person.pk,
        name=person.name,
        body=candidacy.body,
        post=candidacy.post,
        is_continuing=candidacy.is_continuing,
        political_status=person.political_status,
        on_probation=on_probation,
        birth_date=person.birth_date,
        education=person.education,
        sex=person.sex,
    )


def candidacy_findings(candidacy: Candidacy) -> list[eligibility.Finding]:
    rules = rules_for_county(candidacy.unit.county_id)
    day = election_day(candidacy.round)
    return eligibility.check_candidate(facts_for(candidacy, day=day), rules, election_day=day)


# --- Who may stand for the party committee ---------------------------------------------------


def party_roster_problems(pairs, *, day: datetime.date) -> dict[tuple[int, int], str]:
    """Why each (unit id, person id) may not stand for the party committee on ``day``.

    Only a member on the unit's own branch roster with the full rights on that day may
    (党章: a 预备党员 or a member under 留党察看 cannot be elected; one transferred out is
    no longer this branch's member). Pairs that may are left out. One query for any number.
    """
    pairs = set(pairs)
    if not pairs:
        return {}
    members = {
        (m.branch.unit_id, m.person_id): m
        for m in PartyMember.objects.filter(
            branch__unit_id__in={unit for unit, _ in pairs},
            person_id__in={person for _, person in pairs},
        ).select_related("branch")
    }
    problems = {}
    for pair in pairs:
        member = members.get(pair)
        if member is None:
            problems[pair] = NOT_ON_ROSTER
        elif not member.entitled_on(day):
            problems[pair] = member.entitlement(day)
    return problems


def party_refusal(name: str, reason: str) -> str:
    return f"{name}不能作为党组织委员会人选：{reason}。"


def _require_party_rights(*, unit: Unit, person: Person) -> None:
    problems = party_roster_problems([(unit.pk, person.pk)], day=timezone.localdate())
    if problems:
        raise DomainError(party_refusal(person.name, problems[(unit.pk, person.pk)]))


@transaction.atomic
def candidacy_create(
    *,
    actor,
    unit: Unit,
    person: Person,
    body: str,
    post: str,
    is_continuing: bool = False,
    notes: str = "",
    recommendations: dict[str, int] | None = None,
    reserve: ReserveCadre | None = None,
) -> Candidacy:
    rnd = active_round(unit.county_id)
    if rnd is None:
        raise DomainError("本县尚未设立换届轮次，不能录入人选。")
    if post not in POSTS_BY_BODY.get(body, ()):
        raise DomainError(f"“{Post(post).label}”不是{Body(body).label}的职务。")
    if body == Body.PARTY:
        _require_party_rights(unit=unit, person=person)
    candidacy = Candidacy(
        round=rnd,
        unit=unit,
        person=person,
        body=body,
        post=post,
        is_continuing=is_continuing,
        notes=notes,
        created_by=actor,
        reserve=reserve,
    )
    try:
        with transaction.atomic():
            candidacy.save()
    except IntegrityError:
        raise DomainError(
            f"{person.name}已是{unit.name}“{Post(post).label}”的人选，不能重复录入。"
        ) from None
    recommendations_set(candidacy=candidacy, votes=recommendations or {})
    _log(candidacy, action="录入初步人选", actor=actor)
    return candidacy


@transaction.atomic
def candidacy_update(*, actor, candidacy: Candidacy, **fields) -> Candidacy:
    candidacy = _locked(candidacy)
    if candidacy.is_closed or candidacy.status == Candidacy.Status.FORMAL:
        raise DomainError(
            f"{candidacy.person.name}当前为“{candidacy.get_status_display()}”，不能修改。"
        )
    allowed = {"is_continuing", "notes"}
    for name, value in fields.items():
        if name not in allowed:
            raise DomainError(f"字段 {name} 不能在此修改。")
        setattr(candidacy, name, value)
    candidacy.save(update_fields=list(fields))
    return candidacy


def recommendations_set(*, candidacy: Candidacy, votes: dict[str, int]) -> None:
    for source, count in votes.items():
        if count is None:
            Recommendation.objects.filter(candidacy=candidacy, source=source).delete()
            continue
        if count < 0:
            raise DomainError("推荐票数不能为负数。")
        Recommendation.objects.update_or_create(
            candidacy=candidacy, source=source, defaults={"votes": count}
        )


@transaction.atomic
def candidacy_record_inspection(*, actor, candidacy, passed: bool, score, inspected_on, notes=""):
    candidacy = _locked(candidacy)
    if candidacy.status != Candidacy.Status.PRELIMINARY:
        raise DomainError(
            f"只能对初步人选登记考察结果，{candidacy.person.name}当前为“{candidacy.get_status_display()}”。"
        )
    candidacy.inspection = Candidacy.Inspection.PASSED if passed else Candidacy.Inspection.FAILED
    candidacy.appraisal_score, candidacy.inspected_on = score, inspected_on
    candidacy.full_clean(exclude=["person", "unit", "round", "created_by"])
    fields = ["inspection", "appraisal_score", "inspected_on"]
    if passed:
        _move(
            candidacy,
            Candidacy.Status.INSPECTED,
            actor=actor,
            action="登记考察结果：合格",
            reason=notes,
            fields=fields,
        )
        _advance_after_vetting(candidacy, actor=actor)
    else:
        _move(
            candidacy,
            Candidacy.Status.DISQUALIFIED,
            actor=actor,
            action="登记考察结果：不合格",
            reason=notes or "组织考察不合格",
            fields=fields,
        )
    return candidacy


@transaction.atomic
def candidacy_withdraw(*, actor, candidacy, reason: str):
    return _close(candidacy, Candidacy.Status.WITHDRAWN, actor=actor, reason=reason, action="退出")


@transaction.atomic
def candidacy_disqualify(*, actor, candidacy, reason: str, action: str = "取消资格"):
    """Also the entry point for other apps (a substantiated discipline case, a refused pledge)."""
    return _close(
        candidacy, Candidacy.Status.DISQUALIFIED, actor=actor, reason=reason, action=action
    )


def _close(candidacy, status, *, actor, reason, action):
    if not reason.strip():
        raise DomainError("请写明原因。")
    candidacy = _locked(candidacy)
    candidacy.status_reason = reason.strip()
    _move(
        candidacy,
        status,
        actor=actor,
        action=action,
        reason=reason.strip(),
        fields=["status_reason"],
    )
    return candidacy


@transaction.atomic
def candidacy_reopen(*, actor, candidacy, reason: str):
    """An explicit, audited reopen; the candidacy then walks forward as far as its record allows."""
    if not reason.strip():
        raise DomainError("重新启用须写明原因。")
    candidacy = _locked(candidacy)
    if not candidacy.is_closed:
        raise DomainError(f"{candidacy.person.name}未退出或被取消资格，无需重新启用。")
    if candidacy.body == Body.PARTY:
        _require_party_rights(unit=candidacy.unit, person=candidacy.person)
    candidacy.status_reason = reason.strip()
    _move(
        candidacy,
        Candidacy.Status.PRELIMINARY,
        actor=actor,
        action="重新启用",
        reason=reason.strip(),
        fields=["status_reason"],
    )
    if candidacy.inspection == Candidacy.Inspection.PASSED:
        _move(candidacy, Candidacy.Status.INSPECTED, actor=actor, action="沿用考察结果")
        _advance_after_vetting(candidacy, actor=actor)
    return candidacy


@transaction.atomic
def candidacy_approve_township(*, actor, candidacy):
    candidacy = _locked(candidacy)
    errors = [f for f in candidacy_findings(candidacy) if f.level == "error"]
    if errors:
        raise DomainError("不符合资格条件：" + "；".join(f.message for f in errors))
    candidacy.township_approved_by, candidacy.township_approved_at = actor, timezone.now()
    _move(
        candidacy,
        Candidacy.Status.TOWNSHIP_APPROVED,
        actor=actor,
        action="乡镇(街道)审核通过",
        fields=["township_approved_by", "township_approved_at"],
    )
    return candidacy


@transaction.atomic
def candidacy_county_sign(*, actor, candidacy):
    """双签: the organisation minister and the county party secretary, two different accounts."""
    candidacy = _locked(candidacy)
    if not candidacy.is_secretary:
        raise DomainError("只有党组织书记人选需要报县备案签字。")
    if candidacy.status != Candidacy.Status.TOWNSHIP_APPROVED:
        raise DomainError(f"{candidacy.person.name}尚未经乡镇(街道)审核，不能备案签字。")
    profile = getattr(actor, "profile", None)
    role = profile.signoff if profile else ""
    now = timezone.now()
    if role == Profile.Signoff.MINISTER:
        if candidacy.minister_signed_by_id:
            raise DomainError("组织部长已签字。")
        if candidacy.secretary_signed_by_id == actor.pk:
            raise DomainError("两次签字须由两个不同的账号完成。")
        candidacy.minister_signed_by, candidacy.minister_signed_at = actor, now
        fields, action = ["minister_signed_by", "minister_signed_at"], "组织部长签字"
    elif role == Profile.Signoff.COUNTY_SECRETARY:
        if candidacy.secretary_signed_by_id:
            raise DomainError("区(县)委书记已签字。")
        if candidacy.minister_signed_by_id == actor.pk:
            raise DomainError("两次签字须由两个不同的账号完成。")
        candidacy.secretary_signed_by, candidacy.secretary_signed_at = actor, now
        fields, action = ["secretary_signed_by", "secretary_signed_at"], "区(县)委书记签字"
    else:
        raise DomainError("您的账号没有备案签字身份（组织部长或区(县)委书记）。")
    candidacy.save(update_fields=fields)
    _log(candidacy, action=action, actor=actor, before=candidacy.status)
    if candidacy.minister_signed_by_id and candidacy.secretary_signed_by_id:
        _move(candidacy, Candidacy.Status.COUNTY_FILED, actor=actor, action="县级备案完成")
    return candidacy


def unit_list_check(
    *, unit: Unit, body: str, include_statuses=None, women_seat: bool | None = None
) -> eligibility.ListCheck:
    """A unit's formal list for one committee against the rules: posts, surplus, members.

    ``women_seat`` (the villagers' committee has a separately elected women's seat) is the
    county's choice in the villagers' election rules when not given.
    """
    if women_seat is None:
        women_seat = body == Body.VILLAGERS and selectors.county_elects_women_seat(unit.county_id)
    rnd = active_round(unit.county_id)
    seats_row = unit.seats.filter(round=rnd).first() if rnd else None
    seats = seats_row.for_body(body) if seats_row else 0
    statuses = include_statuses or [
        Candidacy.Status.TOWNSHIP_APPROVED,
        Candidacy.Status.COUNTY_FILED,
        Candidacy.Status.FORMAL,
    ]
    candidacies = (
        Candidacy.objects.filter(round=rnd, unit=unit, body=body, status__in=statuses)
        .select_related("person")
        .prefetch_related(MEMBERSHIPS)
    )
    day = election_day(rnd) if rnd else timezone.localdate()
    facts = [facts_for(c, day=day) for c in candidacies]
    return eligibility.check_formal_list(
        body, seats, facts, rules_for_county(unit.county_id), women_seat=women_seat
    )


@transaction.atomic
def formal_list_confirm(*, actor, unit: Unit, body: str) -> list[Candidacy]:
    """Approve a unit's formal list for one committee: surplus met, secretaries filed."""
    rnd = active_round(unit.county_id)
    if rnd is None:
        raise DomainError("本县尚未设立换届轮次。")
    ready = list(
        Candidacy.objects.select_for_update(of=("self",))
        .filter(round=rnd, unit=unit, body=body, status__in=["township_approved", "county_filed"])
        .select_related("person")
    )
    waiting = [c for c in ready if c.is_secretary and c.status != Candidacy.Status.COUNTY_FILED]
    if waiting:
        names = "、".join(c.person.name for c in waiting)
        raise DomainError(f"书记人选{names}尚未完成县级备案（双签），不能确定正式候选人。")
    check = unit_list_check(unit=unit, body=body)
    if check.blocked:
        raise DomainError(
            "正式候选人名单不符合要求："
            + "；".join(f.message for f in check.findings if f.level == "error")
        )
    if not ready:
        raise DomainError("没有待确定的人选。")
    for candidacy in ready:
        _move(candidacy, Candidacy.Status.FORMAL, actor=actor, action="确定为正式候选人")
    return ready


# --- Bulk entry (Excel import) ---------------------------------------------------------


def people_bulk_upsert(rows, summary: dict) -> dict[str, Person]:
    """person_upsert for many rows at once (imports): rows carry id_number, id_hash, phone,
    person (field dict) and row (the sheet row, for messages); the same full_clean applies."""
    found = {
        p.id_number_hash: p
        for p in Person.objects.select_for_update().filter(
            id_number_hash__in=[r.id_hash for r in rows]
        )
    }
    new, changed, fields = [], [], set()
    for row in rows:
        person = found.get(row.id_hash)
        if person is None:
            person = Person()
            person.set_id_number(row.id_number)
            new.append(person)
        else:
            if row.person.get("name") and row.person["name"] != person.name:
                raise DomainError(
                    f"第 {row.row} 行：{NameMismatch(person.name, row.person['name'])}"
                )
            changed.append(person)
        for name, value in row.person.items():
            setattr(person, name, value)
        fields.update(row.person)
        if row.phone or person.pk is None:
            person.set_phone(row.phone)
            fields.update(("phone", "phone_hash"))
        try:
            # "id": the primary key's uniqueness check is a query per row and says nothing.
            person.full_clean(exclude=["id_number_hash", "id"])
        except ValidationError as exc:
            raise DomainError(f"第 {row.row} 行：{'；'.join(exc.messages)}") from exc
        found[row.id_hash] = person
    # INSERT .. ON CONFLICT (id_number_hash) DO UPDATE for the chunk: bulk_update's CASE
    # expressions cost seconds of Python per thousand rows.
    bulk_insert.insert(
        Person, new + changed, unique_fields=["id_number_hash"], update_fields=sorted(fields)
    )
    summary["people_created"] += len(new)
    summary["people_updated"] += len(changed)
    return found


def candidacies_bulk_create(user, rows, people: dict[str, Person], summary) -> None:
    """candidacy_create for many rows at once: new candidacies with their recommendations and
    log entry; rows whose person already stands for that post only get their votes updated."""
    open_ones = {
        (round_id, unit_id, person_id, post): pk
        for pk, round_id, unit_id, person_id, post in Candidacy.objects.filter(
            person_id__in=[p.pk for p in people.values()],
            unit_id__in={r.unit.pk for r in rows},
            round_id__in={r.round_id for r in rows},
        )
        .exclude(status__in=Candidacy.CLOSED)
        .values_list("pk", "round_id", "unit_id", "person_id", "post")
    }
    refused = party_roster_problems(
        [
            (row.unit.pk, people[row.id_hash].pk)
            for row in rows
            if row.body == Body.PARTY
            and (row.round_id, row.unit.pk, people[row.id_hash].pk, row.post) not in open_ones
        ],
        day=timezone.localdate(),
    )
    new, votes = [], []
    for row in rows:
        person = people[row.id_hash]
        pk = open_ones.get((row.round_id, row.unit.pk, person.pk, row.post))
        if pk is None and row.body == Body.PARTY and (row.unit.pk, person.pk) in refused:
            reason = refused[(row.unit.pk, person.pk)]
            raise DomainError(f"第 {row.row} 行：{party_refusal(person.name, reason)}")
        if pk is None:
            candidacy = Candidacy(
                round_id=row.round_id,
                unit=row.unit,
                person=person,
                body=row.body,
                post=row.post,
                is_continuing=row.is_continuing,
                notes=row.notes,
                created_by=user,
            )
            new.append(candidacy)
            votes.append((candidacy, row.votes))
        else:
            votes.append((Candidacy(pk=pk), row.votes))
    try:
        with transaction.atomic():
            bulk_insert.insert(Candidacy, new)
    except IntegrityError:
        raise DomainError(
            "导入期间有人选已由他人录入（同一人同一职务不能重复录入），请重新上传后再确认。"
        ) from None
    bulk_insert.insert_values(
        Recommendation,
        [
            {"candidacy_id": candidacy.pk, "source": source, "votes": count}
            for candidacy, counts in votes
            for source, count in counts.items()
        ],
        unique_fields=["candidacy", "source"],
        update_fields=["votes"],
    )
    bulk_insert.insert_values(
        CandidacyLog,
        [
            {
                "candidacy_id": c.pk,
                "to_status": c.status,
                "action": "录入初步人选",
                "reason": "由 Excel 导入",
                "by_id": user.pk,
            }
            for c in new
        ],
    )
    summary["candidacies_created"] += len(new)
    summary["candidacies_unchanged"] += len(rows) - len(new)


# --- Vetting -----------------------------------------------------------------------------------


@transaction.atomic
def vetting_send(*, actor, candidacies, departments, due_date: datetime.date, note=""):
    """Send preliminary candidates to departments for joint vetting, in one batch.

    A candidacy already under vetting may be sent to more departments; a department that
    has already been asked about a candidacy is not asked again. Those pairs are left out
    and listed in ``batch.skipped`` ((candidacy, department) pairs) for the message; when
    nothing is left to send the batch is refused.
    """
    departments = list(departments)
    if not candidacies:
        raise DomainError("请至少选择一名人选。")
    if not departments:
        raise DomainError("请至少选择一个联审部门。")
    if due_date < timezone.localdate():
        raise DomainError("答复时限不能早于今天。")
    # Locked, so that an answer arriving meanwhile sees the new requests (and waits for them).
    candidacies = list(
        Candidacy.objects.select_for_update(of=("self",))
        .filter(pk__in=[c.pk for c in candidacies])
        .select_related("person", "unit", "round")
        .order_by("pk")
    )
    townships = {c.unit.township_id for c in candidacies}
    if len(townships) != 1:
        raise DomainError("一个联审批次只能包含同一乡镇(街道)的人选。")
    for c in candidacies:
        if c.status not in (Candidacy.Status.PRELIMINARY, Candidacy.Status.INSPECTED):
            raise DomainError(
                f"{c.person.name}当前为“{c.get_status_display()}”，只有初步人选可以送联审。"
            )
    asked = set(
        VettingRequest.objects.filter(
            candidacy__in=candidacies, department__in=departments
        ).values_list("candidacy_id", "department_id")
    )
    pairs, skipped = [], []
    for c in candidacies:
        for d in departments:
            (skipped if (c.pk, d.pk) in asked else pairs).append((c, d))
    if not pairs:
        raise DomainError(
            "所选人选都已送所选部门联审，没有需要发送的请求："
            + "；".join(f"{c.person.name}已送{d.name}" for c, d in skipped)
            + "。"
        )
    batch = VettingBatch.objects.create(
        round=candidacies[0].round,
        township_id=townships.pop(),
        sent_by=actor,
        due_date=due_date,
        note=note,
    )
    VettingRequest.objects.bulk_create(
        VettingRequest(batch=batch, candidacy=c, department=d) for c, d in pairs
    )
    for c in candidacies:
        sent = [d.name for cc, d in pairs if cc is c]
        if sent:
            _log(c, action="送联审", actor=actor, before=c.status, reason="、".join(sent))
    batch.skipped = skipped
    return batch


@transaction.atomic
def vetting_answer(
    *,
    actor,
    request: VettingRequest,
    passed: bool,
    items=(),
    document_number="",
    comment="",
    attachment=None,
):
    request = VettingRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != VettingRequest.Status.PENDING:
        raise DomainError("该人选已答复，不能重复答复。")
    items = list(items)
    if passed and items:
        raise DomainError("结论为“无问题”时不能勾选负面清单条目。")
    if not passed and not items:
        raise DomainError("结论为“有问题”时请勾选涉及的负面清单条目。")
    if not passed and not document_number.strip():
        raise DomainError("结论为“有问题”时请填写文号。")
    for name, value in (("document_number", document_number), ("comment", comment)):
        field = VettingRequest._meta.get_field(name)
        if len(value.strip()) > field.max_length:
            raise DomainError(f"{field.verbose_name}不能超过 {field.max_length} 个字。")
    request.status = VettingRequest.Status.PASSED if passed else VettingRequest.Status.FAILED
    request.document_number, request.comment = document_number.strip(), comment.strip()
    request.answered_by, request.answered_at = actor, timezone.now()
    if attachment is not None:
        request.attachment = attachment
    request.save()
    request.items.set(items)
    candidacy = _locked(request.candidacy)
    bars = [i for i in items if i.severity == NegativeListItem.Severity.BAR]
    if bars and not candidacy.is_closed:
        reason = f"{request.department.name}联审：" + "；".join(str(i) for i in bars)
        candidacy.status_reason = reason[:300]
        _move(
            candidacy,
            Candidacy.Status.DISQUALIFIED,
            actor=actor,
            action=VETO_ACTION,
            reason=reason[:300],
            fields=["status_reason"],
        )
    else:
        _advance_after_vetting(candidacy, actor=actor)
    return request


@transaction.atomic
def vetting_caution_explain(*, actor, request: VettingRequest, reason: str):
    if not reason.strip():
        raise DomainError("请填写书面说明。")
    request = VettingRequest.objects.select_for_update().get(pk=request.pk)
    if not request.items.filter(severity=NegativeListItem.Severity.CAUTION).exists():
        raise DomainError("该答复没有须书面说明的条目。")
    request.caution_reason = reason.strip()
    request.save(update_fields=["caution_reason"])
    candidacy = _locked(request.candidacy)
    _log(
        candidacy, action="乡镇书面说明", actor=actor, before=candidacy.status, reason=reason[:300]
    )
    _advance_after_vetting(candidacy, actor=actor)
    return request


@transaction.atomic
def vetting_overturn(*, actor, request: VettingRequest, reason: str):
    """A county reviewer sets aside a department's bar finding, with a written reason."""
    if not reason.strip():
        raise DomainError("请写明不采纳该联审意见的理由。")
    request = VettingRequest.objects.select_for_update().get(pk=request.pk)
    if not request.items.filter(severity=NegativeListItem.Severity.BAR).exists():
        raise DomainError("该答复没有一票否决条目，无需否决。")
    if request.overturned_at:
        raise DomainError("该联审意见已被否决。")
    request.overturn_reason = reason.strip()
    request.overturned_by, request.overturned_at = actor, timezone.now()
    request.save(update_fields=["overturn_reason", "overturned_by", "overturned_at"])
    candidacy = _locked(request.candidacy)
    if _closed_by_veto(candidacy) and not vetting_blockers(candidacy):
        try:
            with transaction.atomic():
                candidacy_reopen(
                    actor=actor,
                    candidacy=candidacy,
                    reason=f"县委组织部否决联审意见：{reason}"[:300],
                )
        except DomainError:
            pass  # lost their party rights meanwhile: they stay out, the overturn stands
    return request


def _closed_by_veto(candidacy: Candidacy) -> bool:
    """Ruled out by a department's bar finding, and by nothing since: a candidacy ruled out
    for another reason (a refused pledge, a failed inspection) stays out when a veto goes."""
    if candidacy.status != Candidacy.Status.DISQUALIFIED:
        return False
    last = (
        candidacy.log.filter(to_status=Candidacy.Status.DISQUALIFIED)
        .order_by("-id")
        .values_list("action", flat=True)
        .first()
    )
    return last == VETO_ACTION


def vetting_blockers(candidacy: Candidacy) -> list[str]:
    """Why a candidacy has not passed joint vetting, in Chinese; empty when it may pass.

    It passes only when every department it was sent to has answered, no bar item stands
    (unless the county overturned it), every caution item has the township's written
    reason, and no automatic flag (an open discipline case, a ledger entry, an open
    exit-audit finding) is raised against the person.
    """
    requests = list(
        candidacy.vetting.select_related("department", "batch")
        .prefetch_related("items__catalogue")
        .order_by("batch__sent_at", "id")
    )
    if not requests:
        return ["尚未送联审。"]
    today = timezone.localdate()
    problems = []
    for r in requests:
        name = r.department.name
        if r.status == VettingRequest.Status.PENDING:
            late = "，已逾期" if r.batch.due_date < today else ""
            problems.append(f"{name}尚未答复（答复时限 {r.batch.due_date:%Y-%m-%d}{late}）。")
            continue
        items = list(r.items.all())
        bars = [str(i) for i in items if i.severity == NegativeListItem.Severity.BAR]
        cautions = [str(i) for i in items if i.severity == NegativeListItem.Severity.CAUTION]
        if bars and not r.overturned_at:
            problems.append(
                f"{name}答复涉及一票否决条目（{'；'.join(bars)}），县委组织部未否决该意见。"
            )
        if cautions and not r.caution_reason:
            problems.append(
                f"{name}答复涉及须书面说明的条目（{'；'.join(cautions)}），乡镇(街道)尚未书面说明。"
            )
    for flag in flags.flags_for(candidacy.person):
        problems.append(flag.message)
    return problems


def vetting_waiting_reasons(candidacy: Candidacy) -> list[str]:
    """Everything a candidacy still waits for before it passes vetting (the candidate page's
    list); empty once it has passed, or when it is closed."""
    if candidacy.status not in (Candidacy.Status.PRELIMINARY, Candidacy.Status.INSPECTED):
        return []
    reasons = []
    if candidacy.status == Candidacy.Status.PRELIMINARY:
        reasons.append("尚未登记组织考察结果（考察合格后才能通过联审）。")
    return reasons + vetting_blockers(candidacy)


def _advance_after_vetting(candidacy: Candidacy, *, actor) -> None:
    if candidacy.status == Candidacy.Status.INSPECTED and not vetting_blockers(candidacy):
        _move(candidacy, Candidacy.Status.VETTED, actor=actor, action="联审通过")


@transaction.atomic
def vetting_recheck(*, actor, candidacy: Candidacy) -> Candidacy:
    """Check an inspected candidacy's vetting again, once what held it has been dealt with.

    Answers move a candidacy on by themselves, and so do a case concluded unfounded and an
    audit finding rectified (vetting_recheck_people); anything else cleared elsewhere (a
    ledger entry corrected) tells nobody, so the township asks here.
    """
    candidacy = _locked(candidacy)
    if candidacy.status != Candidacy.Status.INSPECTED:
        raise DomainError(
            f"{candidacy.person.name}当前为“{candidacy.get_status_display()}”，"
            "只有已考察、等待联审结果的人选需要重新核对。"
        )
    blockers = vetting_blockers(candidacy)
    if blockers:
        raise DomainError("联审仍未通过：" + "".join(blockers))
    _move(candidacy, Candidacy.Status.VETTED, actor=actor, action="联审通过", reason="重新核对")
    return candidacy


def vetting_recheck_people(*, actor, people) -> list[Candidacy]:
    """A flag was cleared at its source (a case concluded, an audit finding rectified):
    the inspected candidacies of these people that nothing else holds pass vetting now,
    without waiting for the township to ask."""
    moved = []
    waiting = Candidacy.objects.filter(
        person__in=[p for p in people if p is not None],
        status=Candidacy.Status.INSPECTED,
        round__is_active=True,
    ).values_list("pk", flat=True)
    for pk in waiting:
        with transaction.atomic():
            candidacy = _locked(Candidacy(pk=pk))
            if candidacy.status == Candidacy.Status.INSPECTED and not vetting_blockers(candidacy):
                _move(
                    candidacy,
                    Candidacy.Status.VETTED,
                    actor=actor,
                    action="联审通过",
                    reason="自动核对：此前的标记已解除",
                )
                moved.append(candidacy)
    return moved


# --- Reserve cadres ---------------------------------------------------------------------------


@transaction.atomic
def reserve_add(*, unit: Unit, person: Person, direction: str = "", note: str = "") -> ReserveCadre:
    """Put a person into a unit's talent pool; one who left it (出库) comes back."""
    existing = ReserveCadre.objects.select_for_update().filter(unit=unit, person=person).first()
    if existing and existing.status != ReserveCadre.Status.REMOVED:
        raise DomainError(f"{person.name}已在{unit.name}后备干部库中。")
    if existing:
        existing.status, existing.direction, existing.note = (
            ReserveCadre.Status.ACTIVE,
            direction.strip(),
            note.strip(),
        )
        existing.removed_reason, existing.removed_at, existing.removed_by = "", None, None
        existing.added_at = timezone.now()
        existing.save(
            update_fields=[
                "status",
                "direction",
                "note",
                "removed_reason",
                "removed_at",
                "removed_by",
                "added_at",
            ]
        )
        return existing
    return ReserveCadre.objects.create(
        unit=unit, person=person, direction=direction.strip(), note=note.strip()
    )


@transaction.atomic
def reserve_update(*, reserve: ReserveCadre, direction: str, note: str) -> ReserveCadre:
    reserve = ReserveCadre.objects.select_for_update().select_related("person").get(pk=reserve.pk)
    if reserve.status == ReserveCadre.Status.REMOVED:
        raise DomainError(f"{reserve.person.name}已出库，不能修改；需要时请重新加入后备干部库。")
    reserve.direction, reserve.note = direction.strip(), note.strip()
    reserve.full_clean(exclude=["unit", "person", "removed_by"])
    reserve.save(update_fields=["direction", "note"])
    return reserve


@transaction.atomic
def reserve_retire(*, actor, reserve: ReserveCadre, reason: str) -> ReserveCadre:
    """出库: the person leaves the talent pool, with the reason kept."""
    if not reason.strip():
        raise DomainError("请写明出库原因。")
    reserve = ReserveCadre.objects.select_for_update().select_related("person").get(pk=reserve.pk)
    if reserve.status == ReserveCadre.Status.REMOVED:
        raise DomainError(f"{reserve.person.name}已出库。")
    reserve.status = ReserveCadre.Status.REMOVED
    reserve.removed_reason, reserve.removed_at, reserve.removed_by = (
        reason.strip()[:300],
        timezone.now(),
        actor,
    )
    reserve.save(update_fields=["status", "removed_reason", "removed_at", "removed_by"])
    return reserve


@transaction.atomic
def reserve_propose(*, actor, reserve: ReserveCadre, body: str, post: str, is_continuing=False):
    """One step from the talent pool to a preliminary candidate."""
    reserve = ReserveCadre.objects.select_for_update().get(pk=reserve.pk)
    if reserve.status != ReserveCadre.Status.ACTIVE:
        raise DomainError(
            f"{reserve.person.name}当前为“{reserve.get_status_display()}”，不能提名。"
        )
    candidacy = candidacy_create(
        actor=actor,
        unit=reserve.unit,
        person=reserve.person,
        body=body,
        post=post,
        is_continuing=is_continuing,
        reserve=reserve,
        notes="由后备干部库提名",
    )
    reserve.status = ReserveCadre.Status.PROPOSED
    reserve.save(update_fields=["status"])
    return candidacy


def reserves_bulk_add(rows, people: dict[str, Person], summary: dict) -> None:
    """reserve_add for many rows at once (the reserve import): new entries are created, those
    who left the pool come back, and those still in it get the row's 培养方向 when it has one."""
    existing = {
        (r.unit_id, r.person_id): r
        for r in ReserveCadre.objects.select_for_update().filter(
            unit_id__in={row.unit.pk for row in rows},
            person_id__in=[p.pk for p in people.values()],
        )
    }
    new, changed, now = [], [], timezone.now()
    for row in rows:
        person = people[row.id_hash]
        entry = existing.get((row.unit.pk, person.pk))
        if entry is None:
            new.append(ReserveCadre(unit=row.unit, person=person, direction=row.direction))
            continue
        if entry.status == ReserveCadre.Status.REMOVED:
            entry.status, entry.added_at = ReserveCadre.Status.ACTIVE, now
            entry.removed_reason, entry.removed_at, entry.removed_by = "", None, None
            entry.direction = row.direction or entry.direction
            new.append(entry)
        else:
            entry.direction = row.direction or entry.direction
            changed.append(entry)
    bulk_insert.insert(ReserveCadre, [e for e in new if e.pk is None])
    returning = [e for e in new if e.pk is not None] + changed
    if returning:
        ReserveCadre.objects.bulk_update(
            returning,
            ["status", "added_at", "direction", "removed_reason", "removed_at", "removed_by"],
        )
    summary["reserves_added"] += len(new)
    summary["reserves_kept"] += len(changed)


# --- Outcome of the election -------------------------------------------------------------------

OUTCOME_ACTION = {
    Candidacy.Outcome.ELECTED: "选举结果批复：当选",
    Candidacy.Outcome.NOT_ELECTED: "选举结果批复：未当选",
}


@transaction.atomic
def candidacies_learn_outcome(*, actor, round_id: int, unit_id: int, body: str, posts) -> int:
    """The approved result reaches the candidacies of the unit's committee: ``posts`` maps each
    elected person's id to the post of the new term. A candidacy for the committee's ordinary
    post is elected when its person sits on the committee; one for a named post (书记, 主任 …)
    when its person holds that post. Logged on each candidacy's history."""
    rows = Candidacy.objects.select_for_update().filter(
        round_id=round_id, unit_id=unit_id, body=body, status=Candidacy.Status.FORMAL
    )
    ordinary = {Post.PARTY_MEMBER, Post.COMMITTEE_MEMBER}
    changed = 0
    for candidacy in rows:
        held = posts.get(candidacy.person_id)
        won = held is not None and (candidacy.post in ordinary or held == candidacy.post)
        outcome = Candidacy.Outcome.ELECTED if won else Candidacy.Outcome.NOT_ELECTED
        if candidacy.outcome == outcome:
            continue
        candidacy.outcome = outcome
        candidacy.save(update_fields=["outcome"])
        CandidacyLog.objects.create(
            candidacy=candidacy,
            from_status=candidacy.status,
            to_status=candidacy.status,
            action=OUTCOME_ACTION[outcome],
            reason=f"任{Post(held).label}" if won and held != candidacy.post else "",
            by=actor,
        )
        changed += 1
    return changed


@transaction.atomic
def candidacies_forget_outcome(*, actor, round_id: int, unit_id: int, body: str, reason: str):
    """A reopened result: the outcome waits for the next approval."""
    rows = (
        Candidacy.objects.select_for_update()
        .filter(round_id=round_id, unit_id=unit_id, body=body)
        .exclude(outcome="")
    )
    for candidacy in rows:
        candidacy.outcome = ""
        candidacy.save(update_fields=["outcome"])
        CandidacyLog.objects.create(
            candidacy=candidacy,
            from_status=candidacy.status,
            to_status=candidacy.status,
            action="选举结果重新打开，当选情况待重新批复",
            reason=reason[:300],
            by=actor,
        )


# --- Villagers' committee nominations ---------------------------------------------------------


@transaction.atomic
def candidacy_for_nomination(
    *, actor, unit: Unit, person: Person, post: str, reason: str
) -> Candidacy:
    """The person's open candidacy for a villagers' committee post, created on their first
    nomination; every nomination is written on its history, so the candidate has one record
    from nomination through vetting to the result."""
    rnd = active_round(unit.county_id)
    candidacy = (
        Candidacy.objects.select_for_update()
        .filter(round=rnd, unit=unit, person=person, body=Body.VILLAGERS, post=post)
        .exclude(status__in=Candidacy.CLOSED)
        .first()
    )
    if candidacy is None:
        candidacy = candidacy_create(
            actor=actor, unit=unit, person=person, body=Body.VILLAGERS, post=post
        )
    _log(candidacy, action="选民提名为候选人", actor=actor, before=candidacy.status, reason=reason)
    return candidacy


FORMAL_BY_ELECTION = "确定为正式候选人"


@transaction.atomic
def candidacies_unformal_by_election(*, actor, candidacies, reason: str) -> None:
    """The election committee took them off its formal list (a name unticked, the seats
    changed): each goes back to where it stood before the list, so it is not counted as a
    candidate who was not elected."""
    for candidacy in candidacies:
        candidacy = _locked(candidacy)
        if candidacy.body != Body.VILLAGERS or candidacy.status != Candidacy.Status.FORMAL:
            continue
        before = (
            candidacy.log.filter(action=FORMAL_BY_ELECTION, to_status=Candidacy.Status.FORMAL)
            .order_by("-id")
            .values_list("from_status", flat=True)
            .first()
        ) or Candidacy.Status.PRELIMINARY
        candidacy.status = before
        candidacy.save(update_fields=["status"])
        _log(
            candidacy,
            action="撤销正式候选人",
            actor=actor,
            before=Candidacy.Status.FORMAL,
            reason=reason,
        )


@transaction.atomic
def candidacies_formal_by_election(*, actor, candidacies, reason: str) -> None:
    """The election committee fixed its formal list: those candidacies become formal."""
    for candidacy in candidacies:
        candidacy = _locked(candidacy)
        if candidacy.status == Candidacy.Status.FORMAL:
            continue
        if candidacy.is_closed:
            raise DomainError(
                f"{candidacy.person.name}当前为“{candidacy.get_status_display()}”，"
                "不能确定为正式候选人。"
            )
        before = candidacy.status
        candidacy.set_formal_by_election()
        candidacy.save(update_fields=["status"])
        _log(candidacy, action=FORMAL_BY_ELECTION, actor=actor, before=before, reason=reason)
