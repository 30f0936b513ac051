"""Every form of the project derives from renewal.kit.forms (Form or ModelForm).

Those bases give each date field the one ISO date widget; a form built on Django's own bases
renders a stored date in the zh-hans display format, which a browser's date input shows
empty and the next save erases. The test imports every module of the project's apps
(not migrations or tests) and checks each form class found there, and the form of each
formset.
"""

import importlib
import inspect
import pkgutil
import sys

from django import forms
from django.forms.formsets import BaseFormSet

from renewal.kit.forms import Form, ModelForm

APPS = ("renewal", "candidates", "ballots", "discipline")
NOT_CODE = {"migrations", "tests"}
BASES = (Form, ModelForm)


def project_modules():
    for app in APPS:
        package = importlib.import_module(app)
        yield package
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if not NOT_CODE & set(info.name.split(".")):
                yield importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_form_classes() -> dict[str, type]:
    """Qualified name → class, for every form and formset class of the project.

    A class counts when one of the project's modules defines it, or holds it as a module
    attribute without having imported it: what formset_factory and modelform_factory make
    belongs to a Django module that has no attribute of its name.
    """
    modules = list(project_modules())
    names = {m.__name__ for m in modules}
    found = {
        cls: f"{cls.__module__}.{cls.__qualname__}"
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__ in names
    }
    for module in modules:
        for attr, value in vars(module).items():
            if not inspect.isclass(value) or not issubclass(value, forms.BaseForm | BaseFormSet):
                continue
            made_here = getattr(sys.modules.get(value.__module__), value.__qualname__, None)
            if value not in found and made_here is not value:
                found[value] = f"{module.__name__}.{attr}"
    return {name: cls for cls, name in found.items() if cls not in BASES}


def stray_forms(classes: dict[str, type]) -> list[str]:
    """The classes (and formsets' forms) that do not derive from the project's bases."""
    stray = []
    for name, cls in sorted(classes.items()):
        if issubclass(cls, BaseFormSet):
            form = getattr(cls, "form", None)
            if form is not None and not issubclass(form, BASES):
                stray.append(f"{name} (a formset of {form.__module__}.{form.__qualname__})")
        elif not issubclass(cls, BASES):
            stray.append(name)
    return stray


def test_every_form_derives_from_the_project_bases():
    classes = project_form_classes()
    stray = stray_forms(classes)
    assert not stray, (
        "Forms not derived from renewal.kit.forms.Form or ModelForm (their date fields would "
        f"render in a format the browser's date input cannot show): {stray}"
    )


def test_the_walk_finds_forms_of_every_app_and_formsets():
    classes = project_form_classes()
    for name in (
        "renewal.forms.UnitForm",
        "renewal.forms.StageFormSet",
        "renewal.aftercare.forms.AuditForm",
        "renewal.rollup.forms.DailyReportForm",
        "renewal.kit.uploads.XlsxUploadForm",
        "renewal.admin.ProfileForm",
        "candidates.forms.PersonForm",
        "ballots.congress.forms.CongressForm",
        "ballots.villagers.forms.ElectionForm",
        "discipline.cases.forms.NotifyForm",
        "discipline.intake.forms.PublicReportForm",
        "discipline.pledges.forms.TalkForm",
    ):
        assert name in classes, name


def test_a_form_on_djangos_own_bases_is_named():
    class PlainForm(forms.Form):
        day = forms.DateField()

    class PlainModelForm(forms.ModelForm):
        pass

    class Fine(Form):
        day = forms.DateField()

    formset = forms.formset_factory(PlainForm)
    stray = stray_forms(
        {"x.PlainForm": PlainForm, "x.PlainModelForm": PlainModelForm, "x.Fine": Fine}
        | {"x.PlainFormSet": formset, "x.FineFormSet": forms.formset_factory(Fine)}
    )
    assert stray == [
        "x.PlainForm",
        "x.PlainFormSet (a formset of tests.test_form_classes."
        "test_a_form_on_djangos_own_bases_is_named.<locals>.PlainForm)",
        "x.PlainModelForm",
    ]
