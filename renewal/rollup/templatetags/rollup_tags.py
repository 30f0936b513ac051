from django import template

from renewal.rollup.services import percent

register = template.Library()


@register.filter
def pct(value):
    """A share 0..1 as a percentage with one decimal; — when unknown."""
    return percent(value)


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, 0)
