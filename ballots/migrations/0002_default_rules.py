import datetime

from django.db import migrations


def add(apps, schema_editor):
    apps.get_model("ballots", "CountingRuleSet").objects.get_or_create(
        county=None,
        effective_from=datetime.date(2020, 7, 1),
        defaults={
            "quorum": "more-than-4/5",
            "majority_base": "present",
            "source": "《中国共产党基层组织选举工作条例》(2020)：到会有选举权的党员超过应到会人数五分之四，"
            "方可进行选举；被选举人获得的赞成票超过实到会有选举权人数的一半，始得当选",
        },
    )


def remove(apps, schema_editor):
    apps.get_model("ballots", "CountingRuleSet").objects.filter(county=None).delete()


class Migration(migrations.Migration):
    dependencies = [("ballots", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
