"""How a figure is printed in the briefing's documents (PDF and DOCX alike): one decimal,
Vietnamese separators, "—" when missing, "(*)" when provisional."""

from __future__ import annotations

from dashboards import format as fmt


def number(value: float | None, lang: str, decimals: int = 1) -> str:
    return "—" if value is None else fmt.number(value, decimals, lang)


def signed(value: float | None, lang: str, decimals: int = 1) -> str:
    return "—" if value is None else fmt.signed(value, decimals, lang)


def figure(value: float | None, suffix: str, lang: str) -> str:
    """89,1% or 73,8 điểm (suffix "%" or " điểm")."""
    if value is None:
        return "—"
    return fmt.percent(value, 1, lang) if suffix == "%" else fmt.number(value, 1, lang) + suffix


def star(text: str, confirmed: bool) -> str:
    """A provisional figure carries (*)."""
    return text if confirmed else f"{text} (*)"
