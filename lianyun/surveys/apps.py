from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "lianyun.surveys"
    label = "surveys"
