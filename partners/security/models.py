"""Security records: the access audit (append-only) and the register of signed-in sessions.

Imported by partners/models.py, so both are models of the partners app.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from partners.security.appendonly import AppendOnlyManager, AppendOnlyModel
from partners.tenancy import TenantModel


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    DOWNLOAD = "download", "Downloaded"
    EXPORT = "export", "Exported"
    PDF = "pdf", "Produced a PDF"


class AccessChannel(models.TextChoices):
    PAGE = "page", "Web page"
    API = "api", "API"


class AccessEvent(AppendOnlyModel, TenantModel):
    """Someone viewed, downloaded or exported something sensitive: a child's record, a consent,
    a sharing decision, a breach, a document, an export or a PDF.

    Who (the membership, so their organisation and role at the time), what (a kind and the
    object's public id, and the child it is about when there is one), when (created_at) and from
    where (address, browser, page or API). Never a name or anything else about the child: the
    IG officer follows the id to the record. Append-only, like the sharing log.
    """

    membership = models.ForeignKey(
        "partners.Membership", on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=10, choices=AccessAction.choices)
    object_type = models.CharField(
        max_length=60,
        validators=[RegexValidator(r"^[a-z][a-z0-9_.]*$", "Lower-case letters, digits, _ and .")],
        help_text="What was accessed, such as child, consent or organisation.security_summary.",
    )
    object_id = models.UUIDField(null=True, blank=True)
    subject_id = models.UUIDField(
        null=True,
        blank=True,
        help_text="The public id of the child (data subject) the object is about, if any.",
    )
    # The URL name of the page or endpoint, never its path or query string, which could carry
    # what someone searched for.
    route = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=4, choices=AccessChannel.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    objects = AppendOnlyManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "-created_at", "-id"], name="access_event_recent"),
            models.Index(
                fields=["tenant", "subject_id", "-created_at"], name="access_event_subject"
            ),
            models.Index(fields=["tenant", "object_id", "-created_at"], name="access_event_object"),
            models.Index(
                fields=["tenant", "membership", "-created_at"], name="access_event_membership"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type} {self.object_id or ''}".strip()


class SignedInSession(models.Model):
    """One browser session of a signed-in user, so that their sessions can be listed and ended
    everywhere at once. Not tenant data: a user signs in before choosing a partnership.

    `key` is a random value kept in the session itself (not the session's cookie key, which
    Django rotates at sign-in and when the partnership changes).
    """

    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        "partners.User", on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]
        indexes = [
            models.Index(
                fields=["user", "last_seen_at"],
                condition=models.Q(ended_at__isnull=True),
                name="signed_in_session_open",
            ),
            models.Index(fields=["last_seen_at"], name="signed_in_session_seen"),
        ]

    def __str__(self) -> str:
        return f"Session of {self.user_id} from {self.started_at:%Y-%m-%d %H:%M}"
