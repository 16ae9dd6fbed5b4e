"""Staff back office: the home page of each staff role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from rules.contrib.views import permission_required

from gecc.accounts.enums import Role
from gecc.backoffice.dashboard import round_summaries, secretariat_figures
from gecc.rounds.enums import RoundPhase

# Where each role lands after signing in, most powerful role first.
ROLE_HOMES = (
    (Role.SECRETARIAT, "backoffice:home.secretariat"),
    (Role.STEERING, "backoffice:home.steering"),
    (Role.ASSESSOR, "backoffice:home.assessor"),
    (Role.COORDINATOR, "portal:home"),
)


def home_url_name(user) -> str:
    for role, url_name in ROLE_HOMES:
        if user.has_role(role):
            return url_name
    return "public:home"


@login_required
def home_redirect(request):
    return redirect(home_url_name(request.user))


def _role_home(role, template, context=None):
    @login_required
    @permission_required(f"backoffice.home_{role}", raise_exception=True)
    def view(request):
        extra = context(request.user) if context else {}
        return render(request, template, {"role": role, **extra})

    view.__name__ = f"home_{role}"
    return view


secretariat_home = _role_home(
    Role.SECRETARIAT, "backoffice/home/secretariat.html",
    lambda user: {"rounds": round_summaries(user), **secretariat_figures(user)})
assessor_home = _role_home(
    Role.ASSESSOR, "backoffice/home/assessor.html",
    lambda user: {"rounds": round_summaries(user, [RoundPhase.SITE_VISITS])})
steering_home = _role_home(
    Role.STEERING, "backoffice/home/steering.html",
    lambda user: {"rounds": round_summaries(user)})
