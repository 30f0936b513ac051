"""The head of each entry chain (``ballots.chain``): the hash of its last entry and how
many entries it holds, written in the same transaction as every append. The entries
alone cannot show that their last one was deleted; the head can."""

from django.db import models


class EntryChainHead(models.Model):
    """The last link of one chain: a party congress round's entries, or a villagers'
    election's box counts and later rounds (exactly one of the two is set)."""

    congress_round = models.OneToOneField(
        "ballots.ElectionRound",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="chain_head",
    )
    villagers_election = models.OneToOneField(
        "ballots.VillagersElection",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="chain_head",
    )
    head_hash = models.CharField("最后一条录入的校验值", max_length=64, blank=True, default="")
    length = models.PositiveIntegerField("录入条数", default=0)

    class Meta:
        verbose_name = "计票录入记录链末端"
        verbose_name_plural = "计票录入记录链末端"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(congress_round__isnull=False, villagers_election__isnull=True)
                | models.Q(congress_round__isnull=True, villagers_election__isnull=False),
                name="entry_chain_head_one_owner",
                violation_error_message="记录链末端须属于一个党员大会轮次或一次村(居)委会选举。",
            )
        ]
