from django import template

from gecc.common.urls import reverse_one

register = template.Library()


@register.simple_tag
def url_one(name, **kwargs):
    """``{% url_one 'portal:answer.save' pk=answer.pk %}``: the ``{% url %}`` of a pattern
    with one int or UUID argument, for pages that link the same pattern many times."""
    return reverse_one(name, **kwargs)
