"""Versioned rule settings of the vote, with their source: counting rules, the holiday
calendar that working days are counted on, and the villagers' election rule packs."""

from django.db import models

from renewal.kit.versioned import VersionedSetting


class CountingRuleSet(VersionedSetting):
    """Versioned counting settings with their source; county blank = default."""

    class Quorum(models.TextChoices):
        MORE_THAN_4_5 = "more-than-4/5", "超过应到会人数的五分之四"
        AT_LEAST_4_5 = "at-least-4/5", "不少于应到会人数的五分之四"
        NONE = "none", "不设到会人数要求"

    class MajorityBase(models.TextChoices):
        PRESENT = "present", "实到会有选举权人数"
        EXPECTED = "expected", "应到会有选举权人数"

    quorum = models.CharField(
        "到会人数要求", max_length=16, choices=Quorum.choices, default=Quorum.MORE_THAN_4_5
    )
    majority_base = models.CharField(
        "当选票数基数", max_length=10, choices=MajorityBase.choices, default=MajorityBase.PRESENT
    )
    secretary_by_congress = models.BooleanField("书记、副书记由党员大会直接选举", default=False)
    source = models.CharField(
        "依据", max_length=200, default="《中国共产党基层组织选举工作条例》(2020)"
    )

    class Meta:
        verbose_name = "计票规则"
        verbose_name_plural = "计票规则"
        ordering = ["county_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "effective_from"],
                name="counting_rules_once_per_day",
                violation_error_message="该区县在这一生效日期已有计票规则。",
            )
        ]

    def __str__(self):
        where = self.county.name if self.county_id else "默认"
        return f"{where} 计票规则（{self.effective_from:%Y-%m-%d} 起）"


class CalendarYear(models.Model):
    """A year whose holidays and make-up working days an admin has entered (beyond the package)."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField(
        "依据", max_length=200, help_text="如：国务院办公厅关于 2027 年部分节假日安排的通知"
    )

    class Meta:
        verbose_name = "节假日安排（年度）"
        verbose_name_plural = "节假日安排"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} 年节假日安排"


class CalendarDay(models.Model):
    year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField(
        "调休上班", default=False, help_text="勾选表示周末调休上班；不勾选表示放假。"
    )
    name = models.CharField("名称", max_length=40, blank=True)

    class Meta:
        verbose_name = "节假日或调休日"
        verbose_name_plural = "节假日或调休日"
        ordering = ["date"]


# --- Villagers' and residents' committee elections -------------------------------------------


class LawEdition(models.TextChoices):
    Y2018 = "2018", "《村民委员会组织法》2018 年修正"
    Y2025 = "2025", "《村民委员会组织法》2025 年修正（2026 年 1 月 1 日起施行）"


class SupervisionAssembly(models.TextChoices):
    MEETING = "meeting", "村(居)民会议"
    REPRESENTATIVES = "representatives", "村(居)民代表会议"
    EITHER = "either", "村(居)民会议或村(居)民代表会议"


class GroupVoteMethod(models.TextChoices):
    HOUSEHOLDS = "households", "按户推选（每五户至十五户推选一人）"
    GROUP_MEETING = "group_meeting", "村(居)民小组会议推选"
    EITHER = "either", "按户推选或村(居)民小组会议推选"


class VillagersRulePack(models.Model):
    """A province's 选举办法 as data, dated; blank province = the national defaults."""

    province_code = models.CharField(
        "省级区划代码前两位",
        max_length=2,
        blank=True,
        help_text="留空为全国默认；如内蒙古自治区填 15。",
    )
    name = models.CharField("名称", max_length=80)
    effective_from = models.DateField("生效日期")
    source = models.CharField("依据", max_length=200)
    min_age = models.PositiveSmallIntegerField("选民最低年龄（选举日当天）", default=18)
    publication_days = models.PositiveSmallIntegerField("选民名单至少提前公布天数", default=20)
    objection_days = models.PositiveSmallIntegerField("异议提出期限（天）", default=5)
    objection_answer_days = models.PositiveSmallIntegerField("异议答复期限（天）", default=3)
    proxy_cap = models.PositiveSmallIntegerField("每人最多接受委托数", default=3)
    mobile_box_min_scrutineers = models.PositiveSmallIntegerField("流动票箱最少监票人数", default=3)
    surplus_min_extra = models.PositiveSmallIntegerField("候选人至少多于应选人数", default=1)
    supplementary_min_share_den = models.PositiveSmallIntegerField(
        "另行选举当选票数不少于选票的几分之一", default=3
    )
    recall_proposal_share_den = models.PositiveSmallIntegerField(
        "罢免需几分之一以上选民联名提出", default=5
    )
    # The other bodies a village elects in the same renewal, and the law they follow.
    law_edition = models.CharField(
        "依据的组织法版本", max_length=8, choices=LawEdition.choices, default=LawEdition.Y2018
    )
    supervision_assembly = models.CharField(
        "监督委员会由何种会议推选",
        max_length=16,
        choices=SupervisionAssembly.choices,
        default=SupervisionAssembly.EITHER,
    )
    supervision_min_seats = models.PositiveSmallIntegerField("监督委员会最少人数", default=3)
    supervision_max_seats = models.PositiveSmallIntegerField("监督委员会最多人数", default=5)
    supervision_bars_relatives = models.BooleanField(
        "村(居)委会成员及其近亲属不得担任监督委员会成员", default=True
    )
    representative_method = models.CharField(
        "村(居)民代表推选方式",
        max_length=16,
        choices=GroupVoteMethod.choices,
        default=GroupVoteMethod.EITHER,
    )
    group_leader_method = models.CharField(
        "村(居)民小组长推选方式",
        max_length=16,
        choices=GroupVoteMethod.choices,
        default=GroupVoteMethod.GROUP_MEETING,
    )
    representatives_women_share_den = models.PositiveSmallIntegerField(
        "村(居)民代表中妇女至少占几分之一", default=3
    )
    bodies_source = models.CharField(
        "监督委员会、代表和小组长规则依据",
        max_length=200,
        default="《中华人民共和国村民委员会组织法》第二十五条、第二十八条、第三十二条",
    )

    class Meta:
        verbose_name = "村(居)委会选举规则"
        verbose_name_plural = "村(居)委会选举规则"
        ordering = ["province_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "effective_from"],
                name="villagers_rule_pack_once_per_day",
                violation_error_message="该省份在这一生效日期已有选举规则。",
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.effective_from:%Y-%m-%d} 起）"

    @property
    def law_edition_short(self) -> str:
        """组织法 2018 年修正 / 2025 年修正: the edition in a list's few words."""
        return f"组织法 {self.law_edition} 年修正"


class CountyVillagersRules(models.Model):
    """The pack a county follows, and whether it elects a separate women's seat."""

    county = models.OneToOneField(
        "renewal.Region",
        verbose_name="区县",
        on_delete=models.CASCADE,
        limit_choices_to={"kind": "county"},
        related_name="villagers_rules",
    )
    pack = models.ForeignKey(VillagersRulePack, verbose_name="选举规则", on_delete=models.PROTECT)
    women_seat = models.BooleanField("单独选举妇女委员（专职专选）", default=False)

    class Meta:
        verbose_name = "区县选举规则选择"
        verbose_name_plural = "区县选举规则选择"

    def __str__(self):
        return f"{self.county.name}：{self.pack}"


class DoubleEntryRules(VersionedSetting):
    """Whether every tally of the county is entered twice, by two accounts, before it counts;
    and who settles two entries that differ."""

    class Coordinator(models.TextChoices):
        TOWNSHIP_LEADER = "township_leader", "乡镇(街道)党(工)委负责人"
        COUNTY_REVIEWER = "county_reviewer", "县委组织部审核人员"

    required = models.BooleanField("每张计票单须由两个不同账号分别录入", default=False)
    coordinator = models.CharField(
        "两次录入不一致时的协调人",
        max_length=16,
        choices=Coordinator.choices,
        default=Coordinator.COUNTY_REVIEWER,
    )
    source = models.CharField("依据", max_length=200, default="县委组织部换届选举工作方案")

    class Meta:
        verbose_name = "计票双人录入规则"
        verbose_name_plural = "计票双人录入规则"
        ordering = ["county_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "effective_from"],
                name="double_entry_rules_once_per_day",
                violation_error_message="该区县在这一生效日期已有双人录入规则。",
            )
        ]

    def __str__(self):
        where = self.county.name if self.county_id else "默认"
        return f"{where} 计票双人录入规则（{self.effective_from:%Y-%m-%d} 起）"
