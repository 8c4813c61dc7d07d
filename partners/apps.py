from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PartnersConfig(AppConfig):
    default = True
    default_auto_field = "django.db.models.BigAutoField"
    name = "partners"
    verbose_name = "Partners"

    def ready(self) -> None:
        # Signing in and out keep the register of signed-in sessions (partners/security); the
        # training and ICO registration reminders join the reminder sweep (partners/reminders.py).
        from partners import reminders
        from partners.security import signals  # noqa: F401

        reminders.register()


class PlatformAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "partners.admin_site.PlatformAdminSite"
