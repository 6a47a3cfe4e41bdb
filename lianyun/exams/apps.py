from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "lianyun.exams"
    label = "exams"
