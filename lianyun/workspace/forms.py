from django import forms
from django.utils.translation import gettext_lazy as _

from lianyun.core.idnumbers import validate_id_number


class ResidentLookupForm(forms.Form):
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    purpose = forms.CharField(
        label=_("Purpose of the lookup"),
        max_length=200,
        help_text=_("Recorded in the audit log with your name."),
    )

    def clean_id_number(self) -> str:
        return validate_id_number(self.cleaned_data["id_number"])
