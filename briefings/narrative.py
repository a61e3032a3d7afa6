"""The briefing's short narrative: plain sentences written from the briefing's own figures,
formatted by the same functions as its tables, so every number in a sentence is in a table."""
from __future__ import annotations

from dashboards import format as fmt

from briefings.content import Briefing, Headline
from briefings.text import t

MOVE = 0.05   # changes smaller than this (in points) read as "unchanged": they print as ±0,0


def number(value: float | None, lang: str, decimals: int = 1) -> str:
    return fmt.number(value, decimals, lang)


def figure(headline: Headline, lang: str) -> str:
    """The value as the headline table prints it."""
    return number(headline.value, lang) + ("%" if headline.suffix == "%" else headline.suffix)


def narrative(b: Briefing) -> list[str]:
    return (_vietnamese if b.lang == "vi" else _english)(b)


def _movers(b: Briefing) -> tuple[list[Headline], list[Headline]]:
    rates = [h for h in b.headlines if h.suffix == "%" and h.change is not None and h.target is not None]
    up = sorted([h for h in rates if h.change >= MOVE], key=lambda h: -h.change)[:3]
    down = sorted([h for h in rates if h.change <= -MOVE], key=lambda h: h.change)[:3]
    return up, down


def _vietnamese(b: Briefing) -> list[str]:
    lang = "vi"
    score = b.headlines[0]
    sentences = []
    opening = f"Tuần {b.week_label}, {score.label.lower()} của {b.scope_name} đạt {figure(score, lang)}"
    if score.change is None:
        opening += " (chưa có số liệu tuần trước để so sánh)."
    elif abs(score.change) < MOVE:
        opening += ", không đổi so với tuần trước."
    else:
        opening += f", {'tăng' if score.change > 0 else 'giảm'} {number(abs(score.change), lang)} điểm so với tuần trước."
    sentences.append(opening)
    up, down = _movers(b)
    if up:
        sentences.append("Cải thiện: " + "; ".join(
            f"{h.label.lower()} tăng {number(h.change, lang)} điểm\u00a0%, đạt {figure(h, lang)}" for h in up) + ".")
    if down:
        sentences.append("Giảm: " + "; ".join(
            f"{h.label.lower()} giảm {number(-h.change, lang)} điểm\u00a0%, còn {figure(h, lang)}" for h in down) + ".")
    below = [h for h in b.headlines if h.gap is not None and h.gap < 0]
    if below:
        sentences.append(f"{len(below)}/{len([h for h in b.headlines if h.target is not None])} chỉ tiêu chưa đạt mục tiêu; "
                         f"xa nhất là {below_most(below).label.lower()} ({figure(below_most(below), lang)}, "
                         f"mục tiêu {number(below_most(below).target, lang, 0)}%).")
    overdue = [task for task in b.tasks if task.status == "overdue"]
    at_risk = [task for task in b.tasks if task.status == "at_risk"]
    if overdue:
        sentences.append(f"Đề án 06 có {len(overdue)} nhiệm vụ quá hạn: " + "; ".join(
            f"{task.name} ({number(task.actual, lang)}%, hạn {fmt.date(task.deadline)})" for task in overdue) + ".")
    else:
        sentences.append("Không có nhiệm vụ Đề án 06 nào quá hạn.")
    if at_risk:
        sentences.append(f"{len(at_risk)} nhiệm vụ có nguy cơ không đạt mục tiêu đúng hạn: " + "; ".join(
            f"{task.name} ({number(task.actual, lang)}%, mục tiêu {number(task.target, lang, 0)}%)" for task in at_risk) + ".")
    red = [db for db in b.databases if db.colour == "red"]
    if red:
        sentences.append(f"{len(red)} CSDL dưới ngưỡng đỏ: " + ", ".join(f"{db.code} ({number(db.score, lang)} điểm)" for db in red) + ".")
    if b.stale_sources:
        sentences.append(f"{len(b.stale_sources)} nguồn dữ liệu ngừng cập nhật: " + "; ".join(
            f"{s.source_id} ({s.unit}), số liệu đến {fmt.when(s.as_of)}" for s in b.stale_sources) + ".")
    else:
        sentences.append("Tất cả nguồn dữ liệu cập nhật đúng hạn.")
    held = sum(q.count for q in b.quarantined)
    sentences.append(f"Trong tuần có {fmt.number(held, 0, lang)} bản ghi bị cách ly và {len(b.flags)} giá trị bất thường được gắn cờ.")
    if b.scope:
        sentences.append(f"Số liệu tuần này của {b.scope_name} " + ("đã được đơn vị xác nhận." if b.units[0].confirmed
                                                                  else "chưa được đơn vị xác nhận: là số liệu tạm tính (*)."))
    else:
        sentences.append(f"Số liệu của {b.confirmed_units}/{b.total_units} đơn vị đã được xác nhận"
                         + ("; số liệu còn lại là tạm tính (*)." if b.confirmed_units < b.total_units else "."))
    return sentences


def _english(b: Briefing) -> list[str]:
    lang = "en"
    score = b.headlines[0]
    sentences = []
    opening = f"In week {b.week_label}, {score.label} for {b.scope_name} was {figure(score, lang)}"
    if score.change is None:
        opening += " (no figure for the week before to compare)."
    elif abs(score.change) < MOVE:
        opening += ", unchanged from the week before."
    else:
        opening += f", {'up' if score.change > 0 else 'down'} {number(abs(score.change), lang)} points on the week before."
    sentences.append(opening)
    up, down = _movers(b)
    if up:
        sentences.append("Improved: " + "; ".join(f"{h.label} up {number(h.change, lang)} pp to {figure(h, lang)}" for h in up) + ".")
    if down:
        sentences.append("Fell: " + "; ".join(f"{h.label} down {number(-h.change, lang)} pp to {figure(h, lang)}" for h in down) + ".")
    below = [h for h in b.headlines if h.gap is not None and h.gap < 0]
    if below:
        worst = below_most(below)
        sentences.append(f"{len(below)}/{len([h for h in b.headlines if h.target is not None])} figures are below target; "
                         f"furthest is {worst.label} ({figure(worst, lang)}, target {number(worst.target, lang, 0)}%).")
    overdue = [task for task in b.tasks if task.status == "overdue"]
    at_risk = [task for task in b.tasks if task.status == "at_risk"]
    if overdue:
        sentences.append(f"Project 06 has {len(overdue)} overdue task{'s' if len(overdue) > 1 else ''}: " + "; ".join(
            f"{task.name} ({number(task.actual, lang)}%, due {fmt.date(task.deadline)})" for task in overdue) + ".")
    else:
        sentences.append("No Project 06 task is overdue.")
    if at_risk:
        sentences.append(f"{len(at_risk)} task{'s are' if len(at_risk) > 1 else ' is'} at risk of missing the target: " + "; ".join(
            f"{task.name} ({number(task.actual, lang)}%, target {number(task.target, lang, 0)}%)" for task in at_risk) + ".")
    red = [db for db in b.databases if db.colour == "red"]
    if red:
        sentences.append(f"{len(red)} database{'s' if len(red) > 1 else ''} below the red threshold: "
                         + ", ".join(f"{db.code} ({number(db.score, lang)} points)" for db in red) + ".")
    if b.stale_sources:
        sentences.append(f"{len(b.stale_sources)} source{'s' if len(b.stale_sources) > 1 else ''} stopped delivering: " + "; ".join(
            f"{s.source_id} ({s.unit}), data until {fmt.when(s.as_of)}" for s in b.stale_sources) + ".")
    else:
        sentences.append("Every source delivered on time.")
    held = sum(q.count for q in b.quarantined)
    sentences.append(f"{fmt.number(held, 0, lang)} records were quarantined this week and {len(b.flags)} outliers flagged.")
    if b.scope:
        sentences.append(f"This week's figures of {b.scope_name} " + ("were confirmed by the unit." if b.units[0].confirmed
                                                                      else "are not confirmed by the unit yet: provisional (*)."))
    else:
        sentences.append(f"{b.confirmed_units}/{b.total_units} units confirmed their figures"
                         + ("; the rest are provisional (*)." if b.confirmed_units < b.total_units else "."))
    return sentences


def below_most(headlines: list[Headline]) -> Headline:
    """The figure furthest below its target, relative to the target."""
    return min(headlines, key=lambda h: (h.value / h.target if h.target else 1.0, h.label))
