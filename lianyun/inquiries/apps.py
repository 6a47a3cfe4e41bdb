from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "lianyun.inquiries"
    label = "inquiries"
