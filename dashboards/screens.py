"""The wall screens' playlists, read from config/screens.toml and validated at start-up (the
Reader holds them for the pages; dashboards/wall/ shows them)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from base.catalogue import in_language
from base.config_errors import ConfigError, parse, read_toml
from metrics.settings import Config


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Slide(Strict):
    panel: Literal["tong-quan", "hieu-qua", "de-an-06", "csdl", "canh-bao"]
    seconds: float = Field(ge=3, le=3600)


class Screen(Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,40}$")
    title: str = Field(min_length=1, max_length=120)
    title_en: str = Field(default="", max_length=120)

    slides: list[Slide] = Field(min_length=1)

    def heading(self) -> str:
        """The screen's title in the current language (the Vietnamese one where no English is given)."""
        return in_language(None, self.title, self.title_en or self.title)


class ScreensFile(Strict):
    refresh_seconds: float = Field(default=30, ge=2, le=3600)
    reload_every_hours: float = Field(default=6, gt=0, le=168)
    reload_at_local_hour: int = Field(default=3, ge=0, le=23)
    stale_alert_minutes: float = Field(default=30, ge=0)
    screens: list[Screen] = Field(min_length=1)

    def screen(self, name: str) -> Screen | None:
        return next((s for s in self.screens if s.name == name), None)


def load_screens(config: Config) -> ScreensFile:
    path: Path = config.config_dir / config.settings.screens.file
    screens = parse(ScreensFile, read_toml(path), path)
    seen: dict[str, int] = {}
    for index, screen in enumerate(screens.screens):
        if screen.name in seen:
            raise ConfigError(
                path,
                f"screens[{index}].name",
                f"duplicate screen '{screen.name}' (already screens[{seen[screen.name]}])",
            )
        seen[screen.name] = index
    return screens
