from django import forms
from django.utils.translation import gettext_lazy as _


class CodeInput(forms.TextInput):
    """A one-time code is never filled in again: after a refused sign-in it is stale."""

    def format_value(self, value: object) -> None:
        return None


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    otp_code = forms.CharField(
        label=_("Authenticator code"),
        required=False,
        max_length=8,
        help_text=_("Officials: the 6-digit code from your authenticator app."),
        widget=CodeInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
