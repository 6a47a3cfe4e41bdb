from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "lianyun.workspace"
    label = "workspace"
