"""The unit list's rows, drawn in Python (see renewal/kit/rows.py): the same markup as the
loop it replaces in templates/renewal/partials/unit_results.html."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from renewal.kit.rows import url_with_pk, ymd

register = template.Library()

ROW = (
    "\n    <tr>"
    "\n      <td>{code}</td>"
    '\n      <td><a href="{url}">{name}</a></td>'
    "\n      <td>{kind}</td>"
    "\n      {county}"
    "\n      <td>{township}</td>"
    '\n      <td class="num">{population}</td>'
    '\n      <td class="num">{households}</td>'
    "\n      <td>{stage}</td>"
    "\n      <td>{due}</td>"
    "\n      <td>{marks}</td>"
    "\n    </tr>\n  "
)
EMPTY = '\n    <tr><td colspan="{span}" class="muted">没有符合条件的村(社区)。</td></tr>\n  '
KEY = '<span class="tag key">重点难点</span>'
LATE = ' <span class="tag late">逾期</span>'


@register.simple_tag
def unit_rows(page, many_counties, stage_names):
    """The rows of a page of units (``{% for u in page %}`` … ``{% empty %}``)."""
    rows = list(page)
    if not rows:
        return mark_safe(EMPTY.format(span=10 if many_counties else 9))
    esc = conditional_escape
    detail_url = url_with_pk("renewal:unit-detail")
    out = []
    for u in rows:
        stage = stage_names.get(u.stage, u.stage) if hasattr(stage_names, "get") else u.stage
        out.append(
            ROW.format(
                code=esc(u.code),
                url=esc(detail_url(u.pk)),
                name=esc(u.name),
                kind=esc(u.get_kind_display()),
                county=f"<td>{esc(u.county.name)}</td>" if many_counties else "",
                township=esc(u.township.name),
                population=esc(u.population),
                households=esc(u.households),
                stage=esc(stage),
                due=esc(ymd(u.due_date) or "—"),
                marks=(KEY if u.is_key else "") + (LATE if u.is_overdue else ""),
            )
        )
    return mark_safe("".join(out))
