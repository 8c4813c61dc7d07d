from django.apps import AppConfig


class BreachesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "breaches"
    verbose_name = "Breaches"

    def ready(self) -> None:
        # Milestones, the 72-hour assessment and indemnity responses join the reminder sweep.
        from breaches import reminders

        reminders.register()
