"""The tally checks as data, and the warnings clerks acknowledged with a reason."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from renewal.models.base import audited


class TallyCheck(models.Model):
    """One coded rule of the tally check engine (ballots/checks.py). The code is stable; the
    text (with its {placeholders}) and the severity may be edited in the admin."""

    class Severity(models.TextChoices):
        REFUSE = "F", "拒绝保存"
        WARN = "W", "需说明理由"

    class AppliesTo(models.TextChoices):
        BOTH = "both", "党员大会、村民选举"
        CONGRESS = "congress", "党员大会"
        VILLAGERS = "villagers", "村民选举"

    code = models.CharField("编号", max_length=8, unique=True)
    severity = models.CharField("类别", max_length=1, choices=Severity.choices)
    applies_to = models.CharField("适用", max_length=10, choices=AppliesTo.choices)
    text = models.CharField(
        "提示文字",
        max_length=300,
        help_text="花括号中的名称由系统填入数字或姓名，修改文字时请原样保留。",
    )
    # The same rule worded for the villagers' ballot where its choices differ (a villagers'
    # ballot has no 反对 / 弃权); blank: ``text`` serves both.
    villagers_text = models.CharField(
        "提示文字（村民选举）",
        max_length=300,
        blank=True,
        help_text="村(居)委会选票的选项与党员大会不同时使用；不填则与上一项相同。",
    )
    source = models.CharField("依据", max_length=200)
    version = models.CharField("规则版本", max_length=20)
    effective_from = models.DateField("生效日期")
    position = models.PositiveSmallIntegerField("排列顺序", default=0)

    class Meta:
        verbose_name = "计票核对规则"
        verbose_name_plural = "计票核对规则"
        ordering = ["position", "code"]

    def __str__(self):
        return f"{self.code} {self.text}"

    def clean(self):
        from ballots.check_catalogue import CHECKS
        from ballots.checks import placeholders

        shipped = {c["code"]: c for c in CHECKS}.get(self.code)
        if shipped is None:
            return
        errors = {}
        for field in ("text", "villagers_text"):
            wanted = placeholders(shipped.get(field) or shipped["text"])
            typed = getattr(self, field)
            if typed and placeholders(typed) != wanted:
                names = "、".join("{" + n + "}" for n in sorted(wanted)) or "无"
                errors[field] = f"提示文字须保留原有的填写位置：{names}。"
        if errors:
            raise ValidationError(errors)

    def text_for(self, kind: str) -> str:
        """The wording for a congress (``congress``) or a villagers' (``villagers``) tally."""
        return (self.villagers_text if kind == self.AppliesTo.VILLAGERS else "") or self.text


@audited()
class TallyAcknowledgement(models.Model):
    """A warning the clerk read and saved anyway, with the reason given: kept with the round
    or box (or the supervision committee's meeting round) it was entered for, and tracked in
    the audit log."""

    round = models.ForeignKey(
        "ballots.ElectionRound",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="acknowledgements",
    )
    box = models.ForeignKey(
        "ballots.BallotBox",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="acknowledgements",
    )
    vote_round = models.ForeignKey(
        "ballots.VillagersRound",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="acknowledgements",
    )
    supervision_round = models.ForeignKey(
        "ballots.SupervisionRound",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="acknowledgements",
    )
    code = models.CharField("编号", max_length=8)
    text = models.CharField("提示", max_length=400)
    reason = models.CharField("理由", max_length=300)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="确认人"
    )
    acknowledged_at = models.DateTimeField("确认时间", default=timezone.now)

    class Meta:
        verbose_name = "计票核对说明"
        verbose_name_plural = "计票核对说明"
        ordering = ["acknowledged_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(round__isnull=False)
                | models.Q(box__isnull=False)
                | models.Q(vote_round__isnull=False)
                | models.Q(supervision_round__isnull=False),
                name="tally_acknowledgement_has_subject",
                violation_error_message="核对说明须属于某一轮次或投票点。",
            )
        ]

    def __str__(self):
        return f"{self.code} {self.reason}"
