"""The national default 村(居)委会 election rules and one example provincial pack."""

import datetime

from django.db import migrations

NATIONAL = {
    "province_code": "",
    "name": "全国默认",
    "effective_from": datetime.date(2018, 12, 29),
    "source": "《中华人民共和国村民委员会组织法》（2018 年修正）第十三条至第十七条；"
    "《中华人民共和国城市居民委员会组织法》",
    "min_age": 18,
    "publication_days": 20,
    "objection_days": 5,
    "objection_answer_days": 3,
    "proxy_cap": 3,
    "mobile_box_min_scrutineers": 3,
    "surplus_min_extra": 1,
    "supplementary_min_share_den": 3,
    "recall_proposal_share_den": 5,
}
EXAMPLE = NATIONAL | {
    "province_code": "15",
    "name": "内蒙古自治区（示例）",
    "effective_from": datetime.date(2021, 1, 1),
    "source": "示例，请按本省办法核对：《内蒙古自治区村民委员会选举办法》（每名选民接受委托不超过 2 人）",
    "proxy_cap": 2,
}


def add_packs(apps, schema_editor):
    Pack = apps.get_model("ballots", "VillagersRulePack")
    for row in (NATIONAL, EXAMPLE):
        Pack.objects.get_or_create(
            province_code=row["province_code"],
            effective_from=row["effective_from"],
            defaults=row,
        )


def remove_packs(apps, schema_editor):
    Pack = apps.get_model("ballots", "VillagersRulePack")
    for row in (NATIONAL, EXAMPLE):
        Pack.objects.filter(
            province_code=row["province_code"],
            effective_from=row["effective_from"],
            name=row["name"],
            countyvillagersrules__isnull=True,
            villagerselection__isnull=True,
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("ballots", "0006_villagers_committee_objections_proxies")]

    operations = [migrations.RunPython(add_packs, remove_packs)]
