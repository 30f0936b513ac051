"""Stored sources cited the working copies of the source documents by their file numbers
("seed 003", "domain.md §4"); the shipped texts now name the documents themselves. This
rewrites the rows already stored, the same way, so every install shows the same words."""

from django.db import migrations

# Frozen here: what a stored source said, and what it says now.
REWRITES = [
    (
        "名称见 seed 004，条文取 domain.md §4 代表性版本",
        "名称见郑东新区换届工作报道，条文为代表性版本，请按本省文件核对",
    ),
    ("（domain.md §3；县委组织部换届工作方案）", "（县委组织部换届工作方案）"),
    ("（seed 000）", ""),
    ("（seed 002）", ""),
    ("（seed 003）", ""),
    ("（seed 004）", ""),
    ("；domain.md §4", ""),
    ("；domain.md §6–7", ""),
]
FIELDS = [
    ("CountingRuleSet", "source"),
    ("VillagersRulePack", "source"),
]


def rewrite(apps, schema_editor):
    for model_name, field in FIELDS:
        model = apps.get_model("ballots", model_name)
        for row in model.objects.filter(**{f"{field}__regex": r"seed 0|domain\.md"}):
            text = getattr(row, field)
            for old, new in REWRITES:
                text = text.replace(old, new)
            model.objects.filter(pk=row.pk).update(**{field: text})


class Migration(migrations.Migration):
    dependencies = [("ballots", "0008_merge_villagers_setup_and_vote")]
    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop)]
