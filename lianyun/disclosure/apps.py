from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "lianyun.disclosure"
    label = "disclosure"
