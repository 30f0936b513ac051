"""Hand-made unit histories for the roll-up tests: candidacies with a dated log, terms."""

import datetime

from django.utils import timezone

from candidates.models import Candidacy, CandidacyLog
from renewal.models import Term, TermMember
from tests.factories import PersonFactory


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def candidacy(unit, rnd, user, *, entered: datetime.date, steps=(), post="secretary"):
    """A candidacy entered on ``entered`` that reached each (status, day) of ``steps``."""
    c = Candidacy.objects.create(
        round=rnd,
        unit=unit,
        person=PersonFactory(),
        body="party",
        post=post,
        created_by=user,
        created_at=at(entered),
    )
    CandidacyLog.objects.create(
        candidacy=c, to_status="preliminary", action="录入初步人选", by=user, at=at(entered)
    )
    before = "preliminary"
    for status, day in steps:
        CandidacyLog.objects.create(
            candidacy=c, from_status=before, to_status=status, action="测试", by=user, at=at(day)
        )
        before = status
    if steps:
        Candidacy.objects.filter(pk=c.pk).update(status=before)
    return c


def term(unit, body, elected_on, members, rnd=None):
    """A term with members given as (post, sex, birth_date, education, tags) or persons."""
    t = Term.objects.create(unit=unit, body=body, elected_on=elected_on, round=rnd)
    for post, person in members:
        TermMember.objects.create(term=t, person=person, post=post)
    return t


def person(sex="M", born=datetime.date(1980, 1, 1), education="senior", tags=()):
    return PersonFactory(sex=sex, birth_date=born, education=education, tags=list(tags))
