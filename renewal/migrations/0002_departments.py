from django.db import migrations

DEPARTMENTS = [
    ("police", "公安"),
    ("court", "法院"),
    ("procuratorate", "检察院"),
    ("petition", "信访"),
    ("civil_affairs", "民政"),
    ("justice", "司法"),
    ("health", "卫健"),
    ("market", "市场监管"),
    ("discipline", "纪委监委"),
    ("natural_resources", "自然资源"),
    ("religion", "统战(民宗)"),
    ("credit", "发改(信用)"),
]


def add(apps, schema_editor):
    Department = apps.get_model("renewal", "Department")
    for code, name in DEPARTMENTS:
        Department.objects.update_or_create(code=code, defaults={"name": name})


def remove(apps, schema_editor):
    apps.get_model("renewal", "Department").objects.filter(
        code__in=[c for c, _ in DEPARTMENTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("renewal", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
