"""Reads over the catalogue: finding an item by any of its names, searching."""

from django.db.models import Q, QuerySet

from lianyun.policies.models import SubsidyItem


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
    text = text.strip()
    if not text:
        return items
    return items.filter(
        Q(name__icontains=text)
        | Q(aliases__icontains=text)
        | Q(eligibility__icontains=text)
        | Q(category__name__icontains=text)
        | Q(department__name__icontains=text)
    )
