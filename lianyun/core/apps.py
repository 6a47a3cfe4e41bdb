from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lianyun.core"
    label = "core"
    verbose_name = "lianyun core"
