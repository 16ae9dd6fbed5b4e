from django import template

from gecc.evidence.domain.files import ACCEPT, max_bytes

register = template.Library()


@register.simple_tag
def evidence_max_mb():
    """The configured size limit in whole megabytes, for the upload hint."""
    megabytes = max_bytes() / (1024 * 1024)
    return f"{megabytes:.0f}" if megabytes == int(megabytes) else f"{megabytes:.1f}"


@register.simple_tag
def evidence_accept():
    """The ``accept`` attribute of an upload field (a hint only; the server checks)."""
    return ACCEPT
