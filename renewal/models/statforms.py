"""Official statistical forms (统计表) as data: a form and its columns, each naming a measure.

The measures are code (``renewal.kit.measures``); which of them a form shows, under what
heading, grouped under which upper heading and in what order is data, edited in the admin,
so a county (or a province, later) changes a form without code. A row with a blank county
is the shipped default; a county's own form with the same code replaces it for that county.
"""

from django.core.exceptions import ValidationError
from django.db import models

from renewal.kit import measures
from renewal.models.base import audited
from renewal.models.regions import Region


@audited()
class StatForm(models.Model):
    code = models.SlugField("表号", max_length=40, help_text="同一表的各区县版本用同一表号。")
    county = models.ForeignKey(
        Region,
        verbose_name="所属区县",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": "county"},
        related_name="+",
        help_text="留空为通用表式；区县自定的同表号表式替代通用表式。",
    )
    name = models.CharField("表名", max_length=80)
    version = models.CharField("版本", max_length=40)
    source = models.CharField("依据", max_length=200)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "统计表式"
        verbose_name_plural = "统计表式"
        ordering = ["order", "code", "county_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "county"],
                name="stat_form_once_per_county",
                nulls_distinct=False,
                violation_error_message="该区县已有这一表号的统计表。",
            )
        ]

    def __str__(self):
        where = self.county.name if self.county_id else "通用"
        return f"{self.name}（{where}，{self.version}）"


@audited()
class StatColumn(models.Model):
    form = models.ForeignKey(StatForm, on_delete=models.CASCADE, related_name="columns")
    order = models.PositiveSmallIntegerField("顺序")
    group = models.CharField(
        "分组表头",
        max_length=40,
        blank=True,
        help_text="相邻各列分组表头相同的，合并为上一级表头。",
    )
    label = models.CharField("列名", max_length=40)
    measure = models.CharField("统计指标", max_length=60)

    class Meta:
        verbose_name = "统计表列"
        verbose_name_plural = "统计表列"
        ordering = ["form_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "order"],
                name="stat_column_order_once",
                violation_error_message="该表已有这一顺序号的列。",
            )
        ]

    def __str__(self):
        return f"{self.group}·{self.label}" if self.group else self.label

    def clean(self):
        if self.measure and measures.measure(self.measure) is None:
            raise ValidationError({"measure": "没有这一统计指标，请从列表中选择。"})
