"""The JSON guard of the HTTP sources, side by side with the bare parser on the same bodies.

python bench/json_guard.py [--repeat 5]

parse_json (data_sources/guards.py) decodes, refuses HTML, parses with json.loads and checks the
nesting depth against the configured limit on the text; the ratio is to json.loads alone on
the same bytes (what the guard costs). A body nested 100,000 deep makes json.loads raise
RecursionError at once, which the guard turns into its refusal.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data_sources.base import SourceError  # noqa: E402
from data_sources.guards import nesting_exceeds, parse_json  # noqa: E402

RECORD = '{"date": "24/11/2026", "received": %d, "tags": ["a", {"b": [1, 2, 3]}], "note": "x\\"[{\\\\"}'
BODIES = {
    "records (8 MB, 6 deep)": '{"items": [' + ",".join(RECORD % i for i in range(90_000)) + "]}",
    "empty arrays (6 MB, 2 deep)": "[" + ",".join("[]" for _ in range(2_000_000)) + "]",
    "numbers (7 MB, 1 deep)": "[" + ",".join(str(i) for i in range(1_000_000)) + "]",
    "texts (8 MB, 1 deep)": "[" + ",".join('"%s"' % ("văn bản " * 10) for _ in range(100_000)) + "]",
}


def best(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'body':30} {'json.loads':>11} {'depth check':>12} {'parse_json':>11}  ratio to json.loads")
    for name, text in BODIES.items():
        body = text.encode()
        loads = best(lambda body=body: json.loads(body), args.repeat)  # bytes, decoded by the parser too
        check = best(lambda text=text: nesting_exceeds(text, 64), args.repeat)
        guarded = best(lambda body=body: parse_json(body, "application/json", 64), args.repeat)
        times = f"{loads * 1000:9.0f} ms {check * 1000:10.0f} ms {guarded * 1000:9.0f} ms"
        print(f"{name:30} {times}  {guarded / loads:5.2f}x")
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    started = time.perf_counter()
    try:
        parse_json(deep, "application/json", 64)
    except SourceError as error:
        print(f"100,000 deep: refused in {(time.perf_counter() - started) * 1000:.1f} ms ({error})")
    started = time.perf_counter()
    try:
        json.loads(deep)
    except RecursionError:
        print(f"100,000 deep, json.loads alone: RecursionError in {(time.perf_counter() - started) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
