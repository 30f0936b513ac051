"""The base of every form in the project.

Forms here are typed into all day, so what a form shows must be exactly what it saves.
A browser's ``<input type="date">`` accepts only an ISO value; a date field rendered any
other way shows empty and saving the form erases the date. These bases give every date
field the one date widget (``renewal.kit.widgets.DateInput``), whether the field was
declared or generated from a model, so a new form cannot get it wrong; a test walks every
form class of the project and checks that it derives from them.

They also make every error name its field. Django's own messages are the same for every
field ("这个字段是必填项。", "确保该变量至少包含 18 字符"), which leaves the user to guess which
box is meant and what it wants; each message Django would give is replaced by one built
from the field's label (its verbose_name), unless the form already says its own.
"""

from django import forms
from django.core.exceptions import ValidationError

from renewal.kit.widgets import DateInput


def _defaults(field) -> dict:
    messages = {}
    for cls in reversed(type(field).__mro__):
        messages.update(getattr(cls, "default_error_messages", {}))
    return messages


def _messages_for(field, label: str) -> dict[str, str]:
    """What each of Django's error codes says about this field."""
    label = label.replace("%", "%%")  # the messages are %-formatted with their parameters
    picks = isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.BooleanField)
    if isinstance(field, forms.DateTimeField):
        invalid = f"{label}不是有效的时间，请按“年-月-日 时:分”填写。"
    elif isinstance(field, forms.DateField):
        invalid = f"{label}不是有效的日期，请按“年-月-日”填写或从日历中选择。"
    elif isinstance(field, forms.TimeField):
        invalid = f"{label}不是有效的时间，请按“时:分”填写。"
    elif isinstance(field, forms.IntegerField):
        invalid = f"{label}须填写整数。"
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        invalid = f"{label}须填写数字。"
    elif isinstance(field, forms.FileField):
        invalid = f"{label}没有收到文件，请重新选择。"
    else:
        invalid = f"{label}的格式不正确，请检查后重新填写。"
    return {
        "required": f"请选择{label}。" if picks else f"请填写{label}。",
        "invalid": invalid,
        "invalid_choice": f"{label}的选项无效，请重新选择。",
        "invalid_list": f"{label}的选项无效，请重新选择。",
        "invalid_pk_value": f"{label}的选项无效，请重新选择。",
        "min_length": f"{label}至少 %(limit_value)d 个字符（现有 %(show_value)d 个）。",
        "max_length": f"{label}最多 %(limit_value)d 个字符（现有 %(show_value)d 个）。",
        "min_value": f"{label}不能小于 %(limit_value)s。",
        "max_value": f"{label}不能大于 %(limit_value)s。",
        "step_size": f"{label}须是 %(limit_value)s 的整数倍。",
        "max_digits": f"{label}最多 %(max)s 位数字。",
        "max_decimal_places": f"{label}最多 %(max)s 位小数。",
        "max_whole_digits": f"{label}的整数部分最多 %(max)s 位。",
        "missing": f"请选择{label}的文件。",
        "empty": f"{label}的文件是空的，请重新选择。",
        "contradiction": f"{label}：请上传新文件或勾选清除，不能两者都选。",
        "invalid_image": f"{label}不是有效的图片文件。",
        "incomplete": f"请把{label}填写完整。",
        "overflow": f"{label}超出了可以填写的范围。",
    }


def _field_messages(fields) -> None:
    for name, field in fields.items():
        label = str(field.label) if field.label else name
        defaults = _defaults(field)
        ours = _messages_for(field, label)
        for code, default in defaults.items():
            # A message the form set itself is kept; Django's own is replaced.
            if code in ours and str(field.error_messages.get(code)) == str(default):
                field.error_messages[code] = ours[code]
        for code in ("min_length", "max_length", "min_value", "max_value", "step_size"):
            field.error_messages.setdefault(code, ours[code])
        if isinstance(field, forms.DecimalField):
            for code in ("max_digits", "max_decimal_places", "max_whole_digits"):
                field.error_messages.setdefault(code, ours[code])


def errors_in_words(form) -> str:
    """A refused form's errors as one sentence for a message: each names its own field."""
    return "；".join(e for errors in form.errors.values() for e in errors)


def _iso_dates(fields) -> None:
    for field in fields.values():
        widget = field.widget
        if (
            isinstance(field, forms.DateField)
            and not isinstance(widget, DateInput | forms.HiddenInput)
            and isinstance(widget, forms.DateInput)
        ):
            field.widget = DateInput(attrs={k: v for k, v in widget.attrs.items() if k != "type"})


class Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _iso_dates(self.fields)
        _field_messages(self.fields)


class ModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _iso_dates(self.fields)
        _field_messages(self.fields)

    def _update_errors(self, errors):
        # The model's own checks (full_clean, unique, constraints) come back through here.
        super()._update_errors(_unique_in_words(errors))


def _unique_in_words(errors: ValidationError) -> ValidationError:
    """Django's "具有 统计用区划代码 的 村(社区) 已存在。" said plainly, for one field or several."""
    if not hasattr(errors, "error_dict"):
        return errors
    return ValidationError(
        {field: [_unique_said(e) for e in found] for field, found in errors.error_dict.items()}
    )


def _unique_said(error: ValidationError) -> ValidationError:
    if error.code not in ("unique", "unique_together") or not error.params:
        return error
    opts = error.params["model_class"]._meta
    labels = "、".join(str(opts.get_field(f).verbose_name) for f in error.params["unique_check"])
    return ValidationError(f"已有{labels}相同的{opts.verbose_name}，不能重复。", code=error.code)
