from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lianyun.accounts"
    label = "accounts"
