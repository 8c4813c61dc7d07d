from django.apps import AppConfig


class SharingLogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sharing_log"
