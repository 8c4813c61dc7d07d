from django.apps import AppConfig


class ConsentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consent"
    verbose_name = "Children and consent"

    def ready(self) -> None:
        from consent.reminders import SOURCES
        from notifications.reminders import register_reminder_source

        for name, function in SOURCES.items():
            register_reminder_source(name, function)
