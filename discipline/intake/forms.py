"""Forms of a report: the public page's and the officers' intake, informants, the status lookup."""

from django import forms
from django.core.exceptions import ValidationError

from discipline import access
from discipline.intake import services
from discipline.models import Report
from renewal.kit.forms import Form
from renewal.kit.uploads import (
    ATTACHMENT_ACCEPT,
    MAX_ATTACHMENT_BYTES,
    MultipleFileField,
    MultipleFileInput,
    attachments_check,
)
from renewal.models import DomainError, Region, Unit

# The reporter's identity: never in error reports or logs (sensitive_post_parameters).
IDENTITY_POST_FIELDS = services.IDENTITY_FIELDS


class ReportFieldsForm(Form):
    """What every report carries: the matter, the reporter (or anonymity), attachments."""

    subject = forms.CharField(
        label="被举报人或事项",
        max_length=100,
        help_text="例如：某村某人，或某次选举中的问题。",
    )
    content = forms.CharField(
        label="举报内容",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="请写明时间、地点、经过和知情人等，越具体越便于核查。",
    )
    anonymous = forms.BooleanField(
        label="匿名举报",
        required=False,
        help_text="勾选后请不要填写下面的身份信息。实名举报便于核实和反馈，举报人信息依法严格保密。",
    )
    name = forms.CharField(label="举报人姓名", max_length=40, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    id_number = forms.CharField(
        label="公民身份号码",
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    address = forms.CharField(label="住址", max_length=100, required=False)
    attachments = MultipleFileField(
        label="附件",
        widget=MultipleFileInput(attrs={"accept": ATTACHMENT_ACCEPT}),
        help_text=(
            f"可选，最多 {services.MAX_ATTACHMENTS} 个，每个不超过 "
            f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB，仅限 PDF、JPG、PNG。"
        ),
    )

    identity_fields = IDENTITY_POST_FIELDS

    def clean(self):
        data = super().clean()
        try:
            identity = services.identity_clean(**{k: data.get(k, "") for k in self.identity_fields})
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field, errors)
            identity = None
        if identity is not None:
            if data.get("anonymous") and identity:
                self.add_error(
                    "anonymous", "您选择了匿名举报，请清空身份信息；如愿实名举报，请取消勾选。"
                )
            elif not data.get("anonymous") and not identity:
                self.add_error("name", "实名举报请填写姓名和联系电话；不愿留名请勾选“匿名举报”。")
            data["identity"] = identity
        try:
            attachments_check(data.get("attachments") or [], max_count=services.MAX_ATTACHMENTS)
        except ValidationError as exc:
            self.add_error("attachments", exc.messages)
        return data

    def groups(self):
        """(legend, bound fields) for the template's fieldsets."""
        return [
            ("举报事项", [self[f] for f in self.matter_fields]),
            ("举报人", [self[f] for f in ("anonymous", *self.identity_fields)]),
            ("附件", [self["attachments"]]),
        ]

    matter_fields = ("subject", "content")


class PublicReportForm(ReportFieldsForm):
    county = forms.ModelChoiceField(
        queryset=Region.objects.filter(kind=Region.Kind.COUNTY), widget=forms.HiddenInput
    )
    place = forms.ChoiceField(
        label="乡镇(街道) · 村(社区)",
        required=False,
        error_messages={"invalid_choice": "请从列表中选择乡镇(街道)或村(社区)。"},
    )

    matter_fields = ("place", "subject", "content")

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.county_obj = county
        self.fields["county"].initial = county.pk
        self.fields["place"].choices = services.place_choices(county)
        self.fields["anonymous"].initial = True

    def clean(self):
        data = super().clean()
        if data.get("county") and data["county"].pk != self.county_obj.pk:
            raise ValidationError("区县与页面不一致，请重新打开举报页。")
        try:
            data["township"], data["units"] = services.place_resolve(
                self.county_obj, data.get("place", "")
            )
        except DomainError as exc:
            self.add_error("place", str(exc))
        return data


class StatusForm(Form):
    code = forms.CharField(
        label="查询码",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )


# --- Officers' intake and informants ----------------------------------------------------------
STAFF_CHANNELS = [(v, label) for v, label in Report.Channel.choices if v != Report.Channel.WEB]


class IntakeForm(ReportFieldsForm):
    channel = forms.ChoiceField(label="来源", choices=STAFF_CHANNELS)
    county = forms.ModelChoiceField(label="区县", queryset=Region.objects.none())
    township = forms.ModelChoiceField(
        label="乡镇(街道)", queryset=Region.objects.none(), required=False
    )
    units = forms.MultipleChoiceField(
        label="涉及村(社区)",
        required=False,
        error_messages={"invalid_choice": "所选村(社区)不在您负责的区县内。"},
        help_text="可多选（按住 Ctrl 键）；不选乡镇时，所选村(社区)同属一个乡镇则自动带出。",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    matter_fields = ("channel", "county", "township", "units", "subject", "content")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        county_ids = access.discipline_counties(user)
        counties = Region.objects.filter(pk__in=county_ids).order_by("code")
        self.fields["county"].queryset = counties
        if len(county_ids) == 1:
            self.fields["county"].initial = county_ids[0]
        self.fields["township"].queryset = Region.objects.filter(parent_id__in=county_ids).order_by(
            "code"
        )
        self.fields["units"].choices = self._unit_choices(county_ids)
        self.fields[
            "anonymous"
        ].help_text = (
            "举报人不愿留名时勾选。实名举报的身份信息加密保存，仅承办本案并经授权的人员可以查看。"
        )

    @staticmethod
    def _unit_choices(county_ids):
        groups = {}
        units = (
            Unit.objects.filter(county_id__in=county_ids)
            .select_related("township")
            .order_by("township__code", "code")
        )
        for unit in units:
            groups.setdefault(unit.township.name, []).append((str(unit.pk), unit.name))
        return list(groups.items())

    def clean(self):
        data = super().clean()
        ids = [int(pk) for pk in data.get("units") or []]
        data["unit_objects"] = list(Unit.objects.filter(pk__in=ids)) if ids else []
        return data


# --- Informants (民情直报员) -----------------------------------------------------------------


class InformantForm(Form):
    group_number = forms.TypedChoiceField(label="村(居)民小组", coerce=int)
    name = forms.CharField(label="姓名", max_length=40)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group_number"].label = unit.group_label
        self.fields["group_number"].choices = [
            (n, f"第 {n} {unit.group_label}") for n in range(1, unit.groups + 1)
        ]
