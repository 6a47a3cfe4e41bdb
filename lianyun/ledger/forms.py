import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianyun.ledger.importer import HEADERS, REQUIRED, missing_fields
from lianyun.ledger.models import PayoutUpload


def _years() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    return [(year, year) for year in range(this_year, this_year - 6, -1)]


class LookupForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=32)
    id_number = forms.CharField(
        label=_("ID number"), max_length=24, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    card_number = forms.CharField(
        label=_("Social-security card number"),
        max_length=12,
        required=False,
        help_text=_(
            "The 9 characters printed on your social-security card. No card at hand? "
            "Ask for a code by text to the phone on file instead."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_years)

    def __init__(self, *args: object, by_code: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.by_code = by_code

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not self.by_code and not data.get("card_number"):
            self.add_error(
                "card_number",
                _("Enter the card number, or ask for a code by text."),
            )
        return data

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > datetime.date.today().year:  # noqa: DTZ011 - a calendar year
            raise forms.ValidationError(_("Choose a past or the current year."))
        return int(year)


class PayoutUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Payout file"),
        help_text=_("CSV (UTF-8, GBK or GB18030) or XLSX exported from the one-card platform."),
    )
    accept_valid = forms.BooleanField(
        label=_("Write the good rows and keep the bad ones aside"),
        required=False,
        help_text=_("Without this, a file with any bad row writes nothing."),
    )
    notify = forms.BooleanField(label=_("Text each recipient a payment notice"), required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        limit = PayoutUpload.max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB; split it."),
                params={"mb": limit // (1024 * 1024)},
            )
        return upload


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the text message"),
        regex=r"^\s*\d{6}\s*$",
        max_length=8,
        error_messages={"invalid": _("The code has 6 digits.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_years)


# The fields a department names its columns for, in the order the page asks: what every payout
# needs, where it was paid, then what the ledger keeps when the file has it.
MAPPED = (
    "id_number",
    "name",
    "item",
    "period",
    "amount",
    "village_code",
    "town",
    "village",
    "paid_on",
    "bank_account",
    "card_number",
    "serial",
    "status",
    "failure_reason",
    "category",
    "approved_amount",
    "approved_on",
    "department",
)


def column_letter(position: int) -> str:
    """A column as a spreadsheet names it: A … Z, AA …"""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class ColumnMappingForm(forms.Form):
    """The file's columns beside the fields the ledger needs, each with our guess filled in."""

    mapping_name = forms.CharField(
        label=_("Name of this layout"),
        max_length=60,
        help_text=_(
            "Used again for this department's next files; the API and the command "
            "line take it as the mapping's name."
        ),
    )

    def __init__(
        self, header: list[str], guesses: dict[str, int], *args: object, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.header = header
        untitled = _("(no header)")
        choices = [("", _("— not in this file —"))] + [
            (str(at), f"{column_letter(at)} · {text or untitled}") for at, text in enumerate(header)
        ]
        for name in MAPPED:
            self.fields[name] = forms.ChoiceField(
                label=HEADERS[name][0],
                choices=choices,
                required=name in REQUIRED,
                initial=str(guesses[name]) if name in guesses else "",
            )

    @property
    def lettered(self) -> list[tuple[str, str]]:
        """The file's header cells, each with its column's letter."""
        return [(column_letter(at), text) for at, text in enumerate(self.header)]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        chosen = {name: int(data[name]) for name in MAPPED if data.get(name)}
        if "village_code" in missing_fields(chosen):
            self.add_error(
                "village_code", _("Name the village code column, or both the town and village.")
            )
        seen: dict[int, str] = {}
        for name, at in chosen.items():
            if at in seen:
                self.add_error(
                    name,
                    _("This column is already named as %(other)s.")
                    % {"other": HEADERS[seen[at]][0]},
                )
            seen[at] = name
            if at >= len(self.header) or not self.header[at].strip():
                self.add_error(name, _("This column has no header: give it one in the file."))
        data["columns"] = {
            name: self.header[at] for name, at in chosen.items() if at < len(self.header)
        }
        return data
