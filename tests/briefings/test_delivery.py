"""E-mail delivery against a real SMTP server on loopback (aiosmtpd): the three files
arrive; a failed send is retried, reported, and given up only after the configured attempts."""

from __future__ import annotations

import dataclasses
import email
import email.policy

import pytest
from aiosmtpd.controller import Controller

from base.problems import word
from briefings.archive import build_edition
from briefings.delivery import queue_for, send_pending
from briefings.settings import BriefingSettings, Recipient, Schedule, Smtp
from metrics import editions
from tests.briefings.conftest import BUILT_AT, last_week
from tests.conftest import free_port


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.envelopes.append(list(envelope.rcpt_tos))
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def settings_for(port: int, attempts: int = 12) -> BriefingSettings:
    return BriefingSettings(
        schedule=Schedule(languages=["vi"], max_send_attempts=attempts),
        smtp=Smtp(host="127.0.0.1", port=port, sender="ioc@moh.gov.vn", timeout_seconds=5),
        recipients=[
            Recipient(email="vanphong@moh.gov.vn", scope="ministry"),
            Recipient(email="truongphong.kcb@moh.gov.vn", scope="KCB"),
            Recipient(email="english@moh.gov.vn", scope="ministry", lang="en"),
        ],
    )


def test_an_edition_is_mailed_with_its_three_files_to_the_recipients_of_its_scope(filled, tmp_path, smtp_server):
    controller, inbox = smtp_server
    config, store = filled
    config = dataclasses.replace(config, data_dir=tmp_path / "data")
    settings = settings_for(controller.port)
    edition = build_edition(store, config, last_week(), "", "vi", settings=settings, built_at=BUILT_AT)
    assert queue_for(store, settings, edition.id, "", "vi") == 1  # not KCB's head, not the English reader
    assert send_pending(store, config, settings)["sent"] == 1
    assert inbox.envelopes == [["vanphong@moh.gov.vn"]]
    message = inbox.messages[0]
    assert message["Subject"] == f"Bản tin điều hành tuần {edition.briefing.week_label} — Toàn Bộ Y tế"
    attachments = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    label = edition.briefing.week_label
    assert set(attachments) == {f"ban-tin-{label}-BO-vi.{fmt}" for fmt in ("pdf", "docx", "xlsx")}
    stored = (tmp_path / "data" / "briefings" / edition.files["pdf"]["path"]).read_bytes()
    assert attachments[f"ban-tin-{label}-BO-vi.pdf"] == stored
    delivery = next(d for d in editions.deliveries(store) if d["edition_id"] == edition.id)
    assert delivery["status"] == "sent" and delivery["attempts"] == 1 and delivery["sent_at"]


def test_a_failed_send_stays_pending_with_its_error_and_goes_when_the_server_answers(filled, tmp_path):
    config, store = filled
    config = dataclasses.replace(config, data_dir=tmp_path / "data")
    port = free_port()  # nothing listens here yet
    settings = settings_for(port, attempts=3)
    edition = build_edition(store, config, last_week(), "KCB", "vi", settings=settings, built_at=BUILT_AT)
    queue_for(store, settings, edition.id, "KCB", "vi")
    assert send_pending(store, config, settings)["pending"] == 1
    mine = [d for d in editions.deliveries(store) if d["edition_id"] == edition.id]
    assert mine[0]["status"] == "pending" and mine[0]["attempts"] == 1
    said = word(mine[0]["last_error"])
    assert "gửi thư không thành công" in said and "ConnectionRefused" in said
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert send_pending(store, config, settings)["sent"] == 1
    finally:
        controller.stop()
    assert inbox.envelopes == [["truongphong.kcb@moh.gov.vn"]]


def test_a_send_that_keeps_failing_is_given_up_after_its_attempts_and_says_why(filled, tmp_path):
    config, store = filled
    config = dataclasses.replace(config, data_dir=tmp_path / "data")
    settings = settings_for(free_port(), attempts=2)
    edition = build_edition(store, config, last_week(), "", "vi", settings=settings, built_at=BUILT_AT)
    queue_for(store, settings, edition.id, "", "vi")
    send_pending(store, config, settings)
    send_pending(store, config, settings)
    mine = next(d for d in editions.deliveries(store) if d["edition_id"] == edition.id)
    assert mine["status"] == "failed" and mine["attempts"] == 2
    unconfigured = settings.model_copy(update={"smtp": Smtp(host="")})
    other = build_edition(store, config, last_week(), "", "vi", settings=settings, built_at=BUILT_AT + 1)
    queue_for(store, unconfigured, other.id, "", "vi")
    send_pending(store, config, unconfigured)
    waiting = next(d for d in editions.deliveries(store) if d["edition_id"] == other.id)
    assert waiting["status"] == "pending" and "chưa cấu hình máy chủ thư" in word(waiting["last_error"])
