from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "lianyun.learning"
    label = "learning"

    def ready(self) -> None:
        from lianyun.learning.queries import articles_differing_from_record
        from lianyun.publications.live import register

        register("articles", articles_differing_from_record)
