"""City reviewers already bound to a city receive the grant that runs its supervision groups
(new accounts get it from their role when assigned)."""

from django.db import migrations


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Profile = apps.get_model("renewal", "Profile")
    UserObjectPermission = apps.get_model("guardian", "UserObjectPermission")
    region_type, _ = ContentType.objects.get_or_create(app_label="renewal", model="region")
    perm, _ = Permission.objects.get_or_create(
        content_type=region_type,
        codename="supervise_region",
        defaults={"name": "组织本市巡回督查"},
    )
    for profile in Profile.objects.filter(role="city_reviewer", region__kind="city"):
        UserObjectPermission.objects.get_or_create(
            user_id=profile.user_id,
            permission=perm,
            content_type=region_type,
            object_pk=str(profile.region_id),
        )


def revoke(apps, schema_editor):
    """Nothing to undo. The grants this migration wrote are the ones a city reviewer's role
    gives (account_assign_role), indistinguishable from those given since, and an
    administrator may have granted the permission to others; removing them all would take
    away grants it did not create. Left in place they are harmless: applying the migration
    again keeps them (get_or_create), and without the supervision groups nothing reads them.
    """


class Migration(migrations.Migration):
    dependencies = [
        ("renewal", "0028_supervision_groups"),
        ("guardian", "0003_remove_groupobjectpermission_guardian_gr_content_ae6aec_idx_and_more"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
