from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PartnersConfig(AppConfig):
    default = True
    default_auto_field = "django.db.models.BigAutoField"
    name = "partners"
    verbose_name = "Partners"


class PlatformAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "partners.admin_site.PlatformAdminSite"
