"""``{% released_feedback application as feedback %}``: the team sheet of ``application``
whose feedback report the signed-in coordinator may read (released), or ``None``."""

from django import template

from gecc.scoring import rules_feedback  # noqa: F401  (registers the permissions)
from gecc.scoring.models import TeamSheet

register = template.Library()


@register.simple_tag(takes_context=True)
def released_feedback(context, application):
    request = context.get("request")
    user = getattr(request, "user", None)
    if application is None or user is None or not user.is_authenticated:
        return None
    team_sheet = (TeamSheet.objects.visible_to(user).filter(application_id=application.pk)
                  .select_related("application__unit").first())
    if team_sheet is None or not user.has_perm("scoring.view_released_feedback", team_sheet):
        return None
    return team_sheet
