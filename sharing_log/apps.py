from django.apps import AppConfig


class SharingLogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sharing_log"
    verbose_name = "Sharing decision log"

    def ready(self) -> None:
        from consent.access import register_involvement_source
        from sharing_log import access, reminders

        # A partner organisation a standing share about a child went to is involved with the
        # child, so its people can read the child's record (consent/access.py).
        register_involvement_source("sharing_log", access.involved_organisation_ids)
        # Inaccuracy notices not acknowledged within 5 working days are chased.
        reminders.register()
