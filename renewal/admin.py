from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from renewal import services
from renewal.kit import lockout, second_factor, security_log
from renewal.kit.forms import ModelForm
from renewal.models import (
    Department,
    DomainError,
    Profile,
    Region,
    RenewalRound,
    SecurityEvent,
    Stage,
    Unit,
)


class RegionForm(ModelForm):
    """Provinces, cities, counties and townships: Region.clean checks the parent's kind and
    the code's prefix at every level and says what is wrong in Chinese."""

    class Meta:
        model = Region
        fields = ["code", "name", "kind", "parent"]
        help_texts = {
            "parent": "省级区域不填；市(州、盟)选所属省；区县选所属市，"
            "只部署一个区县时可不填；乡镇/街道选所属区县。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only regions that can have regions below them are offered as a parent.
        self.fields["parent"].queryset = Region.objects.exclude(
            kind__in=[Region.Kind.TOWNSHIP, Region.Kind.SUBDISTRICT]
        ).order_by("code")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    form = RegionForm
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "township", "population", "is_key", "stage"]
    list_filter = ["kind", "is_key", "county"]
    search_fields = ["code", "name"]
    list_select_related = ["township"]
    readonly_fields = ["stage", "county", "township", "code"]

    def has_add_permission(self, request):
        # Units are added on the unit page, through the service that also creates the
        # party branch and the round's seats.
        return False


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["order", "code", "name", "due_date", "enabled"]
    readonly_fields = ["code"]


@admin.register(RenewalRound)
class RenewalRoundAdmin(admin.ModelAdmin):
    list_display = ["county", "year", "is_active"]
    inlines = [StageInline]

    def get_readonly_fields(self, request, obj=None):
        return ["county", "year", "is_active"] if obj else []

    def get_exclude(self, request, obj=None):
        # A new round is always the active one; round_open retires the previous round.
        return [] if obj else ["is_active"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "county":
            kwargs["queryset"] = Region.objects.filter(kind=Region.Kind.COUNTY)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_inlines(self, request, obj):
        return [StageInline] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new round gets the default timetable and every unit's default seats.
        fields = {
            f: form.cleaned_data[f]
            for f in form.cleaned_data
            if f not in ("county", "year", "is_active")
        }
        created = services.round_open(
            county=form.cleaned_data["county"], year=form.cleaned_data["year"], **fields
        )
        obj.pk = created.pk


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


class ProfileForm(ModelForm):
    class Meta:
        model = Profile
        fields = ["user", "role", "region", "department", "must_change_password"]

    def clean(self):
        data = super().clean()
        try:
            services.role_assignment_check(
                role=data.get("role"), region=data.get("region"), department=data.get("department")
            )
        except DomainError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    """Roles are set through the service, so guardian grants always match the role."""

    form = ProfileForm
    list_display = ["user", "role", "region", "department", "must_change_password"]
    list_filter = ["role", "must_change_password"]
    autocomplete_fields = ["user", "region"]
    actions = ["require_password_change"]

    def save_model(self, request, obj, form, change):
        services.account_assign_role(
            user=obj.user, role=obj.role, region=obj.region, department=obj.department
        )
        Profile.objects.filter(user=obj.user).update(must_change_password=obj.must_change_password)

    @admin.action(description="要求所选用户下次登录时修改密码", permissions=["change"])
    def require_password_change(self, request, queryset):
        # Read before the update: a changelist filtered on the flag would then select none.
        profiles = list(queryset.select_related("user"))
        count = Profile.objects.filter(pk__in=[p.pk for p in profiles]).update(
            must_change_password=True
        )
        for profile in profiles:
            security_log.record(
                SecurityEvent.Kind.PASSWORD_RESET,
                request=request,
                user=profile.user,
                actor=request.user,
            )
        self.message_user(request, f"已要求 {count} 名用户下次登录时修改密码。")


User = get_user_model()
admin.site.unregister(User)


class SecondFactorFilter(admin.SimpleListFilter):
    title = "动态口令"
    parameter_name = "otp"

    def lookups(self, request, model_admin):
        return [("yes", "已绑定"), ("no", "未绑定")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(otp_enrolled=self.value() == "yes")
        return queryset


@admin.register(User)
class RenewalUserAdmin(UserAdmin):
    search_fields = ["username", "first_name", "last_name"]
    list_display = [*UserAdmin.list_display, "otp_enrolled"]
    list_filter = [*UserAdmin.list_filter, SecondFactorFilter]
    actions = ["reset_second_factor", "unlock"]

    def get_queryset(self, request):
        bound = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(otp_enrolled=Exists(bound))

    @admin.display(description="已绑定动态口令", boolean=True, ordering="otp_enrolled")
    def otp_enrolled(self, user):
        return user.otp_enrolled

    @admin.action(description="重置动态口令", permissions=["change"])
    def reset_second_factor(self, request, queryset):
        users = list(queryset)
        for user in users:
            second_factor.second_factor_reset(request=request, user=user, actor=request.user)
        self.message_user(
            request,
            f"已重置 {len(users)} 名用户的动态口令，他们下次登录时须重新绑定身份验证器。",
        )

    @admin.action(description="解除锁定", permissions=["change"])
    def unlock(self, request, queryset):
        """Lift the lock on the selected login names after failed sign-ins (logged, with the
        administrator as actor). A locked client address is lifted in 「Access attempts」."""
        for user in queryset:
            lockout.account_unlock(user=user, actor=request.user, request=request)
        self.message_user(request, f"已解除 {queryset.count()} 个账号的登录锁定。")
