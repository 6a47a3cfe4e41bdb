"""`{% once %}` puts a fresh one-time submission key into a form (see `core.once`)."""

from django import template
from django.utils.html import format_html

from lianyun.core.once import FIELD, new_key

register = template.Library()


@register.simple_tag
def once() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())
