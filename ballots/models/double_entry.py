"""Tallies entered twice: each account's typing kept apart from the count until the two
agree, or until the coordinator keeps one of them (``ballots.double_entry``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from renewal.models import audited


@audited()
class EntryDraft(models.Model):
    """One account's entry of a tally that must be entered twice. It is not counted and not
    in the entry chain: the agreed (or kept) figures are, once, through the count's own
    service. Resolutions are updates of these rows, so the audit log holds every step."""

    class Kind(models.TextChoices):
        CONGRESS_ROUND = "congress-round", "党员大会选举轮次"
        VILLAGERS_BOX = "villagers-box", "村(居)委会选举投票点"
        VILLAGERS_ROUND = "villagers-round", "村(居)委会选举轮次"
        SUPERVISION_ROUND = "supervision", "村(居)务监督委员会选举轮次"

    class Status(models.TextChoices):
        PENDING = "pending", "待核对"
        AGREED = "agreed", "两次录入一致，已采用"
        KEPT = "kept", "协调人采用"
        SET_ASIDE = "set_aside", "协调人未采用"
        RETURNED = "returned", "协调人退回重新录入"

    kind = models.CharField("录入对象", max_length=16, choices=Kind.choices)
    congress_round = models.ForeignKey(
        "ballots.ElectionRound",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="drafts",
    )
    box = models.ForeignKey(
        "ballots.BallotBox", null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    vote_round = models.ForeignKey(
        "ballots.VillagersRound",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="drafts",
    )
    supervision_round = models.ForeignKey(
        "ballots.SupervisionRound",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="drafts",
    )
    position = models.PositiveSmallIntegerField("第几次录入")
    figures = models.JSONField("录入的数字")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="录入人"
    )
    entered_at = models.DateTimeField("录入时间", default=timezone.now)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="协调人",
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "计票录入（双人核对）"
        verbose_name_plural = "计票录入（双人核对）"
        ordering = ["entered_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="congress-round",
                        congress_round__isnull=False,
                        box__isnull=True,
                        vote_round__isnull=True,
                        supervision_round__isnull=True,
                    )
                    | models.Q(
                        kind="villagers-box",
                        congress_round__isnull=True,
                        box__isnull=False,
                        vote_round__isnull=True,
                        supervision_round__isnull=True,
                    )
                    | models.Q(
                        kind="villagers-round",
                        congress_round__isnull=True,
                        box__isnull=True,
                        vote_round__isnull=False,
                        supervision_round__isnull=True,
                    )
                    | models.Q(
                        kind="supervision",
                        congress_round__isnull=True,
                        box__isnull=True,
                        vote_round__isnull=True,
                        supervision_round__isnull=False,
                    )
                ),
                name="entry_draft_one_subject",
                violation_error_message="录入须属于一个轮次或投票点。",
            )
        ]

    def __str__(self):
        return f"第 {self.position} 次录入（{self.get_status_display()}）"
