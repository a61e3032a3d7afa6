"""The README's configuration examples load as written, run, and cover every kind of source."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from data_sources.registry import KINDS
from metrics.collection import Collector
from metrics.settings import load_config
from tests.conftest import REPO
from tests.data_sources.loopback import Answer

README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, re.S)
EXAMPLES = {
    re.search(r'kind = "(\w+)"', body).group(1): body
    for syntax, body in BLOCKS
    if syntax == "toml" and "[[sources]]" in body
}


def block_after(example: str, syntax: str) -> str:
    """The first code block of the given language after an example."""
    index = [body for _, body in BLOCKS].index(example)
    return next(body for kind, body in BLOCKS[index + 1 :] if kind == syntax)


def load_with(config_copy: Path, example: str, data_dir: Path):
    (config_copy.parent / "sources.toml").write_text(example, encoding="utf-8")
    config = load_config(config_copy)
    return dataclasses.replace(config, data_dir=data_dir)


def test_every_kind_of_source_has_an_example():
    assert set(EXAMPLES) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_example_loads_as_written(kind, config_copy, tmp_path):
    config = load_with(config_copy, EXAMPLES[kind], tmp_path)
    assert [s.kind for s in config.sources] == [kind]


def test_the_http_json_example_reads_the_answer_shown(config_copy, tmp_path, sqlite_store, api, monkeypatch):
    example = EXAMPLES["http_json"]
    url = api.route("/api/v1/thong-ke/ho-so", Answer(body=block_after(example, "json").encode()))
    monkeypatch.setenv("KCB_API_TOKEN", "Bearer t")
    settings = config_copy.read_text(encoding="utf-8")  # the example's dates age: keep every raw sample
    config_copy.write_text(settings.replace("raw_retention_days = 1100", "raw_retention_days = 0"), encoding="utf-8")
    example = example.replace("https://dvc.kcb.example.vn/api/v1/thong-ke/ho-so", url).replace(
        "look_back_days = 7", "look_back_days = 3650"
    )
    config = load_with(config_copy, example, tmp_path)
    outcome = Collector(config, sqlite_store).collect("kcb-dvc-api")
    assert (outcome.status, outcome.rows_written, outcome.rows_rejected) == ("ok", 2, 0)
    assert api.requests[0]["headers"]["Authorization"] == "Bearer t"


def test_the_prometheus_example_reads_the_exposition_shown(config_copy, tmp_path, sqlite_store, api):
    example = EXAMPLES["prometheus"]
    url = api.route("/federate", Answer(body=block_after(example, "text").encode(), content_type="text/plain"))
    config = load_with(config_copy, example.replace("http://monitor.vpb.example.vn:9090/federate", url), tmp_path)
    source = Collector(config, sqlite_store).sources["vpb-dvc-monitoring"]
    from data_sources.base import Window

    now = dt.datetime.now(dt.UTC)
    records = {r.metric: r.value for r in source.fetch(Window(now, now))}
    assert records == {"system_availability": 100.0, "system_requests_total": 120345.0}


def test_the_sql_example_runs_on_postgresql(config_copy, tmp_path, sqlite_store, postgres_url, monkeypatch):
    engine = create_engine(postgres_url)
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE birth_certificates (issued_at timestamptz, sent_at timestamptz)"))
        connection.execute(
            text("INSERT INTO birth_certificates VALUES (:a, :a), (:a, :late), (:b, :b)"),
            {"a": now - dt.timedelta(days=1), "late": now, "b": now - dt.timedelta(hours=1)},
        )
    engine.dispose()
    monkeypatch.setenv("BMTE_DB_URL", postgres_url)
    config = load_with(config_copy, EXAMPLES["sql"], tmp_path)
    outcome = Collector(config, sqlite_store).collect("bmte-chung-sinh-db")
    assert outcome.status == "ok" and outcome.rows_written >= 2


def test_the_spreadsheet_example_ingests_a_dropped_file(config_copy, tmp_path, sqlite_store):
    config = load_with(config_copy, EXAMPLES["spreadsheet"], tmp_path)
    folder = tmp_path / "drop" / "ydct-bao-cao-tuan"
    folder.mkdir(parents=True)
    day = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).strftime("%d/%m/%Y")
    dropped = folder / "tuan.csv"
    dropped.write_text(f"Ngày;Mã chỉ số;Giá trị\n{day};tthc_received;35\n", encoding="utf-8")
    assert Collector(config, sqlite_store).collect("ydct-bao-cao-tuan").rows_written == 0  # not settled yet
    settled = time.time() - 120
    os.utime(dropped, (settled, settled))
    outcome = Collector(config, sqlite_store).collect("ydct-bao-cao-tuan")
    assert (outcome.status, outcome.rows_written) == ("ok", 1)


def test_the_demo_example_collects(config_copy, tmp_path, sqlite_store):
    config = load_with(config_copy, EXAMPLES["demo"], tmp_path)
    assert Collector(config, sqlite_store).collect("demo-kcb").status == "ok"


def documented_options(kind: str) -> set[str]:
    """The options the README's section of a kind names in backticks."""
    start = README.index(f"**`{kind}`**")
    end = min(
        [README.index(f"**`{k}`**") for k in KINDS if README.index(f"**`{k}`**") > start] + [README.index("### What")]
    )
    return set(re.findall(r"`([a-z_]+(?:\[\]\.[a-z_]+)?)`", README[start:end]))


def declared(model, prefix: str = "") -> set[str]:
    """Every option of a kind's schema, nested lists as values[].metric."""
    names = set()
    for name, field in model.model_fields.items():
        names.add(prefix + name)
        for inner in (field.annotation, *getattr(field.annotation, "__args__", ())):
            if hasattr(inner, "model_fields") and inner is not field.annotation:
                names |= declared(inner, f"{prefix}{name}[].")
    return names


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_option_of_every_kind_is_in_the_readme(kind):
    from data_sources.registry import source_class

    missing = declared(source_class(kind).options_model) - documented_options(kind)
    assert not missing, f"options of {kind} not in its README section: {sorted(missing)}"


def test_every_setting_and_source_key_is_in_the_readme():
    from metrics.settings import SettingsFile, SourceConfig

    settings = {
        f"{section}.{key}"
        for section, model in SettingsFile.model_fields.items()
        for key in model.annotation.model_fields
    }
    missing = {s for s in settings if f"| `{s}` |" not in README}
    missing |= {
        f"sources.{k}" for k in SourceConfig.model_fields if f"`{k}`" not in README and f"`[sources.{k}]`" not in README
    }
    assert not missing, f"not documented in the README: {sorted(missing)}"
