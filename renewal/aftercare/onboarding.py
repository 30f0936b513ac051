"""Onboarding of the new committee: training, the four pledges, and who was not re-elected.

"Not re-elected" = members of the unit's latest earlier Term of a body who are not in the
round's Term of that body. Talks with them are discipline.Talk rows (phase "after").
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from renewal.models import (
    Body,
    CommitteePledge,
    DomainError,
    Person,
    RenewalRound,
    Term,
    TermMember,
    TrainingSession,
    Unit,
)


def not_reelected(previous: Iterable[int], current: Iterable[int]) -> set[int]:
    return set(previous) - set(current)


@dataclass
class BodyChange:
    body: str
    term: Term
    previous: Term | None
    members: list[TermMember] = field(default_factory=list)
    leaving: list[Person] = field(default_factory=list)

    @property
    def body_label(self):
        return Body(self.body).label


def committee_changes(round_: RenewalRound, unit: Unit) -> list[BodyChange]:
    """For each body elected in the round: the new members and those not re-elected."""
    terms = list(Term.objects.filter(unit=unit, round=round_).order_by("body", "-elected_on"))
    changes = []
    seen = set()
    for term in terms:
        if term.body in seen:
            continue
        seen.add(term.body)
        previous = (
            Term.objects.filter(unit=unit, body=term.body, elected_on__lt=term.elected_on)
            .exclude(round=round_)
            .order_by("-elected_on")
            .first()
        )
        changes.append(BodyChange(term.body, term, previous))
    term_ids = [c.term.pk for c in changes] + [c.previous.pk for c in changes if c.previous]
    seats = list(
        TermMember.objects.filter(term_id__in=term_ids)
        .select_related("person")
        .order_by("post", "id")
    )
    for change in changes:
        change.members = [s for s in seats if s.term_id == change.term.pk]
        if change.previous:
            old = {s.person_id: s.person for s in seats if s.term_id == change.previous.pk}
            leaving = not_reelected(old, {s.person_id for s in change.members})
            change.leaving = sorted((old[pk] for pk in leaving), key=lambda p: (p.name, p.pk))
    return changes


def new_member_ids(round_: RenewalRound, unit: Unit) -> set[int]:
    return set(
        TermMember.objects.filter(term__unit=unit, term__round=round_).values_list(
            "person_id", flat=True
        )
    )


def training_record(
    *,
    actor,
    unit: Unit,
    round_: RenewalRound,
    title: str,
    held_on: datetime.date | None,
    attendee_ids: Iterable[int],
) -> TrainingSession:
    title = (title or "").strip()
    if not title:
        raise DomainError("请填写培训主题。")
    if len(title) > 100:
        raise DomainError("培训主题不能超过 100 个字。")
    if held_on is None:
        raise DomainError("请填写培训日期。")
    if held_on > timezone.localdate():
        raise DomainError("培训日期不能晚于今天。")
    members = new_member_ids(round_, unit)
    if not members:
        raise DomainError(f"{unit.name}本轮换届的新班子尚未产生，不能登记培训。")
    attendee_ids = {int(pk) for pk in attendee_ids}
    if not attendee_ids:
        raise DomainError("请勾选参加培训的新班子成员。")
    if attendee_ids - members:
        raise DomainError("参训人员只能从新班子成员中选择。")
    with transaction.atomic():
        session = TrainingSession.objects.create(
            round=round_, unit=unit, title=title, held_on=held_on, recorded_by=actor
        )
        session.attendees.set(attendee_ids)
    return session


@transaction.atomic
def pledges_record(
    *,
    actor,
    unit: Unit,
    round_: RenewalRound,
    people: Iterable[Person],
    kind: str,
    summary: str,
    signed_on: datetime.date | None,
) -> list[CommitteePledge]:
    """Record one of the four pledges for new committee members who signed it together (a
    committee signs at its first meeting): all of them, or none. Members who already have
    it keep what was recorded for them; ticking one member alone corrects theirs."""
    if kind not in CommitteePledge.Kind.values:
        raise DomainError("请选择承诺类别。")
    people = list(people)
    if not people:
        raise DomainError("请勾选签订承诺的新班子成员。")
    members = new_member_ids(round_, unit)
    if any(person.pk not in members for person in people):
        raise DomainError("只能为本轮换届新班子成员登记承诺。")
    summary = (summary or "").strip()
    if not summary:
        raise DomainError("请填写承诺内容摘要。")
    if len(summary) > 300:
        raise DomainError("承诺内容摘要不能超过 300 个字。")
    if signed_on is None:
        raise DomainError("请填写签订日期。")
    if signed_on > timezone.localdate():
        raise DomainError("签订日期不能晚于今天。")
    values = {"summary": summary, "signed_on": signed_on, "recorded_by": actor}
    key = {"round": round_, "unit": unit, "kind": kind}
    if len(people) == 1:
        return [
            CommitteePledge.objects.update_or_create(**key, person=people[0], defaults=values)[0]
        ]
    have = set(
        CommitteePledge.objects.filter(**key, person__in=people).values_list("person_id", flat=True)
    )
    return CommitteePledge.objects.bulk_create(
        CommitteePledge(**key, person=person, **values)
        for person in people
        if person.pk not in have
    )
