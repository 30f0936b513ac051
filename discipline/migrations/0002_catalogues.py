"""Ship 十二严禁, 十严禁, 十不准 and 六不准; admins edit them afterwards."""

from django.db import migrations


def load(apps, schema_editor):
    from discipline.catalogues import CATALOGUES

    Catalogue = apps.get_model("discipline", "ProhibitionCatalogue")
    Item = apps.get_model("discipline", "ProhibitionItem")
    for cat in CATALOGUES:
        catalogue, _ = Catalogue.objects.update_or_create(
            code=cat["code"],
            defaults={"name": cat["name"], "version": cat["version"], "source": cat["source"]},
        )
        for number, text in enumerate(cat["items"], start=1):
            Item.objects.update_or_create(
                catalogue=catalogue, number=number, defaults={"text": text}
            )


def unload(apps, schema_editor):
    from discipline.catalogues import CATALOGUES

    apps.get_model("discipline", "ProhibitionCatalogue").objects.filter(
        code__in=[c["code"] for c in CATALOGUES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("discipline", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
