"""Pledges (换届纪律承诺书) and talks (谈心谈话) of a unit's candidates and committee members.

A refused pledge disqualifies its candidacy (candidates.services.candidacy_disqualify).
Who must be talked with is a pure rule (talk_targets); the rest loads data and calls it.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from ballots.models import Congress, ElectionRound, RoundCandidate
from candidates.models import Candidacy
from candidates.services import candidacy_disqualify
from discipline.cases.services import REASON_MAX
from discipline.models import Pledge, Talk
from renewal.kit.naming import Standing, ballot_names
from renewal.models import (
    Body,
    DomainError,
    Person,
    Post,
    RenewalRound,
    Term,
    TermMember,
    Unit,
)
from renewal.selectors import active_round


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
    """Pledges and talk coverage for a page of units in six queries."""
    data = {u.pk: UnitDiscipline(unit=u) for u in units}
    ids = list(data)
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
    # A committee's result is the round's term its approved result wrote; the party
    # committee's is known earlier, from its counted rounds (by the people elected).
    counted = ElectionRound.objects.filter(
        congress__unit_id__in=ids,
        congress__round__is_active=True,
        congress__status__in=[Congress.Status.REPORTED, Congress.Status.APPROVED],
        kind=ElectionRound.Kind.COMMITTEE,
        status=ElectionRound.Status.COUNTED,
    )
    for unit_id in counted.values_list("congress__unit_id", flat=True).distinct():
        elected[unit_id].setdefault(Body.PARTY, set())
    for unit_id, person_id in RoundCandidate.objects.filter(
        round__in=counted,
        elected=True,
        person__isnull=False,
    ).values_list("round__congress__unit_id", "person_id"):
        elected[unit_id].setdefault(Body.PARTY, set()).add(person_id)
    for unit_id, body, person_id in TermMember.objects.filter(
        term__unit_id__in=ids, term__round__in=active_rounds
    ).values_list("term__unit_id", "term__body", "person_id"):
        elected[unit_id].setdefault(body, set()).add(person_id)
    talks = Talk.objects.filter(unit_id__in=ids, round__in=active_rounds)
    for unit_id, person_id, phase in talks.values_list("unit_id", "person_id", "phase"):
        d = data[unit_id]
        (d.talked_before if phase == Talk.Phase.BEFORE else d.talked_after).add(person_id)
    _tell_apart(data.values())
    for unit_id, d in data.items():
        d.before, d.after, d.pending = talk_targets(
            candidates={c.person_id for c in d.candidacies},
            members=members[unit_id],
            elected=elected[unit_id],
        )
    return [data[u.pk] for u in units]


def _tell_apart(units: Iterable[UnitDiscipline]) -> None:
    """Two people of a unit with the same name are shown as the ballot shows them (with
    their birth year, or more), so that the clerk picks the right one."""
    units = list(units)
    ids = {pk for d in units for pk in d.names}
    people = {
        pk: Standing(pk, name, born)
        for pk, name, born in Person.objects.filter(pk__in=ids).values_list(
            "pk", "name", "birth_date"
        )
    }
    for d in units:
        shown = ballot_names(people[pk] for pk in d.names if pk in people)
        d.names.update(shown)
        for row in d.candidacies:
            row.name = shown.get(row.person_id, row.name)


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
