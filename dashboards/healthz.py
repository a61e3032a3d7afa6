"""GET /healthz: the store, the scheduler and every source, as JSON; 503 when the store is down."""

from __future__ import annotations

import datetime as dt
import time

from flask import Flask, jsonify

from dashboards.reader import Reader
from metrics.health import backfill_progress, source_health


def _iso(seconds: float | None) -> str | None:
    return None if seconds is None else dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat()


def register(server: Flask, reader: Reader) -> None:
    @server.route("/healthz")
    def healthz():
        store, config = reader.store, reader.config
        try:
            latency = store.ping()
            version = store.data_version()
        except Exception as error:
            return jsonify(
                {
                    "status": "down",
                    "store": {
                        "ok": False,
                        "url": store.describe(),
                        "error": f"{type(error).__name__}: {str(error)[:300]}",
                    },
                    "scheduler": {"state": "unknown"},
                    "sources": {},
                }
            ), 503
        health = source_health(store, config, time.time())
        scheduler = reader.scheduler_status()
        backfill = backfill_progress(store, config)
        # last_success counts any successful run (a backfill too); stale counts scheduled ones only.
        sources = {
            sid: {
                "last_success": _iso(h.last_success),
                "last_error": h.last_error,
                "stale": h.stale,
                "state": h.state,
                "last_live_success": _iso(h.last_live_success),
                "as_of": _iso(h.as_of),
                "last_run": _iso(h.last_run),
            }
            for sid, h in health.items()
        }
        degraded = not scheduler["running"] or any(h.stale for h in health.values())
        return jsonify(
            {
                "status": "degraded" if degraded else "ok",
                "store": {
                    "ok": True,
                    "url": store.describe(),
                    "dialect": store.dialect,
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
