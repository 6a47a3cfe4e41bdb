"""The masking module's name mask as a template filter, so a page masks a name exactly as
every other surface does."""

from django import template

from lianyun.core.masking import mask_name

register = template.Library()
register.filter("mask_name", mask_name)
