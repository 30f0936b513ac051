"""The negative lists shipped with the product (十不推, 十不能, 七不宜), as plain data.

A data migration or management command loads them into ``NegativeList`` and
``NegativeListItem``; a county then edits them, or adds its own, in the admin.

How severity is chosen:

- ``bar`` (一票否决) where the item is a fact a department holds a record of
  (a judgment, a case on file, a name on a list): a hit disqualifies, unless the
  county overturns it with a reason.
- ``caution`` (须书面说明) where the item is a judgement the township forms during
  inspection (考察), or a 不宜 item: the township may proceed only with a written
  reason, which the county reviews.

``lookback_years`` is set only where the text itself names a window ("未满5年",
"近3年"); ``None`` means the item applies whenever the fact holds, or that the
window is the sanction's own period (党纪政务处分影响期).
"""

# Mirror of the codes in renewal/migrations/0002_departments.py (a test keeps them in step).
DEPARTMENT_CODES = (
    "police",
    "court",
    "procuratorate",
    "petition",
    "civil_affairs",
    "justice",
    "health",
    "market",
    "discipline",
    "natural_resources",
    "religion",
    "credit",
)

SEVERITIES = ("bar", "caution")
SCOPES = ("party", "villagers", "both")


def _item(number, text, severity, lookback_years=None, department=None):
    return {
        "number": number,
        "text": text,
        "severity": severity,
        "lookback_years": lookback_years,
        "department": department,
    }


# 十不推: the township plan's text verbatim (X镇村(社区)组织换届工作实施方案, 二(二)). It governs who the party
# organisation recommends, hence scope "party". The plan gives no windows.
SHI_BU_TUI = {
    "code": "shi-bu-tui",
    "name": "十不推",
    "scope": "party",
    "version": "2021",
    "source": "X镇村(社区)组织换届工作实施方案",
    "items": [
        # Judged from inspection and mass appraisal; no department holds a record.
        _item(1, "政治品质和道德品行差的", "caution"),
        # A case on file with the police, procuratorate or court.
        _item(2, "有涉法涉罪或被立案调查的", "bar", department="police"),
        # A live discipline or supervision case.
        _item(3, "有违纪违法问题正在接受调查处理的", "bar", department="discipline"),
        _item(4, "有拉票贿选或其他不正当行为的", "bar", department="discipline"),
        # On the petition bureau's books.
        _item(5, "组织或参与非法上访、越级上访的", "bar", department="petition"),
        # 邪教 makes this absolute, so the whole item bars.
        _item(6, "组织或参与封建迷信活动、参加邪教活动的", "bar", department="religion"),
        # 信用中国 / the credit platform's records.
        _item(7, "个人信用缺失的", "bar", department="credit"),
        # A character judgement the inspection group must put in writing.
        _item(8, "能力虽强但心术不正的", "caution"),
        # Decided by the discipline commission's 廉政意见; when it says no, the person is out.
        _item(9, "廉洁自律过不了关的", "bar", department="discipline"),
        # Fitness for the post is the township's judgement.
        _item(10, "不具备其他履职能力和条件的", "caution"),
    ],
}

# 十不能 / 七不宜: the 郑东新区 report names them; provincial texts vary, so this is a
# representative version. They apply to candidates for both committees.
SHI_BU_NENG = {
    "code": "shi-bu-neng",
    "name": "十不能",
    "scope": "both",
    "version": "2021",
    "source": "村(社区)“两委”成员候选人资格“十不能”（名称见郑东新区换届工作报道，条文为代表性版本，请按本省文件核对）",
    "items": [
        _item(1, "受过刑事处罚，刑满释放或缓刑期满未满5年的", "bar", 5, "court"),
        _item(2, "涉黑涉恶、存在“村霸”问题的", "bar", department="police"),
        # The window is the sanction's own 影响期, which varies by sanction.
        _item(3, "受到党纪政务处分尚在影响期内的", "bar", department="discipline"),
        _item(
            4,
            "正在被纪检监察机关立案审查调查或被司法机关立案侦查的",
            "bar",
            department="discipline",
        ),
        _item(5, "参与非法宗教活动，或组织、参加邪教组织的", "bar", department="religion"),
        _item(6, "有拉票贿选、操纵破坏选举行为的", "bar", department="discipline"),
        _item(7, "侵占集体资产（资金、资源）拒不退赔的", "bar", department="discipline"),
        # The court keeps the 失信被执行人 list.
        _item(8, "被列入失信被执行人名单的", "bar", department="court"),
        _item(9, "丧失行为能力的", "bar", department="health"),
        # The township holds the pledges; no department to ask.
        _item(10, "拒不签订换届纪律承诺书的", "bar"),
    ],
}

QI_BU_YI = {
    "code": "qi-bu-yi",
    "name": "七不宜",
    "scope": "both",
    "version": "2021",
    "source": "村(社区)“两委”成员候选人资格“七不宜”（名称见郑东新区换届工作报道，条文为代表性版本，请按本省文件核对）",
    "items": [
        _item(1, "受过行政拘留未满5年的", "caution", 5, "police"),
        _item(2, "违反规定信访（越级上访、缠访闹访）未满5年的", "caution", 5, "petition"),
        _item(3, "长期外出、不能正常履职的", "caution"),
        _item(4, "近3年民主评议党员中被评为不合格党员的", "caution", 3),
        _item(5, "违法用地、违章建房未整改的", "caution", department="natural_resources"),
        _item(6, "有赌博等违法或不良行为未满5年的", "caution", 5, "police"),
        _item(7, "利用宗族宗派势力干扰换届选举的", "caution", department="civil_affairs"),
    ],
}

CATALOGUES = [SHI_BU_TUI, SHI_BU_NENG, QI_BU_YI]


# --- Vetting presets ---------------------------------------------------------------------------
# Named groups of departments the township ticks in one go when sending candidates to joint
# vetting. A preset only ticks boxes: the clerk still sees and may change every department.


def _departments_named_by_items() -> tuple[str, ...]:
    """Every department a negative-list item above says holds the record, in catalogue order."""
    named = {item["department"] for c in CATALOGUES for item in c["items"] if item["department"]}
    return tuple(code for code in DEPARTMENT_CODES if code in named)


VETTING_PRESETS = [
    {
        "code": "negative-lists",
        "name": "负面清单涉及的全部部门",
        "departments": _departments_named_by_items(),
        "source": "十不推、十不能、七不宜中各条目所对应的掌握记录的部门",
    },
    {
        "code": "law-and-discipline",
        "name": "政法和纪检",
        "departments": ("police", "court", "procuratorate", "discipline"),
        "source": "涉法涉罪、违纪违法类条目的记录部门：公安、法院、检察院、纪委监委",
    },
]


def load_vetting_presets(preset_model, department_model):
    """Write VETTING_PRESETS into the preset table (the migration's models or the real ones);
    a preset already there by code is brought back to the shipped text and departments."""
    for position, data in enumerate(VETTING_PRESETS):
        preset, _ = preset_model.objects.update_or_create(
            code=data["code"],
            defaults={"name": data["name"], "source": data["source"], "position": position},
        )
        preset.departments.set(department_model.objects.filter(code__in=data["departments"]))
