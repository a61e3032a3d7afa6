"""E-mail delivery of editions to the recipients in config/briefings.toml.

Every send is a row in briefing_deliveries before it is tried, so none is lost silently: a
failed send is retried (three quick tries now, then again every retry_minutes by the scheduler)
and, after max_send_attempts, marked failed and shown on the sources page.
"""

from __future__ import annotations

import logging
import os
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from base.i18n import _, language
from base.problems import Problem
from briefings.archive import MEDIA_TYPES, read_file
from briefings.settings import BriefingSettings, Smtp
from metrics import editions
from metrics.settings import Config
from metrics.store import Store

log = logging.getLogger("ioc.briefings")
PASSWORD_ENV = "IOC_SMTP_PASSWORD"


class _NotConfigured(Exception):
    """No mail server in briefings.toml: the e-mail waits, recorded, until one is configured."""


def queue_for(store: Store, settings: BriefingSettings, edition_id: int, scope: str, lang: str) -> int:
    """Queue the edition for every recipient of its scope and language; how many were queued."""
    wanted = scope or "ministry"
    recipients = [r.email for r in settings.recipients if r.scope == wanted and r.lang == lang]
    for email in recipients:
        editions.queue_delivery(store, edition_id, email)
    return len(recipients)


def send_pending(store: Store, config: Config, settings: BriefingSettings) -> dict[str, int]:
    """Try every pending delivery once (with quick retries inside); counts by outcome."""
    outcome = {"sent": 0, "pending": 0, "failed": 0}
    for delivery in editions.deliveries(store, ("pending",)):
        edition = editions.edition(store, delivery["edition_id"])
        try:
            if not settings.smtp.host:
                raise _NotConfigured()
            if edition is None:
                raise LookupError(f"edition {delivery['edition_id']} is not in the store")
            message = compose(config, edition, settings.smtp.sender, delivery["recipient"])
            _send(settings.smtp, message)
        except Exception as error:  # noqa: BLE001  recorded and retried, never dropped
            give_up = delivery["attempts"] + 1 >= settings.schedule.max_send_attempts
            reason = (
                Problem.of("delivery.no_smtp")
                if isinstance(error, _NotConfigured)
                else Problem.of("delivery.failed", error_type=type(error).__name__, detail=str(error))
            )
            editions.delivery_attempted(store, delivery["id"], False, reason.stored(), give_up)
            outcome["failed" if give_up else "pending"] += 1
            log.warning("briefing %s to %s not sent: %s", delivery["edition_id"], delivery["recipient"], reason)
            continue
        editions.delivery_attempted(store, delivery["id"], True, None, False)
        outcome["sent"] += 1
    return outcome


def compose(config: Config, edition: dict, sender: str, recipient: str) -> EmailMessage:
    """The e-mail of an edition, in the edition's language, its three files attached."""
    with language(edition["lang"]):
        scope = edition["scope"]
        scope_name = config.catalogue.units[scope].name() if scope else _("Ministry of Health")
        message = EmailMessage()
        message["Subject"] = _("Weekly operations briefing {week} — {scope}").format(
            week=edition["week"], scope=scope_name
        )
        message["From"], message["To"] = sender, recipient
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
        body = _(
            "Dear colleagues,\n\nAttached is the operations briefing of week {week} ({scope}): the PDF to read, the "
            "DOCX to complete and sign, and the XLSX appendix of its figures.\nData version {version}; SHA-256 of the "
            "PDF: {sha256}.\n\nIntelligent Operations Centre — Ministry of Health\n"
        )
        message.set_content(
            body.format(
                week=edition["week"],
                scope=scope_name,
                version=edition["data_version"],
                sha256=edition["files"]["pdf"]["sha256"],
            )
        )
    for fmt, media_type in MEDIA_TYPES.items():
        main, sub = media_type.split("/", 1)
        message.add_attachment(
            read_file(config, edition, fmt),
            maintype=main,
            subtype=sub,
            filename=f"ban-tin-{edition['week']}-{scope or 'BO'}-{edition['lang']}.{fmt}",
        )
    return message


@retry(
    retry=retry_if_exception_type(
        (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, smtplib.SMTPResponseException)
    ),
    stop=stop_after_attempt(3),
    wait=wait_exponential(multiplier=0.5, max=4),
    reraise=True,
)
def _send(smtp: Smtp, message: EmailMessage) -> None:
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as client:
        if smtp.starttls:
            client.starttls()
        if smtp.username:
            client.login(smtp.username, os.environ.get(PASSWORD_ENV, ""))
        client.send_message(message)
