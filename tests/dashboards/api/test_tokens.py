"""Who may call the read API: a consumer's token, within its scope and its rate; every call,
answered or refused, in the audit log."""

from __future__ import annotations

from metrics import api_consumers, audit
from tests.accounts import sign_in

PROBLEM = "application/problem+json"


def problem_of(answer) -> dict:
    assert answer.mimetype == PROBLEM, (answer.status_code, answer.get_data(as_text=True)[:300])
    body = answer.get_json()
    assert body["status"] == answer.status_code and body["type"].startswith("/api/v1/#problem-")
    return body


def api_entries(store) -> list[dict]:
    return [e for e in audit.entries(store) if e["action"] == "api"]


def test_no_token_is_refused_with_a_problem_document_and_how_to_send_one(read_api):
    answer = read_api.get("/api/v1/series")
    assert answer.status_code == 401 and problem_of(answer)["type"] == "/api/v1/#problem-unauthorized"
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="ioc"'
    assert "Bearer" in problem_of(answer)["detail"]


def test_a_wrong_token_is_refused_even_beside_a_good_session(read_api):
    sign_in(read_api.client, read_api.store, read_api.config, "leadership")
    assert read_api.get("/api/v1/catalogue/units").status_code == 200  # a person signed in reads too
    for header in ("Bearer ioc_not-a-token", "Bearer ", "Basic dXNlcjpwYXNz", "ioc_" + "x" * 5000):
        answer = read_api.client.get("/api/v1/series", headers={"Authorization": header})
        assert answer.status_code == 401, header
        assert problem_of(answer)["type"] == "/api/v1/#problem-invalid-token"
        assert 'error="invalid_token"' in answer.headers["WWW-Authenticate"]


def test_a_revoked_token_is_refused_from_its_next_call(read_api):
    token = read_api.token("Sở Y tế TP.HCM")
    assert read_api.get("/api/v1/catalogue/units", token).status_code == 200
    consumer = api_consumers.by_token(read_api.store, token)
    api_consumers.revoke(read_api.store, consumer.id, actor="test")
    answer = read_api.get("/api/v1/catalogue/units", token)
    assert answer.status_code == 401 and problem_of(answer)["type"] == "/api/v1/#problem-revoked-token"


def test_a_token_reads_only_its_scope(read_api):
    token = read_api.token("Sở Y tế TP.HCM", provinces=["79"], units=["KCB"])
    listed = read_api.get("/api/v1/series?limit=10000", token).get_json()["items"]
    assert listed and {(s["unit"], s["province"]) for s in listed} == {("KCB", "79")}
    for asked in ("/api/v1/series?unit=PB", "/api/v1/latest?province=01", "/api/v1/indicators?province=79"):
        answer = read_api.get(asked, token)
        assert answer.status_code == 403 and problem_of(answer)["type"] == "/api/v1/#problem-out-of-scope", asked
    outside = read_api.get("/api/v1/series?unit=PB&province=79", read_api.token("everything")).get_json()["items"][0]
    answer = read_api.get(f"/api/v1/series/{outside['id']}/samples", token)
    assert answer.status_code == 403 and problem_of(answer)["type"] == "/api/v1/#problem-out-of-scope"
    inside = listed[0]["id"]
    assert read_api.get(f"/api/v1/series/{inside}/samples?resolution=day", token).status_code == 200
    # Project 06 narrowed to its unit's tasks, of its province
    tasks = read_api.get("/api/v1/project06?province=79", token).get_json()["items"]
    assert tasks and {t["owner"] for t in tasks} == {"KCB"}


def test_a_metric_scope_leaves_out_indicators_it_does_not_read(read_api):
    token = read_api.token("Cổng DVC", metrics=["tthc_received", "tthc_received_online"])
    figures = read_api.get("/api/v1/indicators", token).get_json()
    catalogue = read_api.config.catalogue.indicators
    assert [i["code"] for i in figures["items"]] == [
        code
        for code, i in catalogue.items()
        if {i.numerator, i.denominator} <= {"tthc_received", "tthc_received_online"}
    ]
    assert figures["effectiveness"] is None  # the index weighs every indicator: not given as if whole
    assert read_api.get("/api/v1/databases", token).status_code == 403


def test_over_its_rate_a_token_waits_and_the_others_do_not(read_api):
    token, other = read_api.token("busy", per_minute=5), read_api.token("quiet", per_minute=5)
    statuses = [read_api.get("/api/v1/catalogue/units", token).status_code for _ in range(5)]
    assert statuses == [200] * 5
    answer = read_api.get("/api/v1/series", token)  # the rate counts calls to any endpoint
    assert answer.status_code == 429 and problem_of(answer)["type"] == "/api/v1/#problem-rate-limited"
    assert 1 <= int(answer.headers["Retry-After"]) <= 60
    assert read_api.get("/api/v1/catalogue/units", other).status_code == 200


def test_every_call_answered_or_refused_is_in_the_audit_log(read_api):
    token = read_api.token("Sở Y tế Hà Nội", provinces=["01"], per_minute=3)
    calls = [
        (None, "/api/v1/series", "refused", "401"),
        ("ioc_wrong", "/api/v1/series", "refused", "401"),
        (token, "/api/v1/latest?province=01&limit=5", "done", "200"),
        (token, "/api/v1/latest?province=79", "refused", "403"),
        (token, "/api/v1/series?limit=0", "refused", "400"),
        (token, "/api/v1/series", "limited", "429"),
    ]
    before = len(api_entries(read_api.store))
    for used, path, _outcome, _status in calls:
        read_api.get(path, used)
    entries = list(reversed(api_entries(read_api.store)))[before:]
    assert [(e["subject"], e["outcome"], e["detail"]) for e in entries] == [
        (f"GET {path}", outcome, status) for _token, path, outcome, status in calls
    ]
    consumer = api_consumers.by_token(read_api.store, token)
    assert {e["actor"] for e in entries[2:]} == {consumer.actor}
    assert entries[0]["actor"] == "" and entries[0]["address"] == "127.0.0.1"


def test_with_redis_as_the_cache_a_tokens_rate_is_counted_across_the_workers(read_api):
    """Production runs several workers: each counting on its own would multiply the rate."""
    import dataclasses

    from dashboards.webapp import create_app
    from tests.conftest import empty_redis

    url, _client = empty_redis(9)  # a database of this test's own
    config = dataclasses.replace(read_api.config, cache_url=url)
    workers = [create_app(config, read_api.store).server.test_client() for _ in range(2)]
    token = read_api.token("busy", per_minute=4)
    headers = {"Authorization": f"Bearer {token}"}
    answered = [workers[i % 2].get("/api/v1/catalogue/units", headers=headers).status_code for i in range(4)]
    assert answered == [200] * 4
    for worker in workers:  # the fifth call is refused whichever worker takes it
        assert worker.get("/api/v1/catalogue/units", headers=headers).status_code == 429
