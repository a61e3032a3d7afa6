"""Fetching a body over HTTP for any kind of source: retries, size limit, plain errors.

Retries with backoff (tenacity) on connection errors, timeouts and 5xx; none on 4xx. No
redirects are followed. The body is read in chunks and refused past max_bytes. Errors name
the URL without its query string, which may carry parameters nobody should read in a log.
"""

from __future__ import annotations

import os
import ssl
from typing import Any
from urllib.parse import urlsplit

import certifi
import httpx
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

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
    """A failure worth another try: the connection, a timeout or a 5xx."""

    def __init__(self, code: str, **params: Any) -> None:
        self.problem = Problem(code, params)
        super().__init__(code)


def shown(url: str) -> str:
    return urlsplit(url)._replace(query="").geturl()


def fetch_body(
    client: httpx.Client,
    url: str,
    *,
    method: str = "GET",
    params: dict | None = None,
    body: Any = None,
    retries: int = 2,
    max_bytes: int = 10_000_000,
) -> tuple[str, bytes]:
    """(content type, body) of a 2xx answer, or SourceError."""

    @retry(
        retry=retry_if_exception_type(_Retryable),
        stop=stop_after_attempt(retries + 1),
        wait=wait_exponential(multiplier=0.5, max=4),
        reraise=True,
    )
    def attempt() -> tuple[int, str, bytes]:
        try:
            with client.stream(method, url, params=params, json=body) as response:
                if response.status_code >= 500:
                    raise _Retryable("http.status", status=response.status_code, url=shown(url))
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise SourceError("body.too_large", limit=max_bytes)
                    chunks.append(chunk)
                return response.status_code, response.headers.get("content-type", ""), b"".join(chunks)
        except httpx.TimeoutException:
            raise _Retryable("http.timeout", seconds=client.timeout.read, url=shown(url)) from None
        except httpx.TransportError as error:
            raise _Retryable("http.unreachable", url=shown(url), error=type(error).__name__) from None

    try:
        status, content_type, payload = attempt()
    except _Retryable as error:
        raise SourceError("http.gave_up", reason=error.problem, attempts=retries + 1) from None
    if status >= 400:
        raise SourceError("http.status", status=status, url=shown(url))
    if status >= 300:
        raise SourceError("http.redirect", status=status, url=shown(url))
    return content_type, payload
