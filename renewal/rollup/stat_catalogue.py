"""The statistical forms shipped with the product, as plain data: their columns, each a
(upper heading, heading, measure code) of ``renewal.rollup.measures``.

Migration 0023 loads them as the default forms (no county); admins edit the columns, or add
a county's own version of a form under the same code, afterwards. Loading again adds a
missing form with its columns and leaves an existing one as it was edited. Columns shipped
later are added to the existing default forms by their own migration (``add_columns``):
appended after the form's columns, each only where the form has no column of its measure;
a county's own forms are left as the county made them.
"""

VERSION = "2026年版"
SOURCE = (
    "村(社区)“两委”换届选举情况统计口径（民政部门、组织部门统计表）；"
    "代表性表式，请按上级下发的统计表核对列项"
)

MEMBER_AGES = [
    ("35岁以下", "age_under_35"),
    ("35至45岁", "age_35_45"),
    ("46至55岁", "age_46_55"),
    ("56岁及以上", "age_56_over"),
    ("平均年龄", "average_age"),
]
MEMBER_EDUCATION = [
    ("大专及以上", "college"),
    ("高中/中专", "senior"),
    ("初中及以下", "junior"),
]
DUAL = [
    ("兼职情况", "“一肩挑”村(社区)数", "one_shoulder"),
    ("兼职情况", "交叉任职人数", "cross_posts"),
]

OTHER_BODIES = [
    ("村(居)务监督委员会成员", "合计", "supervision_members"),
    ("村(居)务监督委员会成员", "女性", "supervision_members_female"),
    ("村(居)务监督委员会成员", "主任", "supervision_chairs"),
    ("村(居)民代表", "合计", "representatives"),
    ("村(居)民代表", "女性", "representatives_female"),
    ("村(居)民代表", "女性占比", "representatives_female_share"),
    ("村(居)民小组长", "合计", "group_leaders"),
    ("村(居)民小组长", "女性", "group_leaders_female"),
]


def _members(prefix, group, extra=()):
    return (
        [(group, "合计", prefix), (group, "女性", f"{prefix}_female")]
        + [(group, label, f"{prefix}_{code}") for label, code in extra]
        + [(f"{group}年龄", label, f"{prefix}_{code}") for label, code in MEMBER_AGES]
        + [(f"{group}学历", label, f"{prefix}_{code}") for label, code in MEMBER_EDUCATION]
    )


FORMS = [
    {
        "code": "villagers-election",
        "name": "村(居)民委员会换届选举情况统计表",
        "order": 1,
        "columns": [
            ("", "村(社区)数", "units"),
            ("", "已完成选举的村(社区)数", "villagers_elections_done"),
            ("选民", "登记选民数", "registered_voters"),
            ("选民", "参选人数", "voters_voted"),
            ("选民", "参选率", "turnout"),
            ("正式候选人", "直接提名", "nominees_direct"),
            ("正式候选人", "自荐", "nominees_self"),
            ("选举方式（村数）", "召开选举大会", "units_by_meeting"),
            ("选举方式（村数）", "设投票站", "units_by_stations"),
            ("委托投票与流动票箱", "委托投票人数", "proxies"),
            ("委托投票与流动票箱", "设流动票箱的村数", "units_mobile_boxes"),
            ("委托投票与流动票箱", "流动票箱数", "mobile_boxes"),
            ("选举结果（村数）", "一次选举成功", "elected_first_time"),
            ("选举结果（村数）", "另行选举", "supplementary_held"),
            *_members("villagers_members", "成员", extra=[("中共党员", "party")]),
            *DUAL,
            *OTHER_BODIES,
        ],
    },
    {
        "code": "party-election",
        "name": "村(社区)党组织换届选举情况统计表",
        "order": 2,
        "columns": [
            ("", "村(社区)数", "units"),
            ("", "已召开党员大会的村(社区)数", "congresses_held"),
            ("党员", "党员数", "party_members"),
            ("党员", "应到会", "congress_expected"),
            ("党员", "实到会", "congress_present"),
            ("党员", "参会率", "congress_attendance"),
            ("差额选举", "应选委员", "committee_seats"),
            ("差额选举", "委员候选人", "committee_candidates"),
            ("差额选举", "差额数", "committee_surplus"),
            *_members(
                "party_committee",
                "委员",
                extra=[("退役军人", "veterans"), ("高校毕业生", "graduates")],
            ),
            *_members("secretaries", "书记"),
            *DUAL,
        ],
    },
]


def load_forms(StatForm, StatColumn) -> None:
    for spec in FORMS:
        form, created = StatForm.objects.get_or_create(
            code=spec["code"],
            county=None,
            defaults={
                "name": spec["name"],
                "version": VERSION,
                "source": SOURCE,
                "order": spec["order"],
            },
        )
        if created:
            StatColumn.objects.bulk_create(
                StatColumn(form=form, order=n, group=group, label=label, measure=measure)
                for n, (group, label, measure) in enumerate(spec["columns"], start=1)
            )


def add_columns(StatForm, StatColumn, code, columns) -> None:
    """Append ``columns`` (upper heading, heading, measure) to the default form ``code``,
    each one the form has no column of its measure for (so loading again adds nothing)."""
    form = StatForm.objects.filter(code=code, county=None).first()
    if form is None:
        return
    present = set(StatColumn.objects.filter(form=form).values_list("measure", flat=True))
    last = max(StatColumn.objects.filter(form=form).values_list("order", flat=True), default=0)
    StatColumn.objects.bulk_create(
        StatColumn(form=form, order=last + n, group=group, label=label, measure=measure)
        for n, (group, label, measure) in enumerate(
            (column for column in columns if column[2] not in present), start=1
        )
    )
