"""Deployment settings and the configured sources, read and validated at start-up.

One TOML file (config/settings.toml by default; --config or IOC_CONFIG to choose another)
names the catalogue folder and the sources file. IOC_STORE_URL, IOC_CACHE_URL and IOC_DATA_DIR
override what the file says.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from base import localtime
from base.catalogue import Catalogue, load_catalogue
from base.config_errors import ConfigError, parse, read_toml
from data_sources.base import OptionError, Options
from data_sources.registry import KINDS, KindUnavailable, source_class

MIN_RETENTION_DAYS = 120  # the outlier check looks 8 weeks back, the lineage page 90 days
DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config" / "settings.toml"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AppSection(Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8050, ge=1, le=65535)
    language: Literal["vi", "en"] = "vi"
    timezone: str = localtime.DEFAULT_ZONE
    refresh_seconds: int = Field(default=20, ge=2, le=3600)
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed (0: none,
    # the address and scheme are the connection's own).
    trusted_proxies: int = Field(default=0, ge=0, le=5)

    @field_validator("timezone")
    @classmethod
    def _fixed_offset(cls, value: str) -> str:
        localtime.fixed_offset(value)  # ValueError names the zone and why it cannot be used
        return value


class StoreSection(Section):
    url: str = ""
    # Raw samples older than this are removed (their daily and weekly rollups are kept for
    # ever); 0 keeps every raw sample. At least the outlier check's history and the lineage page.
    raw_retention_days: int = Field(default=1100, ge=0, le=36600)

    @field_validator("raw_retention_days")
    @classmethod
    def _long_enough(cls, value: int) -> int:
        if 0 < value < MIN_RETENTION_DAYS:
            raise ValueError(f"keep raw samples at least {MIN_RETENTION_DAYS} days (or 0: for ever)")
        return value


class CacheSection(Section):
    url: str = ""
    timeout_seconds: int = Field(default=600, ge=1)


class CollectionSection(Section):
    stale_after_intervals: float = Field(default=3, gt=1)
    backfill_weeks: int = Field(default=26, ge=0, le=520)
    max_workers: int = Field(default=64, ge=1, le=1024)


class CatalogueSection(Section):
    dir: str = "catalogue"


class SourcesSection(Section):
    file: str = "sources.toml"


class ScreensSection(Section):
    file: str = "screens.toml"


class SchedulerSection(Section):
    # Modules whose jobs the collection scheduler runs besides the collections, each with
    # check(config) and register(scheduler, store, config): metrics/ names no module above it.
    jobs: list[str] = Field(default_factory=lambda: ["briefings.jobs", "dashboards.prebuild"])


class SingleSignOnSection(Section):
    """The ministry's OpenID Connect identity provider; off while issuer is empty. The client
    secret comes from IOC_OIDC_CLIENT_SECRET, never from a file."""

    issuer: str = ""  # e.g. "https://sso.moh.gov.vn/realms/ioc": its /.well-known/openid-configuration is read
    client_id: str = ""
    groups_claim: str = "groups"
    scopes: str = "openid profile email"
    # The provider's group → the IOC's role; a department head's group names the unit:
    # "ioc-lanh-dao" = "leadership", "ioc-bhyt" = "department_head:BHYT".
    groups: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> SingleSignOnSection:
        if self.issuer and not self.issuer.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ValueError("issuer must be an https:// address (http only on this machine, for tests)")
        if self.issuer and not self.client_id:
            raise ValueError("client_id is needed when issuer is set")
        for group, role in self.groups.items():
            name, _, unit = role.partition(":")
            if name not in ("leadership", "focal_point", "department_head", "admin"):
                raise ValueError(f"group '{group}': unknown role '{name}'")
            if (name == "department_head") != bool(unit):
                raise ValueError(f"group '{group}': a department head's role names the unit (department_head:CODE)")
        return self


class SignInSection(Section):
    idle_minutes: int = Field(default=480, ge=5, le=1440)  # a session unused this long ends
    max_hours: int = Field(default=12, ge=1, le=168)  # and every session ends this long after sign-in
    attempts_per_minute: int = Field(default=5, ge=1, le=100)  # failed sign-ins a username may have
    # Failed sign-ins from one address: higher, since a ministry's office shares one address.
    address_attempts_per_minute: int = Field(default=30, ge=1, le=1000)
    sso: SingleSignOnSection = SingleSignOnSection()


class ApiSection(Section):
    """The read API (/api/v1) for other operations centres."""

    requests_per_minute: int = Field(default=120, ge=1, le=6000)  # a new token's rate, unless given
    page_size: int = Field(default=1000, ge=10, le=10000)  # items of a page when the call names no limit
    max_page_size: int = Field(default=10000, ge=10, le=50000)


class SettingsFile(Section):
    app: AppSection = AppSection()
    store: StoreSection = StoreSection()
    cache: CacheSection = CacheSection()
    collection: CollectionSection = CollectionSection()
    catalogue: CatalogueSection = CatalogueSection()
    sources: SourcesSection = SourcesSection()
    screens: ScreensSection = ScreensSection()
    scheduler: SchedulerSection = SchedulerSection()
    sign_in: SignInSection = SignInSection()
    api: ApiSection = ApiSection()


SourceId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]


class SourceConfig(Section):
    id: SourceId
    kind: str
    enabled: bool = True
    interval_seconds: float = Field(ge=5, le=7 * 86400)
    jitter_seconds: float = Field(default=0, ge=0)
    timeout_seconds: float = Field(gt=0)
    look_back_days: float = Field(default=2, gt=0, le=3660)
    options: Any = None

    @model_validator(mode="after")
    def _timing(self) -> SourceConfig:
        if self.timeout_seconds >= self.interval_seconds:
            raise ValueError("timeout_seconds must be below interval_seconds, so one run ends before the next starts")
        if self.jitter_seconds >= self.interval_seconds:
            raise ValueError("jitter_seconds must be below interval_seconds")
        return self


class SourcesFile(Section):
    sources: list[dict[str, Any]] = Field(default_factory=list)


@dataclass(frozen=True)
class Config:
    """Everything start-up read: settings, catalogue and sources, with the paths they came from."""

    settings_file: Path
    config_dir: Path
    data_dir: Path
    store_url: str
    cache_url: str
    settings: SettingsFile
    catalogue: Catalogue
    sources: tuple[SourceConfig, ...]

    def source(self, source_id: str) -> SourceConfig:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)


def _load_sources(path: Path, catalogue: Catalogue, config_dir: Path) -> tuple[SourceConfig, ...]:
    raw = parse(SourcesFile, read_toml(path), path)
    sources: list[SourceConfig] = []
    seen: dict[str, int] = {}
    writers: dict[tuple[str, str, str], tuple[int, str]] = {}  # series → the source declaring it
    for index, entry in enumerate(raw.sources):
        prefix = f"sources[{index}]"
        source = parse(SourceConfig, entry, path, prefix)
        if source.id in seen:
            raise ConfigError(
                path, f"{prefix}.id", f"duplicate source id '{source.id}' (already used by sources[{seen[source.id]}])"
            )
        seen[source.id] = index
        if source.kind not in KINDS:
            raise ConfigError(
                path, f"{prefix}.kind", f"unknown kind '{source.kind}' (known: {', '.join(sorted(KINDS))})"
            )
        try:
            kind = source_class(source.kind)
        except KindUnavailable as error:
            raise ConfigError(path, f"{prefix}.kind", str(error)) from None
        options: Options = parse(kind.options_model, source.options or {}, path, f"{prefix}.options")
        try:
            kind.check_options(options, catalogue, config_dir)
            options = kind.within_timeout(options, source.timeout_seconds)
        except OptionError as error:
            raise ConfigError(path, f"{prefix}.options.{error.key}", error.problem) from None
        if source.enabled:
            for key in sorted(kind.declared_series(options, catalogue)):
                if key in writers:
                    other_index, other_id = writers[key]
                    raise ConfigError(
                        path,
                        f"{prefix}.options",
                        f"the series {'/'.join(p for p in key if p)} is already written by source '{other_id}' "
                        f"(sources[{other_index}]); two sources for one series would overwrite each other: "
                        "disable one (enabled = false)",
                    )
                writers[key] = (index, source.id)
        sources.append(source.model_copy(update={"options": options}))
    return tuple(sources)


def _within_retention(path: Path, settings: SettingsFile, sources: tuple[SourceConfig, ...]) -> None:
    """History asked of the sources must fit in the raw samples kept: a record older than the
    retention would be refused at every collection."""
    keep = settings.store.raw_retention_days
    if not keep:
        return
    if settings.collection.backfill_weeks * 7 > keep:
        raise ConfigError(
            path,
            "collection.backfill_weeks",
            f"{settings.collection.backfill_weeks} weeks is longer than store.raw_retention_days ({keep} days)",
        )
    for source in sources:
        if source.look_back_days > keep:
            raise ConfigError(
                path,
                "store.raw_retention_days",
                f"source '{source.id}' looks back {source.look_back_days:g} days, more than the {keep} days kept",
            )


def load_config(settings_file: Path | str | None = None) -> Config:
    """Read the whole configuration; ConfigError names the file, key and problem."""
    path = Path(settings_file or os.environ.get("IOC_CONFIG") or DEFAULT_CONFIG).resolve()
    settings = parse(SettingsFile, read_toml(path), path)
    config_dir = path.parent
    catalogue = load_catalogue(config_dir / settings.catalogue.dir)
    sources = _load_sources(config_dir / settings.sources.file, catalogue, config_dir)
    _within_retention(path, settings, sources)
    data_dir = Path(os.environ.get("IOC_DATA_DIR") or "data").resolve()
    store_url = os.environ.get("IOC_STORE_URL") or settings.store.url or f"sqlite:///{data_dir / 'ioc.sqlite3'}"
    cache_url = os.environ.get("IOC_CACHE_URL") or settings.cache.url
    return Config(
        settings_file=path,
        config_dir=config_dir,
        data_dir=data_dir,
        store_url=store_url,
        cache_url=cache_url,
        settings=settings,
        catalogue=catalogue,
        sources=sources,
    )
