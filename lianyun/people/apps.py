from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "lianyun.people"
    label = "people"
