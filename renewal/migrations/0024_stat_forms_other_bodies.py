"""The villagers' election form of the shipped defaults reports the other bodies elected in
the same renewal: the supervision committee, the representatives and the group leaders."""

from django.db import migrations

from renewal.rollup import stat_catalogue


def add(apps, schema_editor):
    stat_catalogue.add_columns(
        apps.get_model("renewal", "StatForm"),
        apps.get_model("renewal", "StatColumn"),
        "villagers-election",
        stat_catalogue.OTHER_BODIES,
    )


def remove(apps, schema_editor):
    apps.get_model("renewal", "StatColumn").objects.filter(
        form__code="villagers-election",
        form__county=None,
        measure__in=[measure for _group, _label, measure in stat_catalogue.OTHER_BODIES],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("renewal", "0023_stat_forms"),
    ]

    operations = [migrations.RunPython(add, remove)]
