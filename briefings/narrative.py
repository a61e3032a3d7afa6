"""The briefing's short narrative: plain sentences written from the briefing's own figures,
formatted by the same functions as its tables, so every number in a sentence is in a table.
One sentence plan, worded per language in SENTENCES."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dashboards import format as fmt

if TYPE_CHECKING:  # content.py calls narrative() on the briefing it builds
    from briefings.content import Briefing, Headline

MOVE = 0.05  # changes smaller than this (in points) read as "unchanged": they print as ±0,0

SENTENCES: dict[str, dict[str, str]] = {
    "opening": {
        "vi": "Tuần {week}, {label} của {scope} đạt {value}",
        "en": "In week {week}, {label} for {scope} was {value}",
    },
    "no_previous": {
        "vi": " (chưa có số liệu tuần trước để so sánh).",
        "en": " (no figure for the week before to compare).",
    },
    "unchanged": {"vi": ", không đổi so với tuần trước.", "en": ", unchanged from the week before."},
    "up": {"vi": ", tăng {change} điểm so với tuần trước.", "en": ", up {change} points on the week before."},
    "down": {"vi": ", giảm {change} điểm so với tuần trước.", "en": ", down {change} points on the week before."},
    "improved": {"vi": "Cải thiện: {items}.", "en": "Improved: {items}."},
    "improved_item": {
        "vi": "{label} tăng {change} điểm\u00a0%, đạt {value}",
        "en": "{label} up {change} pp to {value}",
    },
    "fell": {"vi": "Giảm: {items}.", "en": "Fell: {items}."},
    "fell_item": {"vi": "{label} giảm {change} điểm\u00a0%, còn {value}", "en": "{label} down {change} pp to {value}"},
    "below_target": {
        "vi": "{n}/{total} chỉ tiêu chưa đạt mục tiêu; xa nhất là {label} ({value}, mục tiêu {target}%).",
        "en": "{n}/{total} figures are below target; furthest is {label} ({value}, target {target}%).",
    },
    "overdue": {
        "vi": "Đề án 06 có {n} nhiệm vụ quá hạn: {items}.",
        "en": "Project 06 has {n} overdue task{s}: {items}.",
    },
    "overdue_item": {"vi": "{name} ({value}%, hạn {deadline})", "en": "{name} ({value}%, due {deadline})"},
    "none_overdue": {"vi": "Không có nhiệm vụ Đề án 06 nào quá hạn.", "en": "No Project 06 task is overdue."},
    "at_risk": {
        "vi": "{n} nhiệm vụ có nguy cơ không đạt mục tiêu đúng hạn: {items}.",
        "en": "{n} task{s} at risk of missing the target: {items}.",
    },
    "at_risk_item": {"vi": "{name} ({value}%, mục tiêu {target}%)", "en": "{name} ({value}%, target {target}%)"},
    "red_databases": {
        "vi": "{n} CSDL dưới ngưỡng đỏ: {items}.",
        "en": "{n} database{s} below the red threshold: {items}.",
    },
    "red_database_item": {"vi": "{code} ({score} điểm)", "en": "{code} ({score} points)"},
    "stale": {"vi": "{n} nguồn dữ liệu ngừng cập nhật: {items}.", "en": "{n} source{s} stopped delivering: {items}."},
    "stale_item": {"vi": "{source} ({unit}), số liệu đến {time}", "en": "{source} ({unit}), data until {time}"},
    "none_stale": {"vi": "Tất cả nguồn dữ liệu cập nhật đúng hạn.", "en": "Every source delivered on time."},
    "quality": {
        "vi": "Trong tuần có {held} bản ghi bị cách ly và {flags} giá trị bất thường được gắn cờ.",
        "en": "{held} records were quarantined this week and {flags} outliers flagged.",
    },
    "unit_confirmed": {
        "vi": "Số liệu tuần này của {scope} đã được đơn vị xác nhận.",
        "en": "This week's figures of {scope} were confirmed by the unit.",
    },
    "unit_provisional": {
        "vi": "Số liệu tuần này của {scope} chưa được đơn vị xác nhận: là số liệu tạm tính (*).",
        "en": "This week's figures of {scope} are not confirmed by the unit yet: provisional (*).",
    },
    "units_confirmed": {
        "vi": "Số liệu của {n}/{total} đơn vị đã được xác nhận.",
        "en": "{n}/{total} units confirmed their figures.",
    },
    "units_partly": {
        "vi": "Số liệu của {n}/{total} đơn vị đã được xác nhận; số liệu còn lại là tạm tính (*).",
        "en": "{n}/{total} units confirmed their figures; the rest are provisional (*).",
    },
}


def narrative(b: Briefing) -> list[str]:
    lang = b.lang

    def say(key: str, n: int | None = None, **values) -> str:
        if n is not None:
            values.update(n=n, s="s" if n > 1 else "")
        return SENTENCES[key][lang].format(**values)

    def label(h: Headline) -> str:
        return h.label.lower() if lang == "vi" else h.label  # mid-sentence in Vietnamese

    def num(value: float | None, decimals: int = 1) -> str:
        return fmt.number(value, decimals, lang)

    def value(h: Headline) -> str:
        """As the headline table prints it."""
        return num(h.value) + ("%" if h.suffix == "%" else h.suffix)

    score = b.headlines[0]
    opening = say("opening", week=b.week_label, label=label(score), scope=b.scope_name, value=value(score))
    if score.change is None:
        opening += say("no_previous")
    elif abs(score.change) < MOVE:
        opening += say("unchanged")
    else:
        opening += say("up" if score.change > 0 else "down", change=num(abs(score.change)))
    sentences = [opening]

    rates = [h for h in b.headlines if h.suffix == "%" and h.change is not None and h.target is not None]
    up = sorted([h for h in rates if h.change >= MOVE], key=lambda h: -h.change)[:3]
    down = sorted([h for h in rates if h.change <= -MOVE], key=lambda h: h.change)[:3]
    if up:
        sentences.append(
            say(
                "improved",
                items="; ".join(say("improved_item", label=label(h), change=num(h.change), value=value(h)) for h in up),
            )
        )
    if down:
        sentences.append(
            say(
                "fell",
                items="; ".join(say("fell_item", label=label(h), change=num(-h.change), value=value(h)) for h in down),
            )
        )
    below = [h for h in b.headlines if h.gap is not None and h.gap < 0]
    if below:
        worst = min(below, key=lambda h: (h.value / h.target, h.label))  # furthest relative to its target
        sentences.append(
            say(
                "below_target",
                len(below),
                total=len([h for h in b.headlines if h.target is not None]),
                label=label(worst),
                value=value(worst),
                target=num(worst.target, 0),
            )
        )

    overdue = [task for task in b.tasks if task.status == "overdue"]
    at_risk = [task for task in b.tasks if task.status == "at_risk"]
    if overdue:
        sentences.append(
            say(
                "overdue",
                len(overdue),
                items="; ".join(
                    say("overdue_item", name=task.name, value=num(task.actual), deadline=fmt.date(task.deadline))
                    for task in overdue
                ),
            )
        )
    else:
        sentences.append(say("none_overdue"))
    if at_risk:
        sentences.append(
            say(
                "at_risk",
                len(at_risk),
                items="; ".join(
                    say("at_risk_item", name=task.name, value=num(task.actual), target=num(task.target, 0))
                    for task in at_risk
                ),
            )
        )
    red = [db for db in b.databases if db.colour == "red"]
    if red:
        sentences.append(
            say(
                "red_databases",
                len(red),
                items=", ".join(say("red_database_item", code=db.code, score=num(db.score)) for db in red),
            )
        )
    if b.stale_sources:
        sentences.append(
            say(
                "stale",
                len(b.stale_sources),
                items="; ".join(
                    say("stale_item", source=s.source_id, unit=s.unit, time=fmt.when(s.as_of)) for s in b.stale_sources
                ),
            )
        )
    else:
        sentences.append(say("none_stale"))
    sentences.append(say("quality", held=fmt.number(sum(q.count for q in b.quarantined), 0, lang), flags=len(b.flags)))
    if b.scope:
        sentences.append(say("unit_confirmed" if b.units[0].confirmed else "unit_provisional", scope=b.scope_name))
    else:
        sentences.append(
            say(
                "units_confirmed" if b.confirmed_units == b.total_units else "units_partly",
                b.confirmed_units,
                total=b.total_units,
            )
        )
    return sentences
