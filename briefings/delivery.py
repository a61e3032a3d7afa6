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

from briefings.archive import MEDIA_TYPES, read_file
from briefings.settings import BriefingSettings, Smtp
from briefings.text import t
from metrics import editions
from metrics.settings import Config
from metrics.store import Store

log = logging.getLogger("ioc.briefings")
PASSWORD_ENV = "IOC_SMTP_PASSWORD"


class NotConfigured(Exception):
    pass


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
                raise NotConfigured("chưa cấu hình máy chủ thư (smtp.host trong briefings.toml)")
            message = compose(config, edition, settings.smtp.sender, delivery["recipient"])
            _send(settings.smtp, message)
        except Exception as error:  # noqa: BLE001  recorded and retried, never dropped
            give_up = delivery["attempts"] + 1 >= settings.schedule.max_send_attempts
            reason = (
                str(error)
                if isinstance(error, NotConfigured)
                else f"gửi thư không thành công: {type(error).__name__}: {error}"
            )
            editions.delivery_attempted(store, delivery["id"], False, reason[:1000], give_up)
            outcome["failed" if give_up else "pending"] += 1
            log.warning("briefing %s to %s not sent: %s", edition["id"], delivery["recipient"], reason)
            continue
        editions.delivery_attempted(store, delivery["id"], True, None, False)
        outcome["sent"] += 1
    return outcome


def compose(config: Config, edition: dict, sender: str, recipient: str) -> EmailMessage:
    lang = edition["lang"]
    scope = edition["scope"]
    scope_name = config.catalogue.units[scope].name(lang) if scope else t("ministry_scope", lang)
    message = EmailMessage()
    message["Subject"] = f"{t('title', lang).capitalize()} {edition['week']} — {scope_name}"
    message["From"], message["To"] = sender, recipient
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    body = (
        f"Kính gửi,\n\nBản tin điều hành tuần {edition['week']} ({scope_name}) đính kèm: PDF để đọc, DOCX để "
        f"hoàn thiện và ký, XLSX là phụ lục số liệu.\nPhiên bản dữ liệu {edition['data_version']}; mã SHA-256 của bản PDF: "
        f"{edition['files']['pdf']['sha256']}.\n\nTrung tâm điều hành thông minh — Bộ Y tế\n"
        if lang == "vi"
        else f"Attached: the operations briefing of week {edition['week']} ({scope_name}) as PDF, DOCX (to complete and "
        f"sign) and its XLSX appendix.\nData version {edition['data_version']}; PDF SHA-256 "
        f"{edition['files']['pdf']['sha256']}.\n\nIntelligent Operations Centre — Ministry of Health\n"
    )
    message.set_content(body)
    for fmt, media_type in MEDIA_TYPES.items():
        main, sub = media_type.split("/", 1)
        message.add_attachment(
            read_file(config, edition, fmt),
            maintype=main,
            subtype=sub,
            filename=f"ban-tin-{edition['week']}-{scope or 'BO'}-{lang}.{fmt}",
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
