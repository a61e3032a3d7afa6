"""config/briefings.toml is validated at start-up like the rest: file, key and problem."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from base.config_errors import ConfigError
from briefings.settings import load_briefing_settings
from metrics.settings import load_config
from tests.conftest import REPO


def broken(config_copy: Path, old: str, new: str) -> Path:
    path = config_copy.parent / "briefings.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_shipped_file_is_valid_and_sends_nothing_until_a_server_is_set(default_config):
    settings = load_briefing_settings(default_config)
    assert settings.schedule.day_of_week == "mon" and settings.schedule.hour_minute == (7, 0)
    assert settings.smtp.host == "" and settings.recipients == []
    assert settings.document.agency_parent == "BỘ Y TẾ"


@pytest.mark.parametrize(
    "old, new, key, problem",
    [
        ('time = "07:00"', 'time = "7h"', "schedule.time", "must be HH:MM"),
        ('day_of_week = "mon"', 'day_of_week = "monday"', "schedule.day_of_week", "Input should be"),
        ("retry_minutes = 15", "retry_mins = 15", "schedule.retry_mins", "unknown key"),
        (
            '# [[recipients]]\n# email = "vanphong@moh.gov.vn"\n# scope = "ministry"',
            '[[recipients]]\nemail = "vanphong@moh.gov.vn"\nscope = "KHONGCO"',
            "recipients[0].scope",
            "unknown unit 'KHONGCO'",
        ),
    ],
)
def test_a_mistake_names_the_file_key_and_problem(config_copy, old, new, key, problem):
    path = broken(config_copy, old, new)
    with pytest.raises(ConfigError) as error:
        load_briefing_settings(load_config(config_copy))
    assert error.value.file == str(path) and error.value.key == key and problem in error.value.problem


def test_the_app_refuses_to_start_with_a_broken_briefing_file(config_copy, tmp_path):
    broken(config_copy, 'time = "07:00"', 'time = "25:00"')
    done = subprocess.run(
        [sys.executable, "app.py", "--config", str(config_copy), "--port", "1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env={"IOC_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 2 and "briefings.toml: schedule.time: " in done.stderr
