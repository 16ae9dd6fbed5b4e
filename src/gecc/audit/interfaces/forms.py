"""The audit log filter form, shared by the list page and the CSV export."""


from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from gecc.common.forms import ListFilterForm

# Content types that never appear as the object of an audit entry.
HIDDEN_APP_LABELS = ("admin", "contenttypes", "sessions")


class ContentTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        model = obj.model_class()
        if model is None:
            return f"{obj.app_label}.{obj.model}"
        return f"{capfirst(model._meta.verbose_name)} ({model._meta.app_config.verbose_name})"


class AuditEntryFilterForm(ListFilterForm):
    date_field = "at"
    field_order = ["action", "actor", "content_type", "object_id", "date_from", "date_to", "q"]

    action = forms.CharField(
        label=_("Action code"), required=False, max_length=100,
        help_text=_("Starts with, for example “user.” for every user action."),
    )
    actor = forms.CharField(label=_("Actor email"), required=False, max_length=254)
    content_type = ContentTypeChoiceField(
        label=_("Object type"), required=False, queryset=ContentType.objects.none(),
        empty_label=_("All types"),
    )
    object_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    q = forms.CharField(label=_("Object name contains"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content_type"].queryset = (
            ContentType.objects.exclude(app_label__in=HIDDEN_APP_LABELS)
            .order_by("app_label", "model")
        )
        for name in ("action", "actor", "q"):
            self.fields[name].widget.input_type = "search"

    def apply(self, queryset, data):
        if data["action"].strip():
            queryset = queryset.filter(action__startswith=data["action"].strip())
        if data["actor"].strip():
            actor = data["actor"].strip()
            queryset = queryset.filter(Q(actor_label__icontains=actor)
                                       | Q(actor__email__icontains=actor))
        if data["content_type"] is not None:
            queryset = queryset.filter(content_type=data["content_type"])
        if data["object_id"].strip():
            queryset = queryset.filter(object_id=data["object_id"].strip())
        if data["q"].strip():
            queryset = queryset.filter(object_repr__icontains=data["q"].strip())
        return queryset
