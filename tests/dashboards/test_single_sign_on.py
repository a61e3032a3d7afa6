"""Single sign-on against a real OpenID Connect provider on loopback (tests/dashboards/oidc_provider.py):
discovery, JWKS, a signed ID token; state, nonce, audience and signature checked; the
provider's groups give the role."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from dashboards.webapp import create_app
from metrics import audit
from tests.conftest import demo_source, served_in_thread, with_sources
from tests.dashboards.conftest import READER, wait_until
from tests.dashboards.oidc_provider import Provider

GROUPS = {"ioc-lanh-dao": "leadership", "ioc-kcb": "department_head:KCB", "ioc-quan-tri": "admin"}


@pytest.fixture
def provider():
    running = Provider()
    yield running
    running.close()


@pytest.fixture
def sso_app(default_config, sqlite_store, provider, monkeypatch, tmp_path):
    """The app on loopback, with the provider as the ministry's identity provider."""
    monkeypatch.setenv("IOC_OIDC_CLIENT_SECRET", provider.client_secret)
    settings = default_config.settings
    sso = settings.sign_in.sso.model_copy(update={"issuer": provider.issuer, "client_id": "ioc", "groups": GROUPS})
    sign_in = settings.sign_in.model_copy(update={"sso": sso})
    config = dataclasses.replace(
        with_sources(default_config, demo_source(default_config, "KCB"), data_dir=tmp_path),
        settings=settings.model_copy(update={"sign_in": sign_in}),
    )
    with served_in_thread(create_app(config, sqlite_store).server) as base:
        yield base, sqlite_store


def single_sign_on(base: str, next_page: str = "/") -> tuple[httpx.Response, httpx.Client]:
    """A browser's way through: to the provider and back, following every redirect."""
    client = httpx.Client(follow_redirects=True, timeout=30)
    answer = client.get(f"{base}/dang-nhap/sso", params={"next": next_page})
    return answer, client


def test_a_person_in_a_mapped_group_signs_in_with_that_role(sso_app, provider):
    base, store = sso_app
    provider.person["groups"] = ["ioc-nhan-vien", "ioc-lanh-dao"]
    answer, client = single_sign_on(base, "/de-an-06?unit=KCB")
    assert answer.status_code == 200 and str(answer.url) == f"{base}/de-an-06?unit=KCB"
    assert [r.status_code for r in answer.history] == [302, 302, 303]  # to the provider, back, to the page
    assert answer.history[0].headers["Location"].startswith(f"{provider.issuer}/authorize?")
    assert "nonce=" in answer.history[0].headers["Location"] and "state=" in answer.history[0].headers["Location"]
    layout = client.get(f"{base}/_dash-layout")
    assert layout.status_code == 200 and "Nguyễn Văn A" in layout.text
    entry = audit.entries(store, limit=1)[0]
    assert (entry["action"], entry["actor"], entry["outcome"]) == ("sign_in", "nguyen.van.a (leadership, sso)", "done")


def test_a_units_group_makes_its_head_and_the_most_able_group_wins(sso_app, provider):
    base, store = sso_app
    provider.person["groups"] = ["ioc-kcb"]
    _answer, client = single_sign_on(base)
    assert audit.entries(store, limit=1)[0]["actor"] == "nguyen.van.a (department_head KCB, sso)"
    provider.person["groups"] = ["ioc-kcb", "ioc-quan-tri"]
    _answer, client = single_sign_on(base)
    assert audit.entries(store, limit=1)[0]["actor"] == "nguyen.van.a (admin, sso)"
    assert "store" in client.get(f"{base}/healthz").json()  # an admin reads the detail


@pytest.mark.parametrize("trouble", ["other key", "wrong nonce", "other audience", "no mapped group"])
def test_a_token_that_does_not_hold_up_signs_nobody_in(sso_app, provider, trouble):
    base, store = sso_app
    provider.person["groups"] = ["ioc-lanh-dao"] if trouble != "no mapped group" else ["ioc-nhan-vien"]
    provider.sign_with_other_key = trouble == "other key"
    provider.wrong_nonce = trouble == "wrong nonce"
    provider.audience = "another-app" if trouble == "other audience" else "ioc"
    answer, client = single_sign_on(base)
    assert answer.status_code == 401 and "Đăng nhập một lần không thành công" in answer.text
    assert client.get(f"{base}/_dash-layout").status_code == 401
    entry = audit.entries(store, limit=1)[0]
    assert (entry["action"], entry["outcome"]) == ("sign_in", "refused"), entry
    reason = {
        "other key": "BadSignatureError",
        "wrong nonce": "Invalid claim: 'nonce'",
        "other audience": "claim",  # not for this client: Authlib then asks for the azp it lacks
        "no mapped group": "no role for nguyen.van.a",
    }[trouble]
    assert reason in entry["detail"], entry["detail"]


def test_a_forged_or_replayed_return_is_refused(sso_app, provider):
    base, store = sso_app
    provider.person["groups"] = ["ioc-lanh-dao"]
    client = httpx.Client(timeout=30)
    to_provider = client.get(f"{base}/dang-nhap/sso")
    back = httpx.get(to_provider.headers["Location"])  # the provider's answer, code and state
    forged_state = back.headers["Location"].replace("state=", "state=x")
    assert client.get(forged_state, follow_redirects=True).status_code == 401
    stranger = httpx.Client(timeout=30)  # the right answer in another browser (no state of its own)
    assert stranger.get(back.headers["Location"], follow_redirects=True).status_code == 401
    assert stranger.get(f"{base}/_dash-layout").status_code == 401


def test_single_sign_on_in_a_browser(browser, sso_app, provider):
    base, store = sso_app
    provider.person["groups"] = ["ioc-kcb"]
    context = browser.new_context(**READER)
    page = context.new_page()
    page.goto(base + "/don-vi?unit=KCB")
    page.click("#sso-button")
    page.wait_for_selector("#confirm-button", timeout=20000)  # the head of KCB, on KCB's page
    assert page.url == base + "/don-vi?unit=KCB"
    wait_until(page, "document.querySelector('#signed-in-name').innerText === 'Nguyễn Văn A'")
    context.close()
