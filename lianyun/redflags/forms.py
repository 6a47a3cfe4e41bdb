import datetime

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


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE, required=False)
    end = forms.DateField(label=_("To"), widget=DATE, required=False)

    def period(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        data = self.cleaned_data if self.is_valid() else {}
        start = data.get("start") or today.replace(month=1, day=1)
        end = data.get("end") or today
        return (start, end) if start <= end else (end, start)
