import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE, required=False)
    end = forms.DateField(label=_("To"), widget=DATE, required=False)

    def period(self, today: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The chosen period; by default this year to today. Reversed dates are swapped."""
        data = self.cleaned_data if self.is_valid() else {}
        start = data.get("start") or today.replace(month=1, day=1)
        end = data.get("end") or today
        return (start, end) if start <= end else (end, start)
