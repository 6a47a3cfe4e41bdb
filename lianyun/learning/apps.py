from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "lianyun.learning"
    label = "learning"
