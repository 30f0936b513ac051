"""Committees in office: a term of a body and its members, each a person by id."""

from django.db import models

from renewal.models.base import audited
from renewal.models.people import Person
from renewal.models.regions import Unit


class Body(models.TextChoices):
    PARTY = "party", "党组织委员会"
    VILLAGERS = "villagers", "村(居)民委员会"
    SUPERVISION = "supervision", "村(居)务监督委员会"


class Post(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    PARTY_MEMBER = "party_member", "委员"
    DIRECTOR = "director", "主任"
    DEPUTY_DIRECTOR = "deputy_director", "副主任"
    COMMITTEE_MEMBER = "committee_member", "委员"
    WOMEN_MEMBER = "women_member", "妇女委员"
    SUPERVISION_CHAIR = "supervision_chair", "监督委员会主任"
    SUPERVISION_MEMBER = "supervision_member", "监督委员会委员"


# The two committees (两委): candidacies and seats are theirs, and the structure figures
# count their members; the supervision committee is elected and handed over on its own.
COMMITTEES = (Body.PARTY, Body.VILLAGERS)
COMMITTEE_CHOICES = [(b.value, b.label) for b in COMMITTEES]


@audited()
class Term(models.Model):
    """One term of one committee of a unit (the previous term is the baseline).

    An approved election result writes the new term (with its round) and its members;
    the structure statistics compare it with the unit's latest term of the same body
    from before the round.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="terms")
    body = models.CharField("班子", max_length=12, choices=Body.choices)
    elected_on = models.DateField("选举日期")
    # The round that elected this committee; empty for terms from before the system
    # (the previous term, 上届, loaded as the baseline).
    round = models.ForeignKey(
        "RenewalRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="terms",
        verbose_name="换届轮次",
    )

    class Meta:
        verbose_name = "届次"
        verbose_name_plural = "届次"
        ordering = ["-elected_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "body", "elected_on"],
                name="term_unique",
                violation_error_message="该班子在这一选举日期已有届次记录。",
            )
        ]


@audited()
class TermMember(models.Model):
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="term_seats")
    post = models.CharField("职务", max_length=20, choices=Post.choices)

    class Meta:
        verbose_name = "班子成员"
        verbose_name_plural = "班子成员"
        constraints = [
            models.UniqueConstraint(
                fields=["term", "person", "post"],
                name="term_member_unique",
                violation_error_message="此人已在该届班子中担任这一职务。",
            )
        ]
