from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from renewal.rollup.services import percent

register = template.Library()


@register.filter
def pct(value):
    """A share 0..1 as a percentage with one decimal; — when unknown."""
    return percent(value)


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, 0)


RANK_ROW = (
    "<tr>\n    <td>{rank}</td>"
    '\n    <td class="nowrap"><a href="{url}">{name}</a>{incomplete}</td>{city}'
    '\n    <td class="num">{units}</td><td class="num">{done}</td>'
    '<td class="num">{done_share}</td><td class="num">{weighted}</td>'
    '\n    <td class="num">{overdue}</td>'
    "\n    <td>{reports}</td>\n  </tr>"
)
INCOMPLETE = ' <span class="tag late">数据不完整</span>'


@register.simple_tag
def area_ranking_rows(ranking, with_city=False):
    """A city's or a province's ranking rows (views_areas._ranking_rows), drawn in Python: a
    province's ranking of all its counties has hundreds (see renewal/kit/rows.py)."""
    esc = conditional_escape
    out = []
    for r in ranking:
        overdue = r["overdue"]
        missing = r["not_reported"]
        out.append(
            RANK_ROW.format(
                rank=esc(r["rank"]) if r["rank"] else "不参加排名",
                url=esc(r["url"]),
                name=esc(r["name"]),
                incomplete=INCOMPLETE if r.get("incomplete") else "",
                city=f'<td class="nowrap">{esc(r.get("city", ""))}</td>' if with_city else "",
                units=esc(r["units"]),
                done=esc(r["done"]),
                done_share=esc(r["done_share_text"]),
                weighted=esc(r["weighted_text"]),
                overdue=f'<span class="tag late">{esc(overdue)}</span>' if overdue else "0",
                reports=(
                    f'<span class="tag key" title="未报送日报的乡镇(街道)">{esc(missing)} 个未报送</span>'
                    if missing > 0
                    else '<span class="tag ok">已报齐</span>'
                ),
            )
        )
    return mark_safe("".join(out))
