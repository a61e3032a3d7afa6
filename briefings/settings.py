"""config/briefings.toml: schedule, document heading and signature, SMTP and recipients,
validated the way the rest of the configuration is (file: key: problem)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from base.config_errors import ConfigError, parse, read_toml
from metrics.settings import Config

FILE_NAME = "briefings.toml"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Schedule(Section):
    day_of_week: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    time: str = "07:00"
    languages: list[Literal["vi", "en"]] = Field(default=["vi"], min_length=1)
    retry_minutes: int = Field(default=15, ge=1, le=1440)
    max_send_attempts: int = Field(default=12, ge=1, le=1000)

    @field_validator("time")
    @classmethod
    def _clock(cls, value: str) -> str:
        match = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)", value)
        if not match:
            raise ValueError("must be HH:MM, e.g. 07:00")
        return value

    @property
    def hour_minute(self) -> tuple[int, int]:
        hour, minute = self.time.split(":")
        return int(hour), int(minute)


class Document(Section):
    agency_parent: str = "BỘ Y TẾ"
    agency: str = "TRUNG TÂM ĐIỀU HÀNH THÔNG MINH"
    symbol: str = "BC-IOC"
    place: str = "Hà Nội"
    signer_title: str = "GIÁM ĐỐC"
    recipients: list[str] = Field(default_factory=list)


class Smtp(Section):
    host: str = ""
    port: int = Field(default=25, ge=1, le=65535)
    starttls: bool = False
    username: str = ""
    sender: str = "ioc@localhost"
    timeout_seconds: float = Field(default=20, gt=0, le=300)


class Recipient(Section):
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    scope: str = "ministry"
    lang: Literal["vi", "en"] = "vi"


class BriefingSettings(Section):
    schedule: Schedule = Schedule()
    document: Document = Document()
    smtp: Smtp = Smtp()
    recipients: list[Recipient] = Field(default_factory=list)


def load_briefing_settings(config: Config) -> BriefingSettings:
    """Read config/briefings.toml beside settings.toml; defaults when the file is absent."""
    path = Path(config.config_dir) / FILE_NAME
    settings = parse(BriefingSettings, read_toml(path), path) if path.is_file() else BriefingSettings()
    for index, recipient in enumerate(settings.recipients):
        if recipient.scope != "ministry" and recipient.scope not in config.catalogue.units:
            raise ConfigError(
                path, f"recipients[{index}].scope", f"unknown unit '{recipient.scope}' (use 'ministry' or a unit code)"
            )
    return settings
