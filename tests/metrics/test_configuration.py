"""The configuration is validated at start-up; a mistake names the file, the key and the problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from base.config_errors import ConfigError
from metrics.settings import load_config


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def load_error(settings: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_config(settings)
    return caught.value


def test_the_default_catalogue_has_the_twelve_units_and_databases_of_the_domain(default_config):
    catalogue = default_config.catalogue
    assert list(catalogue.units) == [
        "KHCN",
        "BMTE",
        "BTXH",
        "PB",
        "ATTP",
        "QLD",
        "YDCT",
        "HTTB",
        "KCB",
        "TCCB",
        "VPB",
        "TTYTQG",
    ]
    assert catalogue.units["TTYTQG"].name_vi == "Trung tâm Thông tin y tế Quốc gia"
    assert catalogue.units["TTYTQG"].name_en == "National Health Information Center"
    assert len(catalogue.databases) == 12
    assert catalogue.databases["SKDT"].owner == "TTYTQG"
    assert [c.name_vi for c in catalogue.criteria.values()] == [
        "Đúng",
        "Đủ",
        "Sạch",
        "Sống",
        "Thống nhất",
        "Dùng chung",
    ]
    assert len(catalogue.stages) == 6


def test_the_default_catalogue_defines_tasks_indicators_and_metric_ranges(default_config):
    catalogue = default_config.catalogue
    assert catalogue.tasks["P06_BIRTH"].sla_hours == 4
    assert catalogue.tasks["P06_CHIPCARD"].target == 50
    on_time = catalogue.indicators["on_time_rate"]
    assert (on_time.numerator, on_time.denominator) == ("tthc_resolved_on_time", "tthc_resolved")
    assert (
        catalogue.metrics["db_score_dung"].max == 100 and catalogue.metrics["db_score_dung"].unit_of_measure == "điểm"
    )
    assert all(m.min <= m.max for m in catalogue.metrics.values())
    assert len(default_config.sources) == 12
    assert {s.options.unit for s in default_config.sources} == set(catalogue.units)


def test_a_misspelt_key_names_its_file_and_key(config_copy):
    edit(
        config_copy.parent / "catalogue" / "units.toml",
        'name_en = "Drug Administration"',
        'nam_en = "Drug Administration"',
    )
    error = load_error(config_copy)
    assert error.file.endswith("units.toml")
    assert error.key == "units[5].nam_en"  # the key the file holds
    assert error.problem == "unknown key: did you mean 'name_en'?"


def test_an_unknown_key_is_refused_rather_than_ignored(config_copy):
    edit(
        config_copy.parent / "catalogue" / "metrics.toml",
        'code = "tthc_received"\n',
        'code = "tthc_received"\ncolour = "red"\n',
    )
    error = load_error(config_copy)
    assert error.file.endswith("metrics.toml")
    assert error.key == "metrics[0].colour"
    assert "unknown key" in error.problem


def test_a_duplicate_code_is_refused(config_copy):
    edit(config_copy.parent / "catalogue" / "units.toml", 'code = "BMTE"', 'code = "KHCN"')
    error = load_error(config_copy)
    assert error.file.endswith("units.toml")
    assert error.key == "units[1].code"
    assert "duplicate code 'KHCN'" in error.problem and "units[0]" in error.problem
    assert str(error).startswith(str(config_copy.parent / "catalogue" / "units.toml") + ": units[1].code: duplicate")


def test_a_database_owned_by_an_unknown_unit_is_refused(config_copy):
    edit(config_copy.parent / "catalogue" / "databases.toml", 'owner = "QLD"', 'owner = "CUCXYZ"')
    error = load_error(config_copy)
    assert error.file.endswith("databases.toml")
    assert error.key == "databases[1].owner"
    assert error.problem == "unknown unit 'CUCXYZ'"


def test_a_task_of_an_unknown_unit_and_an_indicator_of_an_unknown_metric_are_refused(config_copy):
    tasks = config_copy.parent / "catalogue" / "project06.toml"
    edit(tasks, 'owner = "VPB"', 'owner = "VP"')
    error = load_error(config_copy)
    assert (Path(error.file).name, error.key, error.problem) == (
        "project06.toml",
        "tasks[6].owner",
        "unknown unit 'VP'",
    )
    edit(tasks, 'owner = "VP"', 'owner = "VPB"')
    edit(config_copy.parent / "catalogue" / "indicators.toml", 'numerator = "tthc_paid_online"', 'numerator = "paid"')
    error = load_error(config_copy)
    assert (Path(error.file).name, error.key, error.problem) == (
        "indicators.toml",
        "indicators[3].numerator",
        "unknown metric 'paid'",
    )


def test_a_source_for_an_unknown_unit_names_the_source_option(config_copy):
    edit(config_copy.parent / "sources.toml", 'unit = "PB"', 'unit = "XX"')
    error = load_error(config_copy)
    assert (Path(error.file).name, error.key, error.problem) == (
        "sources.toml",
        "sources[3].options.unit",
        "unknown unit 'XX'",
    )


def test_a_source_whose_timeout_is_not_below_its_interval_is_refused(config_copy):
    edit(config_copy.parent / "sources.toml", "timeout_seconds = 30", "timeout_seconds = 60")
    error = load_error(config_copy)
    assert error.key == "sources[0]"
    assert "timeout_seconds must be below interval_seconds" in error.problem


def test_duplicate_source_ids_are_refused(config_copy):
    edit(config_copy.parent / "sources.toml", 'id = "demo-bmte"', 'id = "demo-khcn"')
    error = load_error(config_copy)
    assert error.key == "sources[1].id" and "duplicate source id 'demo-khcn'" in error.problem


def test_an_unknown_kind_of_source_is_refused(config_copy):
    edit(config_copy.parent / "sources.toml", '\nkind = "demo"', '\nkind = "ftp"')
    error = load_error(config_copy)
    assert error.key == "sources[0].kind" and "unknown kind 'ftp'" in error.problem


def test_a_kind_whose_library_is_missing_stops_start_up_naming_it(config_copy, monkeypatch):
    from data_sources.registry import KINDS

    monkeypatch.setitem(KINDS, "demo", "tests.metrics.kind_without_its_library:Source")
    error = load_error(config_copy)
    assert error.key == "sources[0].kind"
    assert "kind 'demo' cannot be loaded here: No module named 'a_library_nobody_installed'" in error.problem


def test_a_settings_file_with_a_wrong_key_or_bad_toml_is_refused(config_copy):
    edit(config_copy, "backfill_weeks = 26", "backfill_week = 26")
    error = load_error(config_copy)
    assert (Path(error.file).name, error.key) == ("settings.toml", "collection.backfill_week")
    config_copy.write_text("[app\nport = 1", encoding="utf-8")
    error = load_error(config_copy)
    assert error.key == "" and re.search("not valid TOML", error.problem)


def test_start_up_stops_with_the_message_on_a_bad_configuration(config_copy, tmp_path):
    import subprocess
    import sys

    edit(config_copy.parent / "catalogue" / "units.toml", 'code = "BMTE"', 'code = "KHCN"')
    result = subprocess.run(
        [sys.executable, "app.py", "--config", str(config_copy), "--port", "1"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
        env={"IOC_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert "units.toml: units[1].code: duplicate code 'KHCN'" in result.stderr
    assert not (tmp_path / "data").exists()


def test_an_indicator_can_have_its_own_thresholds_and_they_are_checked(default_config, config_copy):
    catalogue = default_config.catalogue
    on_time, online = catalogue.indicators["on_time_rate"], catalogue.indicators["online_rate"]
    assert (on_time.thresholds.green, on_time.thresholds.amber) == (98, 92)
    # 90% against a 95% target is 94.7% attainment: amber by its own thresholds ...
    assert catalogue.attainment_colour(on_time, 90.0) == "amber"
    # ... where the default thresholds (90/75) would call it green, as they do for online_rate
    assert catalogue.attainment_colour(online, 0.947 * online.target) == "green"
    assert catalogue.attainment_colour(on_time, None) == "none"
    edit(
        config_copy.parent / "catalogue" / "indicators.toml",
        "thresholds = { green = 98, amber = 92 }",
        "thresholds = { green = 80, amber = 92 }",
    )
    error = load_error(config_copy)
    assert error.key == "indicators[0].thresholds" and "amber must not be above green" in error.problem


def add_spreadsheet_source(settings: Path, timeout: int, *options: str) -> Path:
    """Append a spreadsheet source for KCB to the sources file next to settings."""
    sources = settings.parent / "sources.toml"
    entry = f'id = "files"\nkind = "spreadsheet"\ninterval_seconds = 300\ntimeout_seconds = {timeout}\n'
    lines = "\n".join(['unit = "KCB"', *options])
    sources.write_text(
        sources.read_text(encoding="utf-8") + f"\n[[sources]]\n{entry}[sources.options]\n{lines}\n", encoding="utf-8"
    )
    return sources


def test_two_sources_declaring_one_series_are_refused_naming_both(config_copy):
    add_spreadsheet_source(config_copy, 60)
    error = load_error(config_copy)
    assert error.file.endswith("sources.toml") and error.key.endswith(".options")
    assert "already written by source 'demo-kcb'" in error.problem and "two sources for one series" in error.problem


def test_a_reading_limit_at_or_above_the_timeout_is_refused(config_copy):
    add_spreadsheet_source(config_copy, 30, "max_read_seconds = 30")
    error = load_error(config_copy)
    assert error.key.endswith("options.max_read_seconds") and "below timeout_seconds" in error.problem


def test_a_spreadsheet_reads_for_three_quarters_of_its_timeout_unless_told(config_copy):
    sources = add_spreadsheet_source(config_copy, 20)
    edit(sources, 'id = "demo-kcb"\nkind = "demo"\n', 'id = "demo-kcb"\nkind = "demo"\nenabled = false\n')
    assert load_config(config_copy).source("files").options.max_read_seconds == 15
