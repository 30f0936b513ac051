"""What a page says to its reader, and the words in it that are not the reader's.

``visible_text`` reads a page as a person does: the text of its elements without <script>,
<style>, <template> or what was typed into a <textarea>, plus the attributes a person sees or hears (title, placeholder,
aria-label, alt, the value of a button-like input). An element marked translate="no" (the
HTML way to say "not words of any language": a secret key to copy, a login someone typed)
is left out with what it holds. ``word_problems`` finds in it:

- English words outside a short allow-list (file formats the user picks by name);
- raw choice values: a stored code of a model field's choices that differs from its label
  (``formal_list`` where the page should say 正式候选人);
- Django's generic messages ("确保该变量至少包含 18 字符", "这个字段是必填项"), which never say
  which field they mean.

It reads HTML only, so the tests of its rules need no server.
"""

import re
from functools import cache
from html.parser import HTMLParser

from django import forms
from django.apps import apps
from django.core import validators
from django.utils import translation
from django.utils.functional import Promise

from renewal.models.rounds import STAGE_NAMES

# Not read: code (a hash or a checksum: characters, not words), and a textarea's content,
# which is what someone typed (like an input's value): their words, whatever language.
HIDDEN_ELEMENTS = {"script", "style", "template", "textarea", "code"}
SPOKEN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
BUTTON_INPUTS = {"submit", "button", "reset"}

# Words a Chinese user reads as they are, each with why.
ALLOWED_WORDS = {
    "Excel",  # the program users open the 花名册 in, named so on their desktop
    "MB",  # the size limit of an upload, as the file chooser and the phone show sizes
    "IP",  # "IP 地址": how Chinese administrators name a network address
    "Ctrl",  # the key, as printed on the keyboard ("按住 Ctrl 可多选")
}
# File types, as the file chooser and the download name show them, in either case.
FILE_TYPES = {"pdf", "xlsx", "xls", "png", "jpg", "jpeg"}
# A token that is a file name or carries a digit is an identifier someone typed or a code of
# the official catalogues (a unit code, a ballot number), not a word of the interface.
FILE_NAME = re.compile(r"^[\w.\-]+\.(xlsx|xls|pdf|csv|docx?|png|jpe?g|txt)$", re.IGNORECASE)
TOKEN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@\-]*")
LETTERS = re.compile(r"[A-Za-z]{2,}")
VOID_ELEMENTS = {"br", "hr", "img", "input", "link", "meta", "source", "wbr", "col", "area"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self._hidden = 0  # elements open inside a hidden one, itself included

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag in VOID_ELEMENTS:
            self.handle_startendtag(tag, attrs.items())
        elif self._hidden:
            self._hidden += 1
        elif tag in HIDDEN_ELEMENTS or attrs.get("translate") == "no":
            self._hidden = 1
        else:
            self._spoken(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        if not self._hidden:
            self._spoken(tag, dict(attrs))

    def _spoken(self, tag, attrs):
        self.parts.extend(attrs[a] for a in SPOKEN_ATTRIBUTES if attrs.get(a))
        if tag == "input" and attrs.get("type") in BUTTON_INPUTS and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if self._hidden and tag not in VOID_ELEMENTS:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)


def english_words(text: str) -> list[str]:
    found = []
    for token in TOKEN.findall(text):
        token = token.strip(".-@")
        if not token or any(c.isdigit() for c in token) or FILE_NAME.match(token):
            continue
        found.extend(
            w
            for w in LETTERS.findall(token)
            if w not in ALLOWED_WORDS and w.lower() not in FILE_TYPES
        )
    return found


@cache
def raw_choice_values() -> dict[str, str]:
    """Each stored choice code that is not its own label → 'model.field' (the first seen),
    and the stage codes, whose names are data (the county's timetable)."""
    codes = dict.fromkeys(STAGE_NAMES, "renewal.Unit.stage")
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and LETTERS.search(value) and value != str(label):
                    codes.setdefault(value, f"{model._meta.label}.{field.name}")
    return codes


PROJECT_APPS = {"renewal", "candidates", "ballots", "discipline"}


def raw_choices_in(text: str) -> list[str]:
    found = []
    for value, where in raw_choice_values().items():
        if re.search(rf"(?<![A-Za-z0-9_]){re.escape(value)}(?![A-Za-z0-9_])", text):
            found.append(f"{value} ({where})")
    return found


class _Filler(dict):
    """Any placeholder of a message, filled with a number no message holds."""

    def __missing__(self, key):
        return FILLER


FILLER = 987654321


def _fragments(message) -> list[str]:
    """The literal parts of a message between its placeholders, long enough to be its own.
    A plural message (ngettext_lazy) has no text until it is given its number."""
    text = str(message % _Filler())
    return [p for p in text.split(str(FILLER)) if len(p.strip()) >= 5]


@cache
def generic_messages() -> tuple[str, ...]:
    """Django's own form and validator messages, in Chinese and English: each is the same
    for every field, so a page showing one leaves the reader to guess the field."""
    messages = set()
    classes = [getattr(forms, name) for name in dir(forms) if name.endswith("Field")]
    classes += [getattr(validators, name) for name in dir(validators) if name.endswith("Validator")]
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for cls in classes:
                if not isinstance(cls, type):
                    continue
                for text in getattr(cls, "default_error_messages", {}).values():
                    messages.update(_fragments(text))
                if isinstance(getattr(cls, "message", None), str | Promise):
                    messages.update(_fragments(cls.message))
    return tuple(sorted(m.strip() for m in messages))


def generic_messages_in(text: str) -> list[str]:
    return [m for m in generic_messages() if m in text]


def word_problems(html: str) -> list[str]:
    text = visible_text(html)
    problems = [f"English: {w}" for w in sorted(set(english_words(text)))]
    problems += [f"raw choice value: {v}" for v in raw_choices_in(text)]
    problems += [f"generic Django message: {m}" for m in generic_messages_in(text)]
    return problems


class _Forms(HTMLParser):
    """The page's POST forms: action and the fields a person fills in (name → kind)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "form":
            method = attrs.get("method", "get").lower()
            self._form = {"action": attrs.get("action", ""), "hidden": {}, "fields": {}}
            if method == "post":
                self.forms.append(self._form)
        elif self._form is not None and attrs.get("name"):
            kind = attrs.get("type", "text").lower() if tag == "input" else tag
            if kind == "hidden":
                self._form["hidden"][attrs["name"]] = attrs.get("value", "")
            elif kind not in ("file", "submit", "button", "reset", "checkbox", "radio"):
                self._form["fields"][attrs["name"]] = kind

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def post_forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    parser.close()
    return parser.forms


# What a wrong entry looks like to each kind of field: a word where a number, a date or a
# choice is wanted, and text far beyond any length a field allows.
WRONG = {"number": "一些", "date": "去年", "select": "不存在的选项", "textarea": "长" * 5000}


def wrong_values(form: dict) -> dict:
    return {name: WRONG.get(kind, "长" * 500) for name, kind in form["fields"].items()}
