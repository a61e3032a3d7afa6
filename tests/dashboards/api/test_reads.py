"""What the read API answers: every series once over its pages, samples equal to the store's,
ETags that hold until the figures change, the pages' figures, and refusals of what it cannot
answer."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from metrics.collection import Collector, backfill
from metrics.read_models import build_snapshot
from tests.conftest import demo_source, with_sources
from tests.dashboards.api.conftest import Api
from tests.dashboards.api.test_tokens import problem_of


def follow(api: Api, token: str, first: str) -> list[dict]:
    """Every item of a listing, following next (and checking the Link header says the same)."""
    items, address = [], first
    while address:
        answer = api.get(address, token)
        assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
        body = answer.get_json()
        items += body["items"]
        if body["next"]:
            assert answer.headers["Link"] == f'<{body["next"]}>; rel="next"'
        address = body["next"]
    return items


def utc_time(text_value: str) -> float:
    assert text_value.endswith("Z"), text_value
    return dt.datetime.fromisoformat(text_value).timestamp()


@pytest.fixture(params=["sqlite", "postgresql"])
def small_api(request, default_config, store, tmp_path) -> Api:
    """Two units' demo sources (one national system per province) over one backfilled week, on
    SQLite and on PostgreSQL."""
    from dashboards.webapp import create_app

    sources = [demo_source(default_config, "KCB", by_province=True), demo_source(default_config, "KHCN")]
    config = with_sources(default_config, *sources, data_dir=tmp_path)
    backfill(Collector(config, store), 1)
    app = create_app(config, store)
    return Api(app, app.server.test_client(), config, store)


def test_following_next_gives_every_series_once_and_samples_equal_the_stores(small_api):
    token = small_api.token()
    with small_api.store.engine.connect() as connection:
        expected = connection.execute(text("SELECT id FROM series ORDER BY id")).scalars().all()
        chosen = connection.execute(
            text("SELECT series_id FROM samples GROUP BY series_id ORDER BY COUNT(*) DESC LIMIT 1")
        ).scalar_one()
        raw = connection.execute(
            text("SELECT ts, value FROM samples WHERE series_id = :s ORDER BY ts"), {"s": chosen}
        ).all()
        days = connection.execute(
            text("SELECT start, total, sample_count FROM daily_rollups WHERE series_id = :s ORDER BY start"),
            {"s": chosen},
        ).all()
    listed = follow(small_api, token, "/api/v1/series?limit=7")
    assert [s["id"] for s in listed] == expected and len(expected) > 14
    samples = follow(small_api, token, f"/api/v1/series/{chosen}/samples?limit=5")
    assert [(utc_time(s["time"]), s["value"]) for s in samples] == [(float(ts), v) for ts, v in raw]
    by_day = follow(small_api, token, f"/api/v1/series/{chosen}/samples?resolution=day&limit=3")
    assert [(utc_time(d["time"]), d["sum"], d["samples"]) for d in by_day] == [(float(s), t, n) for s, t, n in days]
    # from/to: a window of the raw samples, bounds as RFC 3339 with an offset
    first, last = raw[2][0], raw[-3][0]
    since = dt.datetime.fromtimestamp(first, dt.timezone(dt.timedelta(hours=7))).isoformat()
    until = dt.datetime.fromtimestamp(last, dt.UTC).isoformat().replace("+00:00", "Z")
    window = follow(small_api, token, f"/api/v1/series/{chosen}/samples?from={since}&to={until}".replace("+", "%2B"))
    assert [utc_time(s["time"]) for s in window] == [float(ts) for ts, _ in raw[2:-3]]


def test_latest_of_a_province_and_the_pages_figures_are_the_snapshots(read_api):
    token = read_api.token()
    latest = follow(read_api, token, "/api/v1/latest?province=79&unit=KCB")
    assert latest and {(x["unit"], x["province"]) for x in latest} == {("KCB", "79")}
    assert all(not x["stale"] and utc_time(x["as_of"]) > 0 for x in latest)
    snapshot = build_snapshot(read_api.store, read_api.config, province="79")
    figures = read_api.get("/api/v1/indicators?province=79", token).get_json()
    assert figures["province"] == "79" and figures["week"] == snapshot.week_label
    assert {i["code"]: i["value"] for i in figures["items"]} == pytest.approx(
        {row.code: row.ministry.value for row in snapshot.indicators}
    )
    national = build_snapshot(read_api.store, read_api.config)
    scores = read_api.get("/api/v1/databases", token).get_json()["items"]
    assert [(d["code"], d["score"]) for d in scores] == [(d.code, pytest.approx(d.score)) for d in national.databases]
    tasks = read_api.get("/api/v1/project06", token).get_json()["items"]
    assert [(t["code"], t["status"]) for t in tasks] == [(t.code, t.status) for t in national.tasks]


def test_an_etag_holds_until_the_figures_change(read_api):
    token = read_api.token()
    first = read_api.get("/api/v1/latest?unit=KHCN", token)
    assert first.headers["Cache-Control"] == "private, no-cache" and first.headers["ETag"]
    again = read_api.get("/api/v1/latest?unit=KHCN", token, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    with read_api.store.engine.begin() as connection:  # a correction of the newest figure
        connection.execute(text("UPDATE series_latest SET value = value + 1"))
    changed = read_api.get("/api/v1/latest?unit=KHCN", token, **{"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    document = read_api.get("/api/v1/openapi.json")
    assert document.headers["Cache-Control"].startswith("public")


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/series?colour=red",  # not a parameter
        "/api/v1/series?unit=KCB&unit=PB",  # twice
        "/api/v1/series?unit=KHÔNG",  # not a code
        "/api/v1/series?limit=10001",  # over api.max_page_size
        "/api/v1/series?cursor=YTpub3Q",  # a cursor not of this API ("a:not")
        "/api/v1/series?cursor=YTo5OTk5OTk5OTk5OTk5OTk5OTk5OQ",  # "a:99999999999999999999", past any integer
        "/api/v1/samples?from=2026-11-01T00:00:00Z&cursor=YToxLjk5OTk5OTk5OTk5OTk5OTk5OTk5",
        "/api/v1/series/1/samples?from=2026-11-01T00:00:00",  # a time without its offset
        "/api/v1/series/1/samples?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z",
        "/api/v1/series/1/samples?resolution=month",
        "/api/v1/indicators?week=2026-W99",
        "/api/v1/indicators?province=99",
    ],
)
def test_what_cannot_be_answered_is_refused_with_the_reason(read_api, address):
    answer = read_api.get(address, read_api.token())
    assert answer.status_code == 400, address
    assert problem_of(answer)["detail"]


def test_unknown_addresses_and_other_methods_are_problem_documents(read_api):
    token = read_api.token()
    weeks = read_api.get("/api/v1/indicators", token).get_json()
    assert read_api.get(f"/api/v1/indicators?week={weeks['week']}", token).status_code == 200
    answer = read_api.get("/api/v1/indicators?week=2019-W01", token)  # a week with no figures: no snapshot built
    assert answer.status_code == 404 and "2019-W01" in problem_of(answer)["detail"]
    for address in ("/api/v1/nothing", "/api/v1/series/2147483648", "/api/v1/series/999999"):
        answer = read_api.get(address, token)
        assert answer.status_code == 404 and problem_of(answer)["type"] == "/api/v1/#problem-not-found", address
    posted = read_api.client.post("/api/v1/series", headers={"Authorization": f"Bearer {token}"})
    assert posted.status_code in (403, 405) and posted.mimetype == "application/problem+json"


def test_the_reference_page_describes_every_operation_in_the_readers_language(read_api):
    page = read_api.client.get("/api/v1/", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    for operation in ("listSeries", "listSamples", "listLatest", "getDatabaseScores", "getProject06Progress"):
        assert f'id="{operation}"' in page
    assert "Tham số" in page and "problem-rate-limited" in page and "/api/v1/openapi.json" in page
    english = read_api.client.get("/api/v1/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Parameters" in english and "Tham số" not in english


def test_a_window_of_every_series_comes_whole_over_its_pages(small_api):
    token = small_api.token()
    with small_api.store.engine.connect() as connection:
        newest = connection.execute(text("SELECT MAX(ts) FROM samples")).scalar_one()
        since = newest - 2 * 86400
        expected = connection.execute(
            text("SELECT series_id, ts, value FROM samples WHERE ts >= :s ORDER BY series_id, ts"), {"s": since}
        ).all()
    start = dt.datetime.fromtimestamp(since, dt.UTC).isoformat().replace("+00:00", "Z")
    got = follow(small_api, token, f"/api/v1/samples?from={start}&limit=13")  # pages cut through series
    assert [(s["series"], utc_time(s["time"]), s["value"]) for s in got] == [
        (sid, float(ts), value) for sid, ts, value in expected
    ]
    assert len({s["series"] for s in got}) > 5
