"""Every entry point starts the same way (metrics/startup.py): the same message and exit code
when the configuration cannot be used (2) or the store cannot be reached (3)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO, free_port

ENTRY_POINTS = {
    "app": ["app.py", "--port", "{port}"],
    "metrics": ["-m", "metrics", "collect"],
    "metrics scheduler": ["-m", "metrics", "scheduler"],
    "briefings": ["-m", "briefings", "send"],
}


def start(entry: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    command = [part.replace("{port}", str(free_port())) for part in ENTRY_POINTS[entry]]
    return subprocess.run(
        [sys.executable, *command], cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True, timeout=90
    )


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_a_configuration_that_cannot_be_used_stops_every_entry_point_with_exit_2(entry, config_copy, tmp_path):
    settings = config_copy.read_text(encoding="utf-8").replace("port = 8050", "port = 80500")
    config_copy.write_text(settings, encoding="utf-8")
    done = start(entry, {"IOC_CONFIG": str(config_copy), "IOC_DATA_DIR": str(tmp_path)})
    assert done.returncode == 2, done.stderr
    assert f"IOC cannot start: configuration error: {config_copy}: app.port: " in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_a_store_out_of_reach_stops_every_entry_point_with_exit_3(entry, tmp_path):
    unreachable = "postgresql+psycopg://ioc:secret@127.0.0.1:1/ioc?connect_timeout=2"
    done = start(entry, {"IOC_STORE_URL": unreachable, "IOC_DATA_DIR": str(tmp_path)})
    assert done.returncode == 3, done.stderr
    expected = (
        "IOC cannot start: the store postgresql+psycopg://ioc:***@127.0.0.1:1/ioc?connect_timeout=2 is unreachable"
    )
    assert expected in done.stderr and "secret" not in done.stderr
    assert "Traceback" not in done.stderr


def test_the_scheduler_checks_the_briefing_settings_it_will_use(config_copy, tmp_path):
    (config_copy.parent / "briefings.toml").write_text('[schedule]\ntime = "25:00"\n', encoding="utf-8")
    done = start("metrics scheduler", {"IOC_CONFIG": str(config_copy), "IOC_DATA_DIR": str(tmp_path)})
    assert done.returncode == 2 and "briefings.toml: schedule.time: " in done.stderr


def test_a_job_module_that_cannot_be_imported_is_a_configuration_error(config_copy, tmp_path):
    settings = config_copy.read_text(encoding="utf-8").replace(
        'jobs = ["briefings.jobs", ', 'jobs = ["briefings.nope", '
    )
    config_copy.write_text(settings, encoding="utf-8")
    done = start("metrics scheduler", {"IOC_CONFIG": str(config_copy), "IOC_DATA_DIR": str(tmp_path)})
    assert done.returncode == 2 and "scheduler.jobs[0]: cannot import 'briefings.nope'" in done.stderr


def test_a_store_whose_rollups_were_cut_in_another_zone_is_refused_until_they_are_rebuilt(config_copy, tmp_path):
    env = {**os.environ, "IOC_CONFIG": str(config_copy), "IOC_DATA_DIR": str(tmp_path)}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "metrics", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=90
        )

    assert run("collect", "--source", "demo-kcb").returncode == 0  # a new store takes the zone it is given
    settings = config_copy.read_text(encoding="utf-8")
    config_copy.write_text(
        settings.replace('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Asia/Tokyo"'), encoding="utf-8"
    )
    refused = run("collect", "--source", "demo-kcb")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "rollups were cut in UTC+07:00, but app.timezone is 'Asia/Tokyo' (UTC+09:00)" in refused.stderr
    assert "python -m metrics rollups rebuild" in refused.stderr
    assert run("rollups", "rebuild").returncode == 0  # the command that mends it is not refused
    assert run("collect", "--source", "demo-kcb").returncode == 0
    from metrics.store import Store

    store = Store(f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    assert store.rollups_offset() == 9 * 3600
    store.engine.dispose()
