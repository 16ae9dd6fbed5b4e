from django import forms
from django.utils.translation import gettext_lazy as _

from gecc.criteria.domain.parse import CriteriaError, Issue, parse_edition

from .files import MAX_BYTES as MAX_SIZE
from .files import read_criteria_bytes
from .locations import describe_issues


class CriteriaUploadForm(forms.Form):
    file = forms.FileField(label=_("Criteria file"), allow_empty_file=True,
                           help_text=_("A YAML (.yaml, .yml) or Excel (.xlsx) file, at most 2 MB."))

    def clean_file(self):
        """The file read as every way in reads it (``files.read_criteria_bytes``: type,
        size, empty, binary, encoding, damaged workbook), then validated."""
        upload = self.cleaned_data["file"]
        self.issues, self.document, self.rows = [], None, {}
        if upload.size > MAX_SIZE:
            # Refused before reading it, with the words every way in uses.
            self.issues = self.locate(CriteriaError([Issue(
                "(file)", "too_large", _("the file is larger than 2 MB"))]).issues)
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        try:
            self.document = read_criteria_bytes(upload.read(), upload.name, rows=self.rows)
            self.edition = parse_edition(self.document)
        except CriteriaError as exc:
            self.issues = self.locate(exc.issues)
            raise forms.ValidationError(
                _("The file has %(count)s problem(s); nothing was loaded.")
                % {"count": len(exc.issues)}) from exc
        return upload

    def locate(self, issues):
        """The issues with their place in words: sheet and row of a workbook, references of
        a YAML file (``gecc.criteria.interfaces.locations``)."""
        return describe_issues(issues, getattr(self, "document", None),
                               getattr(self, "rows", None))
