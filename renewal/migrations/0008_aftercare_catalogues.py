"""The shipped catalogues of issue 8: exit-audit finding categories, the handover checklist
and the default handover deadline. Admins and county reviewers edit them afterwards."""

import datetime

from django.db import migrations

SOURCE = "和林格尔县村级财务离任审计“8个方面12项具体问题”（seed 002）"
# Seed 002 names the first category only; the others are representative of county audit
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
ITEMS = [
    ("seals", "印章"),
    ("premises", "办公场所"),
    ("equipment", "办公设备"),
    ("finance_books", "财务账簿"),
    ("collective_assets", "集体资产"),
    ("archives", "档案资料"),
]


def load(apps, schema_editor):
    AuditCategory = apps.get_model("renewal", "AuditCategory")
    HandoverItemKind = apps.get_model("renewal", "HandoverItemKind")
    HandoverDeadline = apps.get_model("renewal", "HandoverDeadline")
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
    for order, (code, name) in enumerate(ITEMS, start=1):
        HandoverItemKind.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    HandoverDeadline.objects.get_or_create(
        county=None,
        effective_from=datetime.date(2000, 1, 1),
        defaults={
            "days": 10,
            "source": "新老班子在选举结果批复后10日内完成交接（domain.md §3；县委组织部换届工作方案）",
        },
    )


def unload(apps, schema_editor):
    apps.get_model("renewal", "AuditCategory").objects.filter(county=None).delete()
    apps.get_model("renewal", "HandoverItemKind").objects.filter(
        code__in=[code for code, _ in ITEMS]
    ).delete()
    apps.get_model("renewal", "HandoverDeadline").objects.filter(county=None).delete()


class Migration(migrations.Migration):
    dependencies = [("renewal", "0007_aftercare_audits_plans_guidance_handover_onboarding")]

    operations = [migrations.RunPython(load, unload)]
