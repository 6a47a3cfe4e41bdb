from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "lianyun.disclosure"
    label = "disclosure"

    def ready(self) -> None:
        from lianyun.disclosure.queries import differing_from_record
        from lianyun.publications.live import register

        register("disclosures", differing_from_record)
