"""The units' roster (村(社区)名册): what the unit list shows, as an Excel export."""

from django.utils import timezone

from renewal.kit.exports import Export, params_querydict
from renewal.selectors import filtered_units, stage_choices, with_entitled_members

UNIT_HEADER = [
    "统计用区划代码",
    "名称",
    "类型",
    "乡镇/街道",
    "户籍人口",
    "户数",
    "村(居)民小组数",
    "重点难点村",
    "重点难点原因",
    "当前阶段",
    "党组织名称",
    "党组织类型",
    "有表决权党员数",
]


def unit_header(*, with_county: bool) -> list[str]:
    """The roster's columns; with a 区县 column before the township's for a reader of several
    counties, as on the unit list."""
    if not with_county:
        return list(UNIT_HEADER)
    at = UNIT_HEADER.index("乡镇/街道")
    return [*UNIT_HEADER[:at], "区县", *UNIT_HEADER[at:]]


def unit_rows(units, stage_names, day, *, with_county=False):
    related = ("township", "branch", "county") if with_county else ("township", "branch")
    qs = with_entitled_members(units.select_related(*related), day)
    for u in qs.iterator(chunk_size=2000):
        branch = getattr(u, "branch", None)
        yield [
            u.code,
            u.name,
            u.get_kind_display(),
            *([u.county.name] if with_county else []),
            u.township.name,
            u.population,
            u.households,
            u.groups,
            "是" if u.is_key else "否",
            u.key_reasons,
            stage_names.get(u.stage, u.stage),
            branch.name if branch else "",
            branch.get_kind_display() if branch else "",
            u.entitled_members if branch else "",
        ]


def units_export(job) -> Export:
    form, units, _due = filtered_units(job.user, params_querydict(job.params))
    county_ids = set(units.values_list("county_id", flat=True).distinct())
    names = dict(stage_choices(county_ids))
    with_county = form.many_counties
    rows = unit_rows(units, names, timezone.localdate(), with_county=with_county)
    header = unit_header(with_county=with_county)
    return Export("村(社区)", header, rows, units.count(), "村(社区)名册")
