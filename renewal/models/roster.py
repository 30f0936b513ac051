"""The party roster's Excel import (the rows: renewal.roster.importer)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from renewal.kit import uploads
from renewal.models.regions import PartyBranch


class RosterImportJob(uploads.ImportJob):
    """An xlsx of one branch's members, as the national party-member system exports them."""

    branch = models.ForeignKey(PartyBranch, on_delete=models.CASCADE, related_name="import_jobs")

    class Meta(uploads.ImportJob.Meta):
        verbose_name = "党员名册导入"
        verbose_name_plural = "党员名册导入"


class RosterChange(models.Model):
    """A change to a branch's roster while a congress's attendance roster is open.

    The congress's 应到会 is counted from the roster, so from the moment its attendance is
    opened the roster changes only through a recorded correction (更正) with its reason;
    the roster services write one row per change, in the same transaction as the change.
    """

    class Kind(models.TextChoices):
        ADDED = "added", "增加党员"
        CHANGED = "changed", "修改党员信息"
        REMOVED = "removed", "删除误录党员"

    branch = models.ForeignKey(PartyBranch, on_delete=models.CASCADE, related_name="changes")
    round = models.ForeignKey("renewal.RenewalRound", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("renewal.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("变更内容", max_length=10, choices=Kind.choices)
    detail = models.CharField("变更说明", max_length=300, blank=True)
    reason = models.CharField("更正理由", max_length=300)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    made_at = models.DateTimeField("变更时间", default=timezone.now)

    class Meta:
        verbose_name = "党员名册冻结后变更"
        verbose_name_plural = "党员名册冻结后变更"
        ordering = ["made_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""),
                name="roster_change_has_a_reason",
                violation_error_message="名册冻结后的变更须写明更正理由。",
            )
        ]
