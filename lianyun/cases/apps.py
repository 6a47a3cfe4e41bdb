from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lianyun.cases"
    label = "cases"
