"""Ship 十不推, 十不能 and 七不宜 and the default eligibility settings."""

import datetime

from django.db import migrations


def load(apps, schema_editor):
    from candidates.catalogues import CATALOGUES

    NegativeList = apps.get_model("candidates", "NegativeList")
    Item = apps.get_model("candidates", "NegativeListItem")
    Department = apps.get_model("renewal", "Department")
    EligibilityRules = apps.get_model("candidates", "EligibilityRules")
    departments = {d.code: d for d in Department.objects.all()}
    for cat in CATALOGUES:
        lst, _ = NegativeList.objects.update_or_create(
            code=cat["code"],
            defaults={
                "name": cat["name"],
                "scope": cat["scope"],
                "version": cat["version"],
                "source": cat["source"],
            },
        )
        for item in cat["items"]:
            Item.objects.update_or_create(
                catalogue=lst,
                number=item["number"],
                defaults={
                    "text": item["text"],
                    "severity": item["severity"],
                    "lookback_years": item.get("lookback_years"),
                    "department": departments.get(item.get("department")),
                },
            )
    EligibilityRules.objects.get_or_create(
        county=None,
        effective_from=datetime.date(2020, 1, 1),
        defaults={
            "source": "X镇村(社区)组织换届工作实施方案；中国共产党基层组织选举工作条例（2020）"
        },
    )


def unload(apps, schema_editor):
    from candidates.catalogues import CATALOGUES

    apps.get_model("candidates", "NegativeList").objects.filter(
        code__in=[c["code"] for c in CATALOGUES]
    ).delete()
    apps.get_model("candidates", "EligibilityRules").objects.filter(county=None).delete()


class Migration(migrations.Migration):
    dependencies = [("candidates", "0001_initial"), ("renewal", "0002_departments")]
    operations = [migrations.RunPython(load, unload)]
