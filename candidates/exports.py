"""The candidates' roster (花名册) export: official column order, masked unless the role may see."""

from django.db.models import Q, Sum

from candidates.models import Candidacy
from candidates.selectors import filtered_candidacies, selected_only
from renewal.kit.exports import Export, params_querydict
from renewal.kit.idcard import mask_id_number, mask_phone
from renewal.kit.sheets import YearMonth
from renewal.models import Body, Education, Person, Post, Profile

ROSTER_HEADER = [
    "序号",
    "乡镇(街道)",
    "村(社区)",
    "拟任班子",
    "拟任职务",
    "姓名",
    "性别",
    "民族",
    "出生年月",
    "公民身份号码",
    "学历",
    "政治面貌",
    "入党时间",
    "现任职务",
    "联系电话",
    "继任/新任",
    "党员推荐票",
    "群众推荐票",
    "上级推荐票",
    "考察结果",
    "群众测评得分",
    "状态",
]
UNMASKED_ROLES = {Profile.Role.COUNTY_REVIEWER, Profile.Role.ADMIN}


def may_export_unmasked(user) -> bool:
    profile = getattr(user, "profile", None)
    return user.is_superuser or (profile is not None and profile.role in UNMASKED_ROLES)


def _votes(source):
    return Sum("recommendations__votes", filter=Q(recommendations__source=source))


def roster_rows(candidacies, *, unmasked: bool):
    labels = {
        "body": dict(Body.choices),
        "post": dict(Post.choices),
        "edu": dict(Education.choices),
        "sex": dict(Person.Sex.choices),
        "pol": dict(Person.PoliticalStatus.choices),
        "status": dict(Candidacy.Status.choices),
        "insp": dict(Candidacy.Inspection.choices),
    }
    rows = candidacies.annotate(
        v_party=_votes("party_members"), v_masses=_votes("masses"), v_higher=_votes("higher")
    ).values_list(
        "unit__township__name",
        "unit__name",
        "body",
        "post",
        "person__name",
        "person__sex",
        "person__ethnicity",
        "person__birth_date",
        "person__id_number",
        "person__education",
        "person__political_status",
        "person__party_joined_on",
        "person__current_posts",
        "person__phone",
        "is_continuing",
        "v_party",
        "v_masses",
        "v_higher",
        "inspection",
        "appraisal_score",
        "status",
    )
    for n, r in enumerate(rows.iterator(chunk_size=2000), start=1):
        (
            township,
            unit,
            body,
            post,
            name,
            sex,
            ethnicity,
            born,
            id_number,
            edu,
            pol,
            joined,
            posts,
            phone,
            continuing,
            v_party,
            v_masses,
            v_higher,
            insp,
            score,
            status,
        ) = r
        yield [
            n,
            township,
            unit,
            labels["body"].get(body, body),
            labels["post"].get(post, post),
            name,
            labels["sex"].get(sex, sex),
            ethnicity,
            YearMonth.of(born) or "",
            id_number if unmasked else mask_id_number(id_number),
            labels["edu"].get(edu, edu),
            labels["pol"].get(pol, pol),
            YearMonth.of(joined) or "",
            posts,
            (phone if unmasked else mask_phone(phone)) or "",
            "继任" if continuing else "新任",
            v_party or 0,
            v_masses or 0,
            v_higher or 0,
            labels["insp"].get(insp, insp),
            float(score) if score is not None else "",
            labels["status"].get(status, status),
        ]


def candidates_export(job) -> Export:
    _form, qs = filtered_candidacies(job.user, params_querydict(job.params))
    qs = selected_only(qs, job.params)
    unmasked = may_export_unmasked(job.user)
    title = "候选人花名册"
    return Export(
        title,
        ROSTER_HEADER,
        roster_rows(qs, unmasked=unmasked),
        qs.count(),
        f"{title}（{'含完整身份证号和电话' if unmasked else '已脱敏'}）",
    )
