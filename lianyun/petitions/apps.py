from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "lianyun.petitions"
    label = "petitions"
