from django import forms
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is dismissed"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AskForm(forms.Form):
    question = forms.CharField(
        label=_("What the village should explain"), widget=forms.Textarea(attrs={"rows": 2})
    )
    due = forms.DateField(label=_("Explain by"), widget=DATE)


class ExplainForm(forms.Form):
    explanation = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 4}))
