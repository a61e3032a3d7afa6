"""Fetching a body over HTTP for any kind of source: retries, size limit, plain errors.

Retries with backoff on connection errors, timeouts, 5xx and 429 (waiting what Retry-After
asks when it fits in the time left; tenacity's wait strategies cannot take a wait from the
answer itself); none on other 4xx. No
redirects are followed. The body is read in chunks and refused past max_bytes. Errors name
the URL without its query string, which may carry parameters nobody should read in a log.
"""

from __future__ import annotations

import email.utils
import os
import ssl
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import certifi
import httpx

from base.problems import Problem
from data_sources.base import SourceError

# One TLS context for every client: building one costs ~10 ms of CPU, and with hundreds of
# sources collected in a cycle that alone held the interpreter for seconds.
SSL_CONTEXT = ssl.create_default_context(cafile=certifi.where())


def client(timeout: float, headers: dict[str, str]) -> httpx.Client:
    return httpx.Client(timeout=timeout, headers=headers, follow_redirects=False, verify=SSL_CONTEXT)


def secret_headers(names: dict[str, str]) -> dict[str, str]:
    """Header values read from the environment variables the configuration names (never the
    configuration itself); a variable that is not set is a plain SourceError."""
    headers = {}
    for header, variable in names.items():
        value = os.environ.get(variable)
        if not value:
            raise SourceError("env.header_missing", variable=variable, header=header)
        headers[header] = value
    return headers


class _Retryable(Exception):
    """A failure worth another try: the connection, a timeout, a 5xx or a 429."""

    def __init__(self, code: str, retry_after: float | None = None, **params: Any) -> None:
        self.problem = Problem(code, params)
        self.retry_after = retry_after
        super().__init__(code)


# httpx's exception names are English jargon; the reader gets what happened in plain words.
TRANSPORT_ERRORS = {
    "ConnectError": "net.connect",
    "ConnectTimeout": "net.connect",
    "RemoteProtocolError": "net.protocol",
    "LocalProtocolError": "net.protocol",
    "ReadError": "net.read",
    "WriteError": "net.read",
    "ProxyError": "net.proxy",
    "UnsupportedProtocol": "net.unsupported",
}
STATUS_PROBLEMS = {401: "http.unauthorized", 403: "http.forbidden", 404: "http.not_found", 429: "http.rate_limited"}


def shown(url: str) -> str:
    return urlsplit(url)._replace(query="").geturl()


def retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks to wait (a number or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - time.time())


def fetch_body(
    client: httpx.Client,
    url: str,
    *,
    method: str = "GET",
    params: dict | None = None,
    body: Any = None,
    retries: int = 2,
    max_bytes: int = 10_000_000,
    deadline: float | None = None,
) -> tuple[str, bytes]:
    """(content type, body) of a 2xx answer, or SourceError.

    Each attempt has client.timeout.read seconds in all (httpx's timeout bounds each read, so a
    server dripping a byte a second would otherwise hold it for minutes); the attempts together
    have (retries + 1) times that, never past deadline (the run's own timeout, a monotonic
    time), and a Retry-After that fits in what is left is honoured."""
    per_attempt = client.timeout.read or 10.0
    started = time.monotonic()
    overall_deadline = started + per_attempt * (retries + 1)
    if deadline is not None:
        overall_deadline = min(overall_deadline, deadline)

    def attempt() -> tuple[int, str, bytes]:
        deadline = min(time.monotonic() + per_attempt, overall_deadline)
        try:
            with client.stream(method, url, params=params, json=body) as response:
                status = response.status_code
                if status >= 500 or status == 429:
                    code = STATUS_PROBLEMS.get(status, "http.status")
                    wait = retry_after(response.headers.get("retry-after"))
                    raise _Retryable(
                        code, wait, status=status, url=shown(url), seconds=wait if wait is not None else ""
                    )
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise SourceError("body.too_large", limit=max_bytes)  # refused before reading it
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise SourceError("body.too_large", limit=max_bytes)
                    if time.monotonic() > deadline:
                        raise _Retryable("http.too_slow", seconds=per_attempt, url=shown(url), size=size)
                    chunks.append(chunk)
                return status, response.headers.get("content-type", ""), b"".join(chunks)
        except httpx.TimeoutException:
            raise _Retryable("http.timeout", seconds=per_attempt, url=shown(url)) from None
        except (httpx.TransportError, RuntimeError) as error:
            if time.monotonic() >= overall_deadline:  # the watchdog closed the connection: no whole answer came
                raise _Retryable("http.timeout", seconds=round(overall_deadline - started, 1), url=shown(url)) from None
            if isinstance(error, RuntimeError):
                raise

            name = type(error).__name__
            reason = Problem.of(TRANSPORT_ERRORS.get(name, "net.other"), name=name)
            raise _Retryable("http.unreachable", url=shown(url), error=reason) from None

    # The body is checked against the clock between chunks; a server dripping its status line
    # and headers is stopped by closing the client at the deadline (it interrupts the read:
    # measured 0.2 s after, on a server sending a byte every 0.3 s).
    watchdog = threading.Timer(max(0.0, overall_deadline - time.monotonic()), client.close)
    watchdog.daemon = True
    watchdog.start()
    try:
        status, content_type, payload = _attempts(attempt, retries, overall_deadline)
    finally:
        watchdog.cancel()
    if status >= 400:
        raise SourceError(STATUS_PROBLEMS.get(status, "http.status"), status=status, url=shown(url))
    if status >= 300:
        raise SourceError("http.redirect", status=status, url=shown(url))
    return content_type, payload


def _attempts(attempt: Any, retries: int, overall_deadline: float) -> tuple[int, str, bytes]:
    attempts = 0
    while True:
        attempts += 1
        try:
            return attempt()
        except _Retryable as error:
            left = overall_deadline - time.monotonic()
            wait = error.retry_after if error.retry_after is not None else min(4.0, 0.5 * 2 ** (attempts - 1))
            if attempts > retries or wait >= left:
                if error.retry_after is not None and error.retry_after >= left and attempts <= retries:
                    raise SourceError(
                        "http.retry_after_too_long", reason=error.problem, seconds=error.retry_after
                    ) from None
                raise SourceError("http.gave_up", reason=error.problem, attempts=attempts) from None
            time.sleep(wait)
