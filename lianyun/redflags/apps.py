from django.apps import AppConfig


class RedflagsConfig(AppConfig):
    name = "lianyun.redflags"
    label = "redflags"
