from django import forms

from renewal.kit.forms import Form, ModelForm
from renewal.kit.widgets import DateInput
from renewal.models import DailyReport


class DailyReportForm(ModelForm):
    class Meta:
        model = DailyReport
        fields = ["talks_held", "disputes_mediated", "problems_solved", "petitions_handled", "note"]
        widgets = {
            "talks_held": forms.NumberInput(attrs={"min": 0, "max": 100000}),
            "disputes_mediated": forms.NumberInput(attrs={"min": 0, "max": 100000}),
            "problems_solved": forms.NumberInput(attrs={"min": 0, "max": 100000}),
            "petitions_handled": forms.NumberInput(attrs={"min": 0, "max": 100000}),
            "note": forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        }
        error_messages = {
            name: {
                "invalid": "请填写整数。",
                "min_value": "不能为负数。",
                "max_value": "数字过大，请核对（不超过 100000）。",
                "required": "请填写（没有请填 0）。",
            }
            for name in ["talks_held", "disputes_mediated", "problems_solved", "petitions_handled"]
        }


class ReportFilterForm(Form):
    SORTS = [
        ("-day", "日期（新→旧）"),
        ("day", "日期（旧→新）"),
        ("township", "乡镇(街道)"),
        ("-disputes_mediated", "化解矛盾纠纷（多→少）"),
        ("-problems_solved", "为群众办实事（多→少）"),
    ]
    day_from = forms.DateField(label="起始日期", required=False, widget=DateInput())
    day_to = forms.DateField(label="截止日期", required=False, widget=DateInput())
    township = forms.ModelChoiceField(
        label="乡镇(街道)", queryset=None, required=False, empty_label="全部"
    )
    late = forms.ChoiceField(
        label="报送情况",
        required=False,
        choices=[("", "全部"), ("late", "逾时报送"), ("ontime", "按时报送")],
    )
    sort = forms.ChoiceField(label="排序", required=False, choices=SORTS)

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships
        self.fields["township"].error_messages["invalid_choice"] = "请选择列表中的乡镇(街道)。"
