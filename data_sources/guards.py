"""Checks on what a unit system sends, before anything is parsed: nothing from it is trusted."""

from __future__ import annotations

import json
from typing import Any

from data_sources.base import SourceError


def decode_utf8(body: bytes, what: str = "phản hồi") -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(f"{what} không phải văn bản UTF-8 hợp lệ (byte lỗi ở vị trí {error.start})") from None


def json_depth(text: str) -> int:
    """Deepest nesting of arrays and objects in JSON text, counted without parsing it.

    Written by hand because the standard parser recurses and would fail (or exhaust the
    stack) on the very documents this guards against.
    """
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_json(body: bytes, content_type: str, max_depth: int) -> Any:
    """The JSON document in body, or SourceError saying plainly what was wrong."""
    text = decode_utf8(body)
    stripped = text.lstrip()
    if "html" in content_type.lower() or stripped[:1] == "<":
        raise SourceError("máy chủ trả về một trang HTML thay vì dữ liệu JSON")
    if not stripped:
        raise SourceError("phản hồi rỗng, không có dữ liệu JSON")
    depth = json_depth(text)
    if depth > max_depth:
        raise SourceError(f"JSON lồng quá sâu ({depth} cấp, giới hạn {max_depth})")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceError(f"nội dung không phải JSON hợp lệ ({error.msg}, dòng {error.lineno})") from None
