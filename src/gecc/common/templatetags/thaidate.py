"""Template filters for Buddhist-era dates: ``{{ d|thaidate }}``, ``{{ d|thaidate_short }}``."""

from django import template

from gecc.common.thaidate import format_be, format_be_datetime, format_be_numeric

register = template.Library()


@register.filter
def thaidate(value):
    """8 มิถุนายน 2563"""
    return format_be(value)


@register.filter
def thaidate_short(value):
    """8 มิ.ย. 63"""
    return format_be(value, short=True)


@register.filter
def thaidatetime(value):
    """8 มิถุนายน 2563 14:05 น."""
    return format_be_datetime(value)


@register.filter
def thaidate_numeric(value):
    """08/06/2563"""
    return format_be_numeric(value)
