from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lianyun.core"
    label = "core"
    verbose_name = "lianyun core"

    def ready(self) -> None:
        from lianyun.core import checks  # noqa: F401 - registers the project's deploy checks
