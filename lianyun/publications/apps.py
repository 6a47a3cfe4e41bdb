from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "lianyun.publications"
    label = "publications"
