from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "lianyun.policies"
    label = "policies"
