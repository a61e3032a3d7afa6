"""Sources that misbehave on purpose, for the collection runner's tests."""

from __future__ import annotations

import datetime as dt
import threading

from data_sources.base import Options, Record, Source, SourceError, Window


class FakeOptions(Options):
    unit: str = "KCB"
    sleep_seconds: float = 0
    fail: str = ""
    value: float = 10


class FakeSource(Source[FakeOptions]):
    """Sleeps, fails or answers with one tthc_received record per call."""

    options_model = FakeOptions
    calls: dict[str, int] = {}
    release = threading.Event()

    def fetch(self, window: Window) -> list[Record]:
        FakeSource.calls[self.source_id] = FakeSource.calls.get(self.source_id, 0) + 1
        if self.options.sleep_seconds:
            FakeSource.release.wait(self.options.sleep_seconds)
        if self.options.fail == "source":
            raise SourceError("source.message", text="HTTP 503 from the unit's API")
        if self.options.fail == "bug":
            raise ZeroDivisionError("division by zero")
        return [Record("tthc_received", dt.datetime.now(dt.UTC), self.options.value, self.options.unit)]
