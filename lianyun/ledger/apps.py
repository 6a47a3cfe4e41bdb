from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "lianyun.ledger"
    label = "ledger"
