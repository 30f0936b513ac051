"""The candidate list's rows, drawn in Python.

Through the template engine each of the page's rows cost two ``{% url %}``, four choice labels,
a date and an include, which together took more time than the rest of the page; this draws the
very same markup (templates/candidates/partials/candidacy_results.html keeps the table around
it).
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from renewal.kit.rows import url_with_pk, ymd

register = template.Library()

EMPTY = '<tr><td colspan="10" class="muted">没有符合条件的人选。</td></tr>'
# What renewal/partials/select_row.html draws for the row's box.
PICK = (
    '<input type="checkbox" name="ids" value="{pk}" form="candidacy-export" '
    'aria-label="选择{name}">\n'
)
ROW = (
    '\n    <tr><td class="pick">{pick}</td><td>{where}</td><td><a href="{unit_url}">{unit}</a></td>'
    '\n      <td><a href="{detail_url}">{name}</a></td>'
    "\n      <td>{sex}</td><td>{born}</td>"
    "\n      <td>{id_number}</td><td>{body}</td><td>{post}{continuing}</td>"
    '\n      <td><span class="tag{tag}">{status}</span></td></tr>\n  '
)


@register.simple_tag
def candidacy_rows(page, many_counties):
    """The rows of a page of candidacies (``{% for c in page %}`` … ``{% empty %}``)."""
    rows = list(page)
    if not rows:
        return mark_safe(EMPTY)
    esc = conditional_escape
    unit_url = url_with_pk("candidates:unit-candidates")
    detail_url = url_with_pk("candidates:candidacy-detail")
    out = []
    for c in rows:
        unit, person = c.unit, c.person
        where = esc(unit.township.name)
        if many_counties:
            where = f"{esc(unit.county.name)} · {where}"
        name = esc(person.name)
        out.append(
            ROW.format(
                pick=PICK.format(pk=esc(c.pk), name=name),
                where=where,
                unit_url=esc(unit_url(unit.pk)),
                unit=esc(unit.name),
                detail_url=esc(detail_url(c.pk)),
                name=name,
                sex=esc(person.get_sex_display()),
                born=ymd(person.birth_date),
                id_number=esc(person.id_number_masked),
                body=esc(c.get_body_display()),
                post=esc(c.get_post_display()),
                continuing="（继任）" if c.is_continuing else "",
                tag=" key" if c.is_closed else (" ok" if c.status == "formal" else ""),
                status=esc(c.get_status_display()),
            )
        )
    return mark_safe("".join(out))
