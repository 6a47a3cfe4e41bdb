"""Reads over the catalogue: finding an item by any of its names, searching."""

from django.db.models import Q, QuerySet

from lianyun.policies.models import PolicyCategory, SubsidyItem, SubsidyItemVersion


def find_item(name: str) -> SubsidyItem | None:
    """The item with this exact name, else the one that lists it as an alias."""
    name = name.strip()
    if not name:
        return None
    exact = SubsidyItem.objects.filter(name=name).first()
    if exact is not None:
        return exact
    for item in SubsidyItem.objects.filter(aliases__contains=name):
        if name in item.alias_list:
            return item
    return None


def search_items(text: str) -> QuerySet[SubsidyItem]:
    items = SubsidyItem.objects.select_related("category", "department")
    """Items matching every word typed (a space or a comma between words), each word found in
    the name, an alias, the conditions, the category or the department."""
    for word in text.replace("，", " ").replace(",", " ").split():
        items = items.filter(
            Q(name__icontains=word)
            | Q(aliases__icontains=word)
            | Q(eligibility__icontains=word)
            | Q(category__name__icontains=word)
            | Q(department__name__icontains=word)
        )
    return items


def categories() -> QuerySet[PolicyCategory]:
    return PolicyCategory.objects.all()


def category_by_code(code: str) -> PolicyCategory | None:
    return PolicyCategory.objects.filter(code=code).first() if code else None


def items_listed(text: str, category: PolicyCategory | None) -> QuerySet[SubsidyItem]:
    """The catalogue's items matching the words typed, of one category if chosen."""
    items = search_items(text)
    return items.filter(category=category) if category is not None else items


def item_by_code(code: str) -> SubsidyItem | None:
    return SubsidyItem.objects.select_related("category", "department").filter(code=code).first()


def item_versions(item: SubsidyItem) -> QuerySet[SubsidyItemVersion]:
    return item.versions.all()
