"""A mail server that can be down: while `down`, every send fails as smtplib fails."""

import smtplib
import threading
import time

from django.core.mail.backends.base import BaseEmailBackend


class FlakyBackend(BaseEmailBackend):
    down = False
    # Seconds each send takes, so that two deliverers overlap.
    delay = 0.0
    sent: list = []
    _lock = threading.Lock()

    @classmethod
    def reset(cls) -> None:
        cls.down = False
        cls.delay = 0.0
        cls.sent = []

    def send_messages(self, email_messages) -> int:
        if self.delay:
            time.sleep(self.delay)
        if FlakyBackend.down:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        with self._lock:
            FlakyBackend.sent.extend(email_messages)
        return len(email_messages)
