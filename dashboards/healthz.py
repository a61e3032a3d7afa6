"""GET /healthz: the store, the scheduler and every source, as JSON; 503 when the store is down.

Anyone may ask whether the IOC is well ({"status": "ok" | "degraded" | "down"}, with 503 when
down): a wall screen asks it to know the server is back. The detail (the store's address,
the scheduler's host and process, every source's errors) is given only to a request that
carries the monitoring token: `Authorization: Bearer <IOC_MONITORING_TOKEN>` (an environment
variable; unset, nobody gets the detail) or that an admin signed in makes.
Errors are worded in the request's language (Accept-Language, else the default), with their
codes beside them for machines."""

from __future__ import annotations

import datetime as dt
import hmac
import os

from flask import Flask, Response, jsonify, request

from base.problems import Problem
from dashboards import access
from dashboards.reader import Reader


def _iso(seconds: float | None) -> str | None:
    return None if seconds is None else dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat()


def _problem(stored: str | None) -> tuple[str | None, str | None]:
    """(worded, code) of a stored problem."""
    if not stored:
        return None, None
    problem = Problem.from_stored(stored)
    return problem.text(), problem.code


def detail_allowed() -> bool:
    """Whether an admin is signed in, or the request carries the monitoring token (compared in
    constant time)."""
    if access.ADMINS.allows(access.person()):
        return True
    token = os.environ.get("IOC_MONITORING_TOKEN", "")
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def register(server: Flask, reader: Reader) -> None:
    @server.route("/healthz")
    def healthz() -> tuple[Response, int] | Response:
        try:
            latency = reader.ping()
            version = reader.version()
        except Exception as error:  # noqa: BLE001 - whatever the driver raises, the store is down
            store = {
                "ok": False,
                "url": reader.described_store(),
                "error": f"{type(error).__name__}: {str(error)[:300]}",
            }
            if not detail_allowed():
                return jsonify({"status": "down"}), 503
            return jsonify({"status": "down", "store": store, "scheduler": {"state": "unknown"}, "sources": {}}), 503
        health = reader.source_health()
        scheduler = reader.scheduler_status()
        backfill = reader.backfill()
        sources = {}
        for sid, h in health.items():
            worded, code = _problem(h.last_error)
            # last_success counts any successful run (a backfill too); stale counts scheduled ones only.
            sources[sid] = {
                "last_success": _iso(h.last_success),
                "last_error": worded,
                "last_error_code": code,
                "stale": h.stale,
                "state": h.state,
                "last_live_success": _iso(h.last_live_success),
                "as_of": _iso(h.as_of),
                "last_run": _iso(h.last_run),
            }
        degraded = not scheduler["running"] or any(h.stale or h.state == "unusable" for h in health.values())
        if not detail_allowed():
            return jsonify({"status": "degraded" if degraded else "ok"})
        return jsonify(
            {
                "status": "degraded" if degraded else "ok",
                "store": {
                    "ok": True,
                    "url": reader.described_store(),
                    "dialect": reader.dialect(),
                    "latency_ms": round(latency * 1000, 2),
                    "data_version": version,
                },
                "scheduler": {**scheduler, "last_heartbeat": _iso(scheduler["last_heartbeat"])},
                "backfill": {
                    "loading": backfill.loading,
                    "percent": round(backfill.percent, 1),
                    "sources_done": backfill.sources_done,
                    "sources_total": backfill.sources_total,
                },
                "sources": sources,
            }
        )
