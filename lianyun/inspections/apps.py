from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "lianyun.inspections"
    label = "inspections"
