"""http_json against a real HTTP server on loopback."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time

import pytest

from data_sources.base import SourceError, Window
from data_sources.http_json import HttpJsonOptions, HttpJsonSource
from metrics.collection import Collector
from metrics.settings import SourceConfig
from tests.conftest import with_sources
from tests.data_sources.loopback import Answer

NOW = dt.datetime.now(dt.UTC)
WINDOW = Window(NOW - dt.timedelta(days=2), NOW)


def source(config, **options) -> HttpJsonSource:
    defaults = {
        "values": [{"metric": "tthc_received", "path": "received"}],
        "unit": "KCB",
        "records": "items",
        "time_path": "date",
        "time_format": "%d/%m/%Y",
        "retries": 1,
        "request_timeout": 2,
    }
    return HttpJsonSource("kcb-api", HttpJsonOptions(**{**defaults, **options}), config.catalogue, config.config_dir)


def page(*items, **extra) -> Answer:
    return Answer(body=json.dumps({"items": list(items), **extra}, ensure_ascii=False).encode())


def test_records_are_mapped_from_the_payload(default_config, api):
    url = api.route(
        "/stats",
        page({"date": "24/11/2026", "received": 120, "on_time": "98,5"}, {"date": "25/11/2026", "received": "1.234"}),
    )
    records = source(
        default_config,
        url=url,
        values=[
            {"metric": "tthc_received", "path": "received"},
            {"metric": "tthc_resolved_on_time", "path": "on_time"},
        ],
    ).fetch(WINDOW)
    assert [(r.metric, r.value) for r in records] == [
        ("tthc_received", 120.0),
        ("tthc_resolved_on_time", 98.5),
        ("tthc_received", 1234.0),
        ("tthc_resolved_on_time", None),
    ]
    assert records[0].ts == dt.datetime(2026, 11, 24, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert {r.unit for r in records} == {"KCB"}


def test_unit_and_database_can_come_from_the_payload(default_config, api):
    url = api.route("/db", page({"date": "24/11/2026", "db": "DUOC", "score": 91.5}))
    records = source(
        default_config, url=url, unit="", database_path="db", values=[{"metric": "db_score_dung", "path": "score"}]
    ).fetch(WINDOW)
    assert records[0].database == "DUOC" and records[0].value == 91.5


def test_the_window_fills_the_query_and_credentials_come_from_the_environment(default_config, api, monkeypatch, caplog):
    monkeypatch.setenv("KCB_TOKEN", "Bearer s3cret-token")
    url = api.route("/stats", page())
    with caplog.at_level(logging.DEBUG):
        source(
            default_config,
            url=url,
            params={"from": "{since_date}", "to": "{until}"},
            secret_headers={"Authorization": "KCB_TOKEN"},
        ).fetch(WINDOW)
    request = api.requests[-1]
    assert request["query"]["from"] == [
        (NOW - dt.timedelta(days=2)).astimezone(dt.timezone(dt.timedelta(hours=7))).date().isoformat()
    ]
    assert request["query"]["to"] == [NOW.isoformat()]
    assert request["headers"]["Authorization"] == "Bearer s3cret-token"
    assert "s3cret" not in caplog.text


def test_a_missing_credential_is_a_clear_error(default_config, api):
    url = api.route("/stats", page())
    with pytest.raises(SourceError, match="biến môi trường NO_SUCH_TOKEN"):
        source(default_config, url=url, secret_headers={"X-Api-Key": "NO_SUCH_TOKEN"}).fetch(WINDOW)
    assert api.requests == []


def test_post_with_a_body(default_config, api):
    url = api.route("/query", page({"date": "24/11/2026", "received": 1}))
    source(default_config, url=url, method="POST", body={"since": "{since_epoch}"}).fetch(WINDOW)
    assert api.requests[-1]["method"] == "POST"
    assert json.loads(api.requests[-1]["body"]) == {"since": str(int(WINDOW.start.timestamp()))}


def test_pages_are_followed_by_next_link(default_config, api):
    api.route("/p2", page({"date": "25/11/2026", "received": 2}, next=None))
    url = api.route("/p1", page({"date": "24/11/2026", "received": 1}, next="/p2"))
    records = source(default_config, url=url, next_path="next").fetch(WINDOW)
    assert [r.value for r in records] == [1.0, 2.0]


def test_a_next_link_is_followed_with_its_own_query(default_config, api):
    def by_cursor(parts, request):
        more = "cursor=2" not in parts.query
        return page({"date": "24/11/2026", "received": 2 if more else 3}, next="/p?cursor=2&limit=1" if more else None)

    url = api.route("/p", by_cursor)
    records = source(default_config, url=url, params={"limit": "1"}, next_path="next").fetch(WINDOW)
    assert [r.value for r in records] == [2.0, 3.0]
    assert [r["query"] for r in api.requests] == [{"limit": ["1"]}, {"cursor": ["2"], "limit": ["1"]}]


def test_a_next_link_to_another_host_is_not_followed(default_config, api):
    url = api.route("/p1", page({"date": "24/11/2026", "received": 1}, next="http://203.0.113.9/steal"))
    with pytest.raises(SourceError, match="máy chủ khác"):
        source(default_config, url=url, next_path="next").fetch(WINDOW)


def test_pages_are_followed_by_page_number_until_an_empty_page(default_config, api):
    def by_page(parts, request):
        number = int(request["query"]["page"][0])
        return page(*([{"date": "24/11/2026", "received": number}] if number <= 3 else []))

    url = api.route("/stats", by_page)
    records = source(default_config, url=url, page_param="page").fetch(WINDOW)
    assert [r.value for r in records] == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    "answer, message",
    [
        (Answer(404, b'{"error": "no"}'), "HTTP 404"),
        (Answer(200, b"<html><body>Service Unavailable</body></html>", "text/html"), "trang HTML"),
        (Answer(200, b"<!DOCTYPE html><p>login</p>", "application/json"), "trang HTML"),
        (Answer(200, b"{not json"), "không phải JSON hợp lệ \\(dòng 1, cột 2\\)"),
        (Answer(200, b""), "rỗng"),
        (Answer(200, b'{"items": ["\xff\xfe"]}'), "UTF-8"),
        (Answer(200, b"[" * 200 + b"]" * 200), "lồng quá sâu"),
        (Answer(200, b'{"items": [' + b'{"date": "24/11/2026", "received": 1},' * 400_000 + b"{}]}"), "vượt giới hạn"),
        (Answer(302, b"", headers={"Location": "/elsewhere"}), "chuyển hướng"),
        (Answer(200, b'{"items": 5}'), "danh sách"),
    ],
)
def test_whole_response_failures_are_clear_errors(default_config, api, answer, message):
    url = api.route("/bad", answer)
    with pytest.raises(SourceError, match=message):
        source(default_config, url=url).fetch(WINDOW)


def test_4xx_is_not_retried_but_5xx_is(default_config, api):
    url = api.route("/flaky", Answer(503, b"busy"), page({"date": "24/11/2026", "received": 7}))
    records = source(default_config, url=url, retries=2).fetch(WINDOW)
    assert [r.value for r in records] == [7.0] and len(api.requests) == 2
    api.requests.clear()
    url = api.route("/gone", Answer(410, b"gone"))
    with pytest.raises(SourceError, match="HTTP 410"):
        source(default_config, url=url, retries=2).fetch(WINDOW)
    assert len(api.requests) == 1
    api.requests.clear()
    url = api.route("/down", Answer(500, b"err"))
    with pytest.raises(SourceError, match=r"HTTP 500 .*sau 3 lần thử"):
        source(default_config, url=url, retries=2).fetch(WINDOW)
    assert len(api.requests) == 3


def test_a_refused_connection_and_a_slow_server_are_clear_errors(default_config, api):
    from tests.conftest import free_port

    with pytest.raises(SourceError, match="không kết nối được"):
        source(default_config, url=f"http://127.0.0.1:{free_port()}/x", retries=0).fetch(WINDOW)
    url = api.route("/slow", Answer(delay=1.5, body=b"{}"))
    started = time.monotonic()
    with pytest.raises(SourceError, match="hết thời gian chờ"):
        source(default_config, url=url, retries=0, request_timeout=0.5).fetch(WINDOW)
    assert time.monotonic() - started < 1.4


def test_through_the_runner_bad_records_are_quarantined_and_a_failure_keeps_earlier_samples(
    default_config, sqlite_store, api
):
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).strftime("%d/%m/%Y")
    url = api.route(
        "/stats",
        page(
            {"date": today, "received": 10},
            {"date": today, "received": -5, "unit": "KCB"},
            {"date": "31/02/2026", "received": 3},
        ),
        Answer(500, b"down"),
    )
    config = with_sources(
        default_config,
        SourceConfig(
            id="kcb-api",
            kind="http_json",
            interval_seconds=60,
            timeout_seconds=20,
            options=HttpJsonOptions(
                url=url,
                unit="KCB",
                records="items",
                time_path="date",
                time_format="%d/%m/%Y",
                retries=0,
                values=[{"metric": "tthc_received", "path": "received"}],
            ),
        ),
    )
    collector = Collector(config, sqlite_store)
    first = collector.collect("kcb-api")
    assert (first.status, first.rows_written, first.rows_rejected) == ("ok", 1, 2)
    second = collector.collect("kcb-api")
    assert second.status == "failed" and "HTTP 500" in second.error
    assert sqlite_store.count_samples() == 1


def test_a_cycle_of_many_sources_with_hung_and_failing_ones_takes_about_one_timeout(default_config, sqlite_store, api):
    """A bounded pool: 10% hang, 10% fail, and the cycle still ends soon after one timeout."""
    day = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).strftime("%d/%m/%Y")
    api.route("/ok", page({"date": day, "received": 1}))
    api.route("/fail", Answer(503, b"busy"))
    api.route("/hang", Answer(delay=10, body=b"{}"))
    sources = [
        SourceConfig(
            id=f"api-{i:03d}",
            kind="http_json",
            interval_seconds=60,
            timeout_seconds=3,  # an answering source needs well under a second, even beside two test workers
            options=HttpJsonOptions(
                url=api.base + ("/hang" if i % 10 == 0 else "/fail" if i % 10 == 1 else "/ok"),
                unit="KCB",
                records="items",
                time_path="date",
                time_format="%d/%m/%Y",
                retries=0,
                request_timeout=20,
                values=[{"metric": "tthc_received", "path": "received"}],
            ),
        )
        for i in range(150)
    ]
    collector = Collector(with_sources(default_config, *sources), sqlite_store)
    started = time.monotonic()
    results = collector.collect_all()
    elapsed = time.monotonic() - started
    statuses = [o.status for o in results.values()]
    assert (statuses.count("timeout"), statuses.count("failed"), statuses.count("ok")) == (15, 15, 120)
    assert elapsed < 3 + 4, f"cycle took {elapsed:.1f} s"


@pytest.fixture
def raw_server():
    """A loopback server that writes whatever bytes a test scripts, at the pace it scripts."""
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    script: dict = {"parts": [], "pause": 0.0}
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            with connection:
                connection.recv(65536)
                try:
                    for part in script["parts"]:
                        connection.sendall(part)
                        time.sleep(script["pause"])
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/data", script
    stop.set()
    thread.join(2)
    listener.close()


def test_a_server_dripping_its_answer_is_cut_off_at_the_request_timeout(default_config, raw_server):
    url, script = raw_server
    body = json.dumps({"items": [{"date": "24/11/2026", "received": 98765}]}).encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    script["parts"], script["pause"] = [head] + [bytes([b]) for b in body], 0.2  # each read well inside the timeout
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"không gửi hết câu trả lời trong 1 giây|hết thời gian chờ 1(,0)? giây"):
        source(default_config, url=url, retries=0, request_timeout=1).fetch(WINDOW)
    assert time.monotonic() - started < 2.5  # the whole body would take 9 s


def test_a_declared_length_over_the_limit_is_refused_before_reading(default_config, raw_server):
    url, script = raw_server
    script["parts"], script["pause"] = [b"HTTP/1.1 200 OK\r\nContent-Length: 10000000000\r\n\r\n", b"{" * 1000], 3
    started = time.monotonic()
    with pytest.raises(SourceError, match="phản hồi vượt giới hạn 5.000 byte"):
        source(default_config, url=url, retries=0, max_bytes=5000).fetch(WINDOW)
    assert time.monotonic() - started < 2


def test_expired_credentials_forbidden_access_and_rate_limits_are_explained(default_config, api):
    url = api.route("/secret", Answer(401, b"unauthorized"))
    with pytest.raises(SourceError, match="từ chối thông tin xác thực của IOC \\(HTTP 401\\).*hết hạn"):
        source(default_config, url=url).fetch(WINDOW)
    url = api.route("/forbidden", Answer(403, b"no"))
    with pytest.raises(SourceError, match="từ chối truy cập \\(HTTP 403\\)"):
        source(default_config, url=url).fetch(WINDOW)
    api.requests.clear()
    url = api.route(
        "/busy", Answer(429, b"slow down", headers={"Retry-After": "1"}), page({"date": "24/11/2026", "received": 7})
    )
    started = time.monotonic()
    assert [r.value for r in source(default_config, url=url, retries=1, request_timeout=2).fetch(WINDOW)] == [7.0]
    assert 1.0 <= time.monotonic() - started < 2.5 and len(api.requests) == 2  # waited what it asked
    url = api.route("/later", Answer(429, b"slow down", headers={"Retry-After": "3600"}))
    started = time.monotonic()
    with pytest.raises(SourceError, match="giảm tần suất.*chờ 3.600 giây, lâu hơn thời gian còn lại"):
        source(default_config, url=url, retries=1, request_timeout=2).fetch(WINDOW)
    assert time.monotonic() - started < 1


def test_a_retry_after_past_the_runs_own_timeout_fails_the_run_at_once(default_config, api, sqlite_store):
    url = api.route("/busy", Answer(503, b"maintenance", headers={"Retry-After": "5"}))
    options = HttpJsonOptions(
        url=url, values=[{"metric": "tthc_received", "path": "received"}], unit="KCB", retries=2, request_timeout=10
    )
    config = with_sources(
        default_config,
        SourceConfig(id="kcb-api", kind="http_json", interval_seconds=60, timeout_seconds=3, options=options),
    )
    started = time.monotonic()
    outcome = Collector(config, sqlite_store).collect("kcb-api")
    assert time.monotonic() - started < 2  # not abandoned at the 3 s timeout: it knew it could not wait 5 s
    assert outcome.status == "failed" and "chờ 5 giây, lâu hơn thời gian còn lại" in outcome.error


def test_a_server_dripping_its_headers_is_cut_off_at_the_deadline_too(default_config, raw_server):
    url, script = raw_server
    script["parts"], script["pause"] = [bytes([b]) for b in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200], 0.2
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"hết thời gian chờ 1(,0)? giây"):
        source(default_config, url=url, retries=0, request_timeout=1).fetch(WINDOW)
    assert time.monotonic() - started < 2  # the headers alone would take 45 s
