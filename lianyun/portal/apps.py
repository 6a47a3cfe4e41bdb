from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "lianyun.portal"
    label = "portal"
