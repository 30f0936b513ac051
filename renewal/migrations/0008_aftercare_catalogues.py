"""The shipped aftercare catalogues (renewal/aftercare/catalogues.py): exit-audit finding
categories, the handover checklist and the default handover deadline."""

from django.db import migrations

from renewal.aftercare import catalogues as data


def load(apps, schema_editor):
    data.load_categories(apps.get_model("renewal", "AuditCategory"))
    data.load_handover_items(apps.get_model("renewal", "HandoverItemKind"))
    data.load_default_deadline(apps.get_model("renewal", "HandoverDeadline"))


def unload(apps, schema_editor):
    apps.get_model("renewal", "AuditCategory").objects.filter(county=None).delete()
    apps.get_model("renewal", "HandoverItemKind").objects.filter(
        code__in=[code for code, _ in data.HANDOVER_ITEMS]
    ).delete()
    apps.get_model("renewal", "HandoverDeadline").objects.filter(county=None).delete()


class Migration(migrations.Migration):
    dependencies = [("renewal", "0007_aftercare_audits_plans_guidance_handover_onboarding")]

    operations = [migrations.RunPython(load, unload)]
