"""Template filters for Buddhist-era dates: ``{{ d|thaidate }}``, ``{{ d|thaidate_short }}``.

They are template builtins (settings.TEMPLATES), so no ``{% load %}`` is needed. Like
Django's ``date`` filter they show nothing, rather than fail the page, for a value that
is not a date.
"""

import datetime

from django import template

from gecc.common.thaidate import (
    format_be,
    format_be_datetime,
    format_be_deadline,
    format_be_numeric,
)

register = template.Library()


def _is_date(value):
    return isinstance(value, datetime.date)


@register.filter
def thaidate(value):
    """8 มิถุนายน 2563"""
    return format_be(value) if _is_date(value) else ""


@register.filter
def thaidate_short(value):
    """8 มิ.ย. 63"""
    return format_be(value, short=True) if _is_date(value) else ""


@register.filter
def thaidatetime(value):
    """8 มิถุนายน 2563 14:05 น."""
    return format_be_datetime(value) if _is_date(value) else ""


@register.filter
def thaideadline(value):
    """A deadline: 20 ธันวาคม 2569 for a date-only deadline, else 20 ธันวาคม 2569 16:30 น."""
    return format_be_deadline(value) if _is_date(value) else ""


@register.filter
def thaidate_numeric(value):
    """08/06/2563"""
    return format_be_numeric(value) if _is_date(value) else ""
