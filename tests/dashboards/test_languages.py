"""The language switch: it sets the reader's cookie and sends them back to the page they were
on, filters kept, and never to another site whatever the Referer claims."""

from __future__ import annotations

import pytest
from flask import Flask

from dashboards import languages


@pytest.fixture
def client():
    server = Flask(__name__)
    languages.register(server)
    return server.test_client()


def switch(client, referer: str | None, lang: str = "en"):
    return client.get(f"/ngon-ngu/{lang}", headers={"Referer": referer} if referer is not None else {})


def test_the_switch_sets_the_cookie_and_returns_to_the_page_with_its_filters(client):
    answer = switch(client, "http://ioc.local/don-vi?unit=QLD&week=2026-W47")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/don-vi?unit=QLD&week=2026-W47"
    assert "ioc_lang=en" in answer.headers["Set-Cookie"]


def test_a_lang_in_the_page_address_is_dropped_so_the_new_choice_holds(client):
    answer = switch(client, "http://ioc.local/hieu-qua?lang=en&unit=KCB", lang="vi")
    assert answer.headers["Location"] == "/hieu-qua?unit=KCB"
    assert "ioc_lang=vi" in answer.headers["Set-Cookie"]


@pytest.mark.parametrize(
    "referer",
    [
        "http://ioc.local//evil.example/phish",
        "http://ioc.local/\\evil.example/phish",
        "javascript:alert(1)",
        "",
        None,
    ],
)
def test_a_forged_or_missing_referer_sends_the_reader_home_not_to_another_site(client, referer):
    answer = switch(client, referer)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"


def test_an_unknown_language_sets_no_cookie(client):
    answer = switch(client, "http://ioc.local/hieu-qua", lang="fr")
    assert answer.headers["Location"] == "/hieu-qua"
    assert "Set-Cookie" not in answer.headers
