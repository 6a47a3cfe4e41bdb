from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "lianyun.demo"
    label = "demo"
