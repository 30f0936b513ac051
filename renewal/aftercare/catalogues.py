"""The aftercare catalogues shipped with the product, as plain data: exit-audit finding categories, the
handover checklist and the default handover deadline.

Migration 0008 loads them; admins and county reviewers edit them afterwards. The handover
service loads the checklist and the default deadline again if they are missing altogether
(a flushed test database, a fresh install without data migrations), so that writing an
approved committee never fails for want of them.
"""

import datetime

SOURCE = "和林格尔县村级财务离任审计“8个方面12项具体问题”"
# The 和林格尔县 report names the first category only; the others are representative of county audit
# notices and marked for checking against the local document.
CATEGORIES = [
    ("财务管理制度执行不规范", False),
    ("“三资”（资金、资产、资源）管理不规范", True),
    ("重大事项支出未履行“四议两公开”程序", True),
    ("集体资产资源发包、租赁不规范", True),
    ("债权债务底数不清、清理不及时", True),
    ("专项资金使用不规范", True),
    ("会计凭证、票据和账簿管理不规范", True),
    ("村干部报酬及补贴发放不规范", True),
]
HANDOVER_ITEMS = [
    ("seals", "印章"),
    ("premises", "办公场所"),
    ("equipment", "办公设备"),
    ("finance_books", "财务账簿"),
    ("collective_assets", "集体资产"),
    ("archives", "档案资料"),
]
DEFAULT_DEADLINE_FROM = datetime.date(2000, 1, 1)
DEFAULT_DEADLINE_DAYS = 10
DEFAULT_DEADLINE_SOURCE = "新老班子在选举结果批复后10日内完成交接（县委组织部换届工作方案）"


def load_categories(AuditCategory) -> None:
    for number, (name, check) in enumerate(CATEGORIES, start=1):
        AuditCategory.objects.get_or_create(
            county=None,
            number=number,
            defaults={
                "name": name,
                "source": SOURCE + ("；代表性条目，请按本县审计通知核对" if check else ""),
                "needs_local_check": check,
            },
        )


def load_handover_items(HandoverItemKind) -> None:
    for order, (code, name) in enumerate(HANDOVER_ITEMS, start=1):
        HandoverItemKind.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def load_default_deadline(HandoverDeadline) -> None:
    HandoverDeadline.objects.get_or_create(
        county=None,
        effective_from=DEFAULT_DEADLINE_FROM,
        defaults={"days": DEFAULT_DEADLINE_DAYS, "source": DEFAULT_DEADLINE_SOURCE},
    )
