from django import forms
from django.utils.translation import gettext_lazy as _

from gecc.criteria.domain.parse import CriteriaError, Issue, parse_edition

from .excel import read_workbook
from .locations import describe_issues
from .yaml_io import read_yaml_text

MAX_SIZE = 2 * 1024 * 1024


class CriteriaUploadForm(forms.Form):
    file = forms.FileField(label=_("Criteria file"),
                           help_text=_("A YAML (.yaml, .yml) or Excel (.xlsx) file, at most 2 MB."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".yaml", ".yml", ".xlsx")):
            raise forms.ValidationError(_("Upload a .yaml, .yml or .xlsx file."))
        if upload.size > MAX_SIZE:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        self.issues, self.document, self.rows = [], None, {}
        try:
            if name.endswith(".xlsx"):
                document = read_workbook(upload, rows=self.rows)
            else:
                try:
                    text = upload.read().decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise CriteriaError([Issue("(document)", "encoding",
                                               _("the file is not UTF-8 text"))]) from exc
                document = read_yaml_text(text)
            self.document = document
            self.edition = parse_edition(document)
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
