"""One error type for every configuration problem: it names the file, the key and the problem."""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError


class ConfigError(Exception):
    """A configuration that cannot be used; start-up stops with this message."""

    def __init__(self, file: Path | str, key: str, problem: str) -> None:
        self.file, self.key, self.problem = str(file), key, problem
        super().__init__(f"{self.file}: {key or '(file)'}: {problem}")


def key_path(loc: tuple[Any, ...]) -> str:
    """('units', 3, 'code') -> 'units[3].code'"""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(path, "", "file not found")
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, "", f"not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise ConfigError(path, "", "not UTF-8 text") from None


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any, file: Path | str, prefix: str = "") -> M:
    """Validate data with a pydantic model; the first error becomes a ConfigError."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        errors = error.errors()
        # A misspelt key is both unknown and, under its right name, missing: name the one the
        # file holds, and suggest the one it meant.
        unknown = [e for e in errors if e["type"] == "extra_forbidden"]
        first = unknown[0] if unknown else errors[0]
        key = key_path(first["loc"])
        if prefix:
            key = f"{prefix}.{key}" if key else prefix
        problem = first["msg"]
        if first["type"] == "extra_forbidden":
            problem = "unknown key (not part of the configuration; check its spelling)"
            siblings = [e for e in errors if e["type"] == "missing" and e["loc"][:-1] == first["loc"][:-1]]
            missing = [str(e["loc"][-1]) for e in siblings]
            meant = difflib.get_close_matches(str(first["loc"][-1]), missing, n=1)
            if meant:
                problem = f"unknown key: did you mean '{meant[0]}'?"
        elif first["type"] == "missing":
            problem = "required key is missing"
        raise ConfigError(file, key, problem) from None
