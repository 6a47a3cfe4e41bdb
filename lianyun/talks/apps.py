from django.apps import AppConfig


class TalksConfig(AppConfig):
    name = "lianyun.talks"
    label = "talks"
