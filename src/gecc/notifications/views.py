"""The secretariat's outbox: every email the system sent or tried to send."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView
from rules.contrib.views import PermissionRequiredMixin

from gecc.notifications.domain import NotificationError, resend
from gecc.notifications.interfaces.forms import OutboxFilterForm
from gecc.notifications.models import OutboxMessage

PAGE_SIZE = 50


class OutboxPermissionMixin(PermissionRequiredMixin):
    permission_required = "notifications.view_outbox"

    def get_permission_object(self):
        # The permission is about the whole outbox; rows are then limited by visible_to().
        return None


def visible_messages(user):
    return OutboxMessage.objects.visible_to(user)


class OutboxMessageListView(OutboxPermissionMixin, ListView):
    template_name = "notifications/message/list.html"
    context_object_name = "outbox_messages"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        messages_ = visible_messages(self.request.user)
        events = messages_.order_by().values_list("event", flat=True).distinct()
        self.filter_form = OutboxFilterForm(self.request.GET or None, events=list(events))
        return self.filter_form.filter(messages_).defer("body_text", "body_html")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["is_filtered"] = self.filter_form.is_filtered
        return context


class OutboxMessageDetailView(OutboxPermissionMixin, DetailView):
    template_name = "notifications/message/detail.html"
    context_object_name = "message"

    def get_queryset(self):
        return visible_messages(self.request.user).select_related("actor", "content_type")


class OutboxMessageResendView(OutboxMessageDetailView):
    """GET asks for confirmation; POST queues a failed message again."""

    permission_required = "notifications.resend_message"
    template_name = "notifications/message/resend.html"

    def post(self, request, *args, **kwargs):
        message = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        try:
            message = resend(message, actor=request.user, request=request)
        except NotificationError:
            messages.error(request, _("Only a failed message can be sent again."))
        else:
            messages.success(request, _("The message was queued to be sent again."))
        return redirect(message.get_absolute_url())
