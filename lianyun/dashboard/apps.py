from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "lianyun.dashboard"
    label = "dashboard"
