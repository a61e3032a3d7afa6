"""Every word shown to people is in the catalogue, translated, and compiled: what pybabel
extracts from the code (babel.cfg) is exactly what locale/vi holds, every message has its
Vietnamese, no translation is left that the code no longer uses, and the .mo files are the
compiled .po files. A stored problem's code always has its message."""

from __future__ import annotations

import io
import json
import re
import string

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from base import i18n
from base.problems import MESSAGES, Problem
from tests.conftest import REPO

CATALOGUE = REPO / "locale" / "vi" / "LC_MESSAGES" / "messages.po"
COMPILED = CATALOGUE.with_suffix(".mo")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "N_": None,
}


def extracted() -> set[tuple[str | None, str]]:
    """(context, msgid) of every message the code marks, found the way pybabel extract finds them."""
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(REPO), method_map=[(p, "python") for p in babel_patterns()], keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.add((context, msgid))
    return found


def babel_patterns() -> list[str]:
    return re.findall(r"^\[python: (.+)\]$", (REPO / "babel.cfg").read_text(encoding="utf-8"), re.M)


@pytest.fixture(scope="module")
def catalogue():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle, locale="vi")


def in_catalogue(catalogue) -> set[tuple[str | None, str]]:
    return {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalogue if m.id}


def test_every_message_of_the_code_is_in_the_catalogue(catalogue):
    missing = extracted() - in_catalogue(catalogue)
    assert not missing, f"not in locale/vi (run pybabel extract and update, README: Text): {sorted(missing, key=str)}"


def test_no_translation_is_left_that_the_code_does_not_use(catalogue):
    unused = in_catalogue(catalogue) - extracted()
    assert not unused, f"translations nobody uses (pybabel update drops them): {sorted(unused, key=str)}"


def test_every_message_has_its_vietnamese_with_the_same_placeholders(catalogue):
    for message in catalogue:
        if not message.id:
            continue
        assert not message.fuzzy, f"fuzzy (unchecked) translation of {message.id!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"no Vietnamese for {message.id!r}"
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set().union(*(fields(i) for i in ids)) - {"unit_of_measure_en"}
        for translated in strings:
            assert fields(translated) - {"unit_of_measure"} <= wanted | {"n"}, f"{message.id!r}: {translated!r}"


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_compiled_catalogue_is_the_catalogue(catalogue):
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    assert COMPILED.read_bytes() == compiled.getvalue(), "stale .mo: run pybabel compile -d locale"


def test_every_problem_code_has_a_message_worded_in_both_languages():
    for code in MESSAGES:
        problem = Problem(code, {})  # parameters missing: worded all the same, never an error
        with i18n.language("vi"):
            vietnamese = problem.text()
        with i18n.language("en"):
            english = problem.text()
        assert vietnamese and english
    with pytest.raises(KeyError):
        Problem("no.such.code", {})


def test_a_stored_problem_is_worded_in_each_readers_language():
    stored = Problem.of("run.timeout", seconds=2.5).stored()
    with i18n.language("vi"):
        assert Problem.from_stored(stored).text() == "không trả lời trong 2,5 giây (quá thời gian chờ)"
    with i18n.language("en"):
        assert Problem.from_stored(stored).text() == "no answer within 2.5 seconds (timed out)"
    assert (
        Problem.from_stored("a message stored before codes existed").text() == "a message stored before codes existed"
    )
    nested = Problem.of("http.gave_up", reason=Problem.of("http.status", status=503, url="http://x/"), attempts=3)
    with i18n.language("vi"):
        assert Problem.from_stored(nested.stored()).text() == "HTTP 503 từ http://x/ (sau 3 lần thử)"


def test_numbers_that_are_not_json_are_stored_as_text():
    stored = Problem.of("record.not_finite", value=float("nan")).stored()  # json.dumps(allow_nan=False) inside
    assert json.loads(stored) == {"code": "record.not_finite", "params": {"value": "nan"}}
