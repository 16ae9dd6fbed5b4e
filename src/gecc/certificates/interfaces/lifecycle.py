"""The form of the suspend / reinstate / withdraw pages: a required reason and, for a
suspension or withdrawal, the public complaint about the unit that led to it (optional)."""

from django import forms
from django.utils.translation import gettext_lazy as _

REASON_MAX_LENGTH = 2000


class StateChangeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The unit's coordinators read it in the e-mail; it is kept in the audit "
                    "log."),
        error_messages={"required": _("Give the reason.")})
    complaint = forms.ModelChoiceField(
        label=_("Complaint that led to this (optional)"), required=False, queryset=None,
        empty_label=_("None"),
        help_text=_("The complaint is marked as acted on, with the reason as its note."))

    def __init__(self, *args, complaints=None, **kwargs):
        super().__init__(*args, **kwargs)
        if complaints is None:
            del self.fields["complaint"]
        else:
            self.fields["complaint"].queryset = complaints
            self.fields["complaint"].label_from_instance = (
                lambda complaint: f"{complaint.reference} — {complaint.text[:80]}")

    def clean_reason(self):
        reason = (self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason."), code="required")
        return reason
