"""A real SMTP server on a free loopback port (aiosmtpd), and the Airflow connection that points at it.

Why a real server: the notifier, the SMTP hook and the connection are what production uses; a mock
of ``smtplib`` would pass with any of them misconfigured.
"""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    port: int = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's handler hook
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted"

    def subjects(self) -> list[str]:
        return [str(message["Subject"]) for message in self.messages]

    def body(self, index: int) -> str:
        part = self.messages[index].get_body(("html", "plain"))
        return part.get_content() if part is not None else ""

    def connection(self, from_email: str = "puente@puente.local") -> dict:
        """``AIRFLOW_CONN_*`` JSON of an SMTP connection to this server (no TLS on loopback, no retries)."""
        return {"conn_type": "smtp", "host": "127.0.0.1", "port": self.port,
                "extra": {"disable_ssl": True, "disable_tls": True, "from_email": from_email,
                          "retry_limit": 0, "timeout": 5}}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_inbox() -> tuple[Inbox, Controller]:
    inbox = Inbox(port=free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    return inbox, controller
