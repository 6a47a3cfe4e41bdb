"""The one masking module: every page, export and API masks personal data through here.

Rules (docs/security.md §design rules, docs/domain.md §2.5):
- name: 2 characters → 张*; 3 → 张*三; 4 or more → first character, **, then from the
  fourth character on (欧阳娜娜 → 欧**娜). A single character becomes *.
- ID number: first and last character, 16 stars between.
- social-security card number: first 3, five stars, last 1.
- bank account: four stars and the last 4.
- mobile phone: first 3, four stars, last 4.
Each function is idempotent: masking a masked value gives it back unchanged.
"""

MASK = "*"


def mask_name(name: str) -> str:
    name = name.strip()
    length = len(name)
    if length <= 1:
        return MASK * length
    if length == 2:
        return name[0] + MASK
    if length == 3:
        return name[0] + MASK + name[2]
    return name[0] + MASK * 2 + name[3:]


def mask_id_number(number: str) -> str:
    if len(number) < 2:
        return MASK * len(number)
    return number[0] + MASK * 16 + number[-1]


def mask_card_number(number: str) -> str:
    if len(number) < 4:
        return MASK * len(number)
    return number[:3] + MASK * 5 + number[-1]


def mask_bank_account(number: str) -> str:
    if len(number) < 4:
        return MASK * len(number)
    return MASK * 4 + number[-4:]


def mask_phone(number: str) -> str:
    if len(number) < 7:
        return MASK * len(number)
    return number[:3] + MASK * 4 + number[-4:]
