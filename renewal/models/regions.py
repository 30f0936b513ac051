"""Regions (province, city, county, township), the units that elect, their risk points and party branches."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models

from renewal.kit import people
from renewal.models.base import audited, division_code_validator

# How many leading digits of the 统计用区划代码 a region of each level owns: 省 2, 市 4,
# 县 6, 乡镇 9 (GB/T 2260 and the statistical division code); everything below shares them.
CODE_PREFIX = {"province": 2, "city": 4, "county": 6, "township": 9, "subdistrict": 9}


@audited()
class Region(models.Model):
    """A region of the tree 省 → 市 → 区县 → 乡镇/街道.

    A deployment may start at any level above the township: a county-only install has its
    county as the root, a city's install its city, a province's its province.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", "省(自治区、直辖市)"
        CITY = "city", "市(州、盟)"
        COUNTY = "county", "区县"
        TOWNSHIP = "township", "乡镇"
        SUBDISTRICT = "subdistrict", "街道"

    # The kind a region's parent must be.
    PARENT_KIND = {
        "city": ("province",),
        "county": ("city",),
        "township": ("county",),
        "subdistrict": ("county",),
    }
    ABOVE_COUNTY = ("province", "city")
    # The kinds a region's children may be (the reverse of PARENT_KIND).
    CHILD_KINDS = {
        "province": ("city",),
        "city": ("county",),
        "county": ("township", "subdistrict"),
    }

    code = models.CharField(
        "统计用区划代码", max_length=12, unique=True, validators=[division_code_validator]
    )
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = "行政区域"
        verbose_name_plural = "行政区域"
        ordering = ["code"]
        permissions = [
            ("approve_region", "审批本区域事项"),
            # A city's organisation department runs its supervision groups (巡回督查组) and
            # nothing else with it: approvals stay with the county.
            ("supervise_region", "组织本市巡回督查"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["province", "city", "county"])
                | models.Q(parent__isnull=False),
                name="region_township_has_parent",
                violation_error_message="乡镇/街道必须有上级区县。",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="province") | models.Q(parent__isnull=True),
                name="region_province_is_root",
                violation_error_message="省级区域不能有上级。",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_county(self):
        return self.kind == self.Kind.COUNTY

    @property
    def is_above_county(self):
        return self.kind in self.ABOVE_COUNTY

    @property
    def county(self):
        if self.is_county:
            return self
        return None if self.is_above_county else self.parent

    def clean(self):
        if self.pk:
            self._clean_children_kinds()
        if self.kind == self.Kind.PROVINCE and self.parent_id:
            raise ValidationError({"parent": "省(自治区、直辖市)是最高一级，不能选上级区域。"})
        if self.kind in (self.Kind.TOWNSHIP, self.Kind.SUBDISTRICT) and not self.parent_id:
            raise ValidationError({"parent": "乡镇/街道必须选择所属区县。"})
        if self.parent_id:
            allowed = self.PARENT_KIND.get(self.kind, ())
            if self.parent.kind not in allowed:
                below = {"city": "省", "county": "市", "township": "区县", "subdistrict": "区县"}
                raise ValidationError(
                    {"parent": f"{self.get_kind_display()}的上级必须是{below.get(self.kind, '')}。"}
                )
            digits = CODE_PREFIX[self.parent.kind]
            if self.code[:digits] != self.parent.code[:digits]:
                raise ValidationError(
                    {
                        "code": f"{self.get_kind_display()}的区划代码前 {digits} 位"
                        f"应与上级“{self.parent.name}”一致。"
                    }
                )
        digits = CODE_PREFIX.get(self.kind)
        if digits and self.code and set(self.code[digits:]) - {"0"}:
            raise ValidationError(
                {"code": f"{self.get_kind_display()}的区划代码第 {digits + 1} 位起应全为 0。"}
            )
        if self.pk and digits:
            self._clean_children_codes(digits)

    def _clean_children_kinds(self):
        """A region changed in place must still fit the regions already below it."""
        children = Region.objects.filter(parent_id=self.pk)
        misplaced = children.exclude(kind__in=self.CHILD_KINDS.get(self.kind, ())).first()
        if misplaced is not None:
            raise ValidationError(
                {
                    "kind": f"“{misplaced.name}”({misplaced.get_kind_display()})在本区域之下，"
                    f"本区域不能改为{self.get_kind_display()}。"
                }
            )

    def _clean_children_codes(self, digits):
        children = Region.objects.filter(parent_id=self.pk)
        stray = children.exclude(code__startswith=self.code[:digits]).first()
        if stray is not None:
            raise ValidationError(
                {
                    "code": f"下级“{stray.name}”的区划代码前 {digits} 位与本区域不一致，"
                    "请先调整下级区域。"
                }
            )


@audited()
class Unit(models.Model):
    """A village (村) or community (社区): the unit that elects its two committees."""

    class Kind(models.TextChoices):
        VILLAGE = "village", "村"
        COMMUNITY = "community", "社区"

    code = models.CharField(
        "统计用区划代码", max_length=12, unique=True, validators=[division_code_validator]
    )
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.VILLAGE)
    township = models.ForeignKey(
        Region, verbose_name="乡镇/街道", on_delete=models.PROTECT, related_name="units"
    )
    # Denormalised from township.parent so county-wide lists filter on one index.
    county = models.ForeignKey(
        Region, verbose_name="区县", on_delete=models.PROTECT, related_name="county_units"
    )
    population = models.PositiveIntegerField(
        "户籍人口", default=0, validators=[MaxValueValidator(200_000)]
    )
    households = models.PositiveIntegerField(
        "户数", default=0, validators=[MaxValueValidator(100_000)]
    )
    groups = models.PositiveSmallIntegerField(
        "村(居)民小组数", default=0, validators=[MaxValueValidator(200)]
    )
    is_key = models.BooleanField("重点难点村", default=False)
    key_reasons = models.TextField("重点难点原因", blank=True)
    risk_assessed_on = models.DateField("风险研判完成日期", null=True, blank=True)
    # Derived from recorded facts by renewal.services.unit_refresh_stage; never edited.
    stage = models.CharField("当前阶段", max_length=24, default="preparation", db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "村(社区)"
        verbose_name_plural = "村(社区)"
        ordering = ["code"]
        indexes = [
            models.Index(fields=["county", "code"]),
            models.Index(fields=["county", "stage", "code"]),
            models.Index(fields=["township", "code"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(households__lte=models.F("population")),
                name="unit_households_not_above_population",
                violation_error_message="户数不能多于户籍人口。",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_community(self):
        return self.kind == self.Kind.COMMUNITY

    @property
    def words(self) -> dict[str, str]:
        """村民 or 居民, 村 or 社区 …: what the unit's pages call its people and itself."""
        return people.unit_words(self.kind)

    @property
    def committee_label(self):
        return self.words["committee"]

    @property
    def group_label(self):
        return self.words["group"]

    def clean(self):
        errors = {}
        if self.households and self.population and self.households > self.population:
            errors["households"] = "户数不能多于户籍人口。"
        if self.township_id and self.code and self.code[:9] != self.township.code[:9]:
            errors["code"] = f"区划代码前 9 位应与所属乡镇/街道 {self.township.code[:9]} 一致。"
        if self.is_key and not self.key_reasons.strip():
            errors["key_reasons"] = "标为重点难点村时须写明原因。"
        if errors:
            raise ValidationError(errors)


@audited()
class VillagerGroup(models.Model):
    """A 村民小组 (居民小组) of a unit: where its representatives and group leader are elected.

    The voter register still records a voter's group as typed (``group_name``); the groups
    here are the unit's own list, which the representatives' results refer to by id.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="villager_groups")
    name = models.CharField("名称", max_length=40)
    households = models.PositiveIntegerField("户数", null=True, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "村(居)民小组"
        verbose_name_plural = "村(居)民小组"
        ordering = ["unit_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="villager_group_name_once",
                violation_error_message="本村(社区)已有同名小组。",
            )
        ]

    def __str__(self):
        return self.name


@audited()
class RiskPoint(models.Model):
    class Category(models.TextChoices):
        COMPLEX = "complex", "选情复杂"
        CLAN = "clan", "宗族宗教"
        DISPUTE = "dispute", "矛盾纠纷"
        LEGACY = "legacy", "历史遗留问题"
        OTHER = "other", "其他"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="risk_points")
    category = models.CharField("类别", max_length=12, choices=Category.choices)
    description = models.CharField("情况说明", max_length=300)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "风险点"
        verbose_name_plural = "风险点"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_category_display()}：{self.description}"


@audited()
class PartyBranch(models.Model):
    class Kind(models.TextChoices):
        BRANCH = "branch", "党支部"
        GENERAL_BRANCH = "general_branch", "党总支"
        COMMITTEE = "committee", "党委"

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="branch")
    name = models.CharField("党组织名称", max_length=80)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.BRANCH)

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"

    def __str__(self):
        return self.name
