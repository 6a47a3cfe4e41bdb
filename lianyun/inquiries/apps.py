from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "lianyun.inquiries"
    label = "inquiries"

    def ready(self) -> None:
        from lianyun.inquiries.queries import differing_from_record
        from lianyun.publications.live import register

        register("answers and meeting results", differing_from_record)
