"""What a browser makes of a page's form inputs: the values it would refuse to show.

A browser shows an ``<input type="date">`` empty unless its value is ISO (2026-11-15), and
then submits it empty: a stored date rendered any other way is erased by the next save.
The same holds for the other typed inputs (datetime-local, time, month, number), and a
``<select>`` with two selected options submits only one of them. ``input_problems`` finds
those values in a page; it reads HTML only, so the tests of its rules need no server.
"""

import re
from html.parser import HTMLParser

# The value formats of the HTML standard ("valid date string" and so on), as the browser
# parses them; min and max must follow the same format or the browser ignores them.
DATE = r"\d{4}-\d{2}-\d{2}"
TIME = r"\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"
FORMATS = {
    "date": re.compile(DATE),
    "datetime-local": re.compile(rf"{DATE}[T ]{TIME}"),
    "time": re.compile(TIME),
    "month": re.compile(r"\d{4}-\d{2}"),
    "week": re.compile(r"\d{4}-W\d{2}"),
    # A floating-point number: a dot for the decimal, no thousands separator.
    "number": re.compile(r"-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?"),
    "range": re.compile(r"-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?"),
}
EXAMPLES = {
    "date": "2026-11-15",
    "datetime-local": "2026-11-15T09:30",
    "time": "09:30",
    "month": "2026-11",
    "week": "2026-W46",
    "number": "1.5",
    "range": "1.5",
}
# Text inputs that ask for a number on a phone's keypad are read back by int() or
# Decimal() on the server: the same rule as type=number (digits only for "numeric").
INPUTMODES = {
    "numeric": re.compile(r"-?\d+"),
    "decimal": FORMATS["number"],
}
BOUNDS = ("min", "max")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inputs = []
        self.selects = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: "" if v is None else v for k, v in attrs}
        line = self.getpos()[0]
        if tag == "input":
            self.inputs.append((line, attrs))
        elif tag == "select":
            self._select = {"line": line, "attrs": attrs, "selected": []}
            self.selects.append(self._select)
        elif tag == "option" and self._select is not None and "selected" in attrs:
            self._select["selected"].append(attrs.get("value", ""))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _label(line, attrs):
    return f"line {line}: <input name={attrs.get('name', '?')!r} type={attrs.get('type')!r}>"


def input_problems(html: str) -> list[str]:
    """Every input value of the page a browser would not accept, as readable sentences."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    problems = []
    for line, attrs in collector.inputs:
        kind = (attrs.get("type") or "text").lower()
        rule = FORMATS.get(kind)
        if rule is None and kind in ("text", "search", "tel"):
            rule = INPUTMODES.get(attrs.get("inputmode", "").lower())
        if rule is None:
            continue
        for key in ("value", *BOUNDS) if kind in FORMATS else ("value",):
            value = attrs.get(key, "")
            if value and not rule.fullmatch(value):
                example = EXAMPLES.get(kind, "123")
                problems.append(
                    f"{_label(line, attrs)} has {key}={value!r}; the browser needs the form of "
                    f"{example!r} and would show and submit it empty"
                )
    for select in collector.selects:
        attrs = select["attrs"]
        if "multiple" not in attrs and len(select["selected"]) > 1:
            problems.append(
                f"line {select['line']}: <select name={attrs.get('name', '?')!r}> has "
                f"{len(select['selected'])} selected options {select['selected']}; "
                "the browser keeps only the last"
            )
    return problems


def input_values(html: str, kind: str) -> list[str]:
    """The values of the page's inputs of one type, in page order."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return [a.get("value", "") for _line, a in collector.inputs if a.get("type") == kind]
