"""Save an edit page as it is, in a real browser, and tell what changed in the database.

A date the browser cannot show (a value not in ISO form) is submitted empty, and saving the
page erases it; any other value a form renders differently from how it reads it back is lost
the same way. `save_unchanged` opens a page as the user would, clicks its save button, and
compares the rows the page edits before and after, less the fields a save always writes.
"""

from collections.abc import Iterable

# Long enough for a loaded machine, short enough that a page that never submits fails soon.
SUBMIT_MS = 5_000

# Fields a save writes whatever the form holds, and why.
CHANGE_ON_SAVE = {
    "renewal.Unit.updated_at": "set on every save (auto_now)",
    "renewal.Rectification.updated_at": "set on every save (auto_now)",
    "renewal.KeyUnitPlan.updated_at": "set on every save (auto_now)",
    "renewal.DailyReport.updated_at": "the time of the last correction",
    "ballots.VillagersElection.version": "the edit counter that refuses stale pages",
    "ballots.Congress.version": "the edit counter that refuses stale pages",
    "renewal.HandoverItem.recorded_at": "when the sign-off was last recorded",
}


def stored_rows(queryset) -> list[dict]:
    """Each row's stored values (every column, and many-to-many links as sorted ids), less
    the fields in CHANGE_ON_SAVE; in a stable order."""
    rows = []
    for obj in queryset.order_by("pk"):
        row = {f.name: f.value_from_object(obj) for f in obj._meta.concrete_fields}
        for f in obj._meta.many_to_many:
            row[f.name] = sorted(o.pk for o in getattr(obj, f.name).all())
        label = obj._meta.label
        rows.append({k: v for k, v in row.items() if f"{label}.{k}" not in CHANGE_ON_SAVE})
    return sorted(rows, key=repr)


def submit(page, button, *, htmx=False) -> tuple[str | None, list[str]]:
    """Click a form's button: (what the browser sent, the errors the answer shows), or
    (None, the inputs that kept the browser from sending the form)."""
    from playwright.sync_api import TimeoutError as BrowserTimeout

    is_post = lambda request: request.method == "POST"  # noqa: E731
    try:
        if htmx:
            with page.expect_response(lambda r: is_post(r.request), timeout=SUBMIT_MS) as answer:
                page.locator(button).first.click()
            sent = answer.value.request.post_data
            page.wait_for_load_state("networkidle")
        else:
            with (
                page.expect_navigation(timeout=SUBMIT_MS),
                page.expect_request(is_post, timeout=SUBMIT_MS) as request,
            ):
                page.locator(button).first.click()
            sent = request.value.post_data
    except BrowserTimeout:
        # A required input whose value the browser cannot read stops the form at the click.
        invalid = page.eval_on_selector_all(
            "input:invalid, select:invalid, textarea:invalid",
            "els => els.map(e => e.getAttribute('name'))",
        )
        return None, [f"the browser did not send the form; inputs it holds invalid: {invalid}"]
    return sent or "", page.locator(".errorlist, .messages .error").all_inner_texts()


def save_unchanged(
    page,
    url: str,
    button: str,
    querysets: Iterable,
    *,
    what: str = "",
    dates: Iterable = (),
    htmx: bool = False,
) -> list[str]:
    """Open ``url``, click ``button`` without a change: the problems found (none when the
    rows of ``querysets`` are as they were and every date of ``dates`` was sent back)."""
    querysets = list(querysets)
    what = what or url
    before = [stored_rows(qs) for qs in querysets]
    page.goto(url)
    sent, errors = submit(page, button, htmx=htmx)
    if sent is None:
        return [f"{what}: {errors[0]}"]
    problems = []
    if errors:
        problems.append(f"{what}: saving it unchanged was refused: {errors}")
    elif not htmx and not page.locator(".messages .success").count():
        problems.append(f"{what}: no message says it was saved (another form sent?)")
    missing = [d.isoformat() for d in dates if d.isoformat() not in sent]
    if missing:
        problems.append(f"{what}: the browser did not send the stored dates {missing}")
    after = [stored_rows(qs) for qs in querysets]
    for old, new in zip(before, after, strict=True):
        if old != new:
            problems.append(f"{what}: saving it unchanged changed\n  {old}\nto\n  {new}")
    return problems
