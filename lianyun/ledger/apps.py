from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "lianyun.ledger"
    label = "ledger"

    def ready(self) -> None:
        from lianyun.ledger.queries import boards_differing_from_record
        from lianyun.publications.live import register

        register("boards", boards_differing_from_record)
