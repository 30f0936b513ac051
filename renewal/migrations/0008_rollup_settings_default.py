import datetime

from django.db import migrations

SOURCE = "换届工作“日报告日通报”制度（每日 18:00 前报送）；班子结构目标见《关于做好村(社区)“两委”换届工作的通知》"


def add_default(apps, schema_editor):
    RollupSettings = apps.get_model("renewal", "RollupSettings")
    RollupSettings.objects.get_or_create(
        county=None,
        effective_from=datetime.date(2020, 1, 1),
        defaults={"daily_report_deadline": datetime.time(18, 0), "source": SOURCE},
    )


def remove_default(apps, schema_editor):
    RollupSettings = apps.get_model("renewal", "RollupSettings")
    RollupSettings.objects.filter(county=None, effective_from=datetime.date(2020, 1, 1)).delete()


class Migration(migrations.Migration):
    dependencies = [("renewal", "0007_rollup_daily_report_snapshots")]

    operations = [migrations.RunPython(add_default, remove_default)]
