from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "agreements"

    def ready(self) -> None:
        # Reviews and consultations join the reminder sweep (agreements/reminders.py).
        from agreements import reminders

        reminders.register()
