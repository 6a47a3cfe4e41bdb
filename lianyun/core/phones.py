"""Phone numbers through the phonenumbers library: mainland mobiles and 0827 landlines."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def normalise_phone(value: str) -> str:
    """Return the national significant number of a valid Chinese phone number."""
    try:
        parsed = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("This is not a phone number."), code="invalid") from None
    if parsed.country_code != 86 or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("This is not a valid mainland China phone number."), code="invalid")
    return phonenumbers.national_significant_number(parsed)


def is_mobile(number: str) -> bool:
    parsed = phonenumbers.parse(number, "CN")
    return phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE
