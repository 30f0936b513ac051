from django import template

from renewal.models import STAGE_NAMES
from renewal.rollup.services import percent

register = template.Library()


@register.filter
def pct(value):
    """A share 0..1 as a percentage with one decimal; — when unknown."""
    return percent(value)


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, 0)


@register.filter
def stage_name(code):
    """A stage's name in the user's words (a stage the product does not know keeps its code)."""
    return STAGE_NAMES.get(code, code)
