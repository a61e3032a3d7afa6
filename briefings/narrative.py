"""The briefing's short narrative: plain sentences written from the briefing's own figures,
formatted by the same functions as its tables, so every number in a sentence is in a table.
One sentence plan; each sentence is whole in the catalogue, so a translator sees it whole."""

from __future__ import annotations

from base import formatting as fmt
from base.i18n import _, language, mid_sentence, ngettext
from briefings.model import Briefing, Headline

MOVE = 0.05  # changes smaller than this (in points) read as "unchanged": they print as ±0,0


def narrative(b: Briefing) -> list[str]:
    """The sentences of the briefing, in its language."""
    with language(b.lang):
        return _sentences(b)


def _label(h: Headline) -> str:
    return mid_sentence(h.label)


def _num(value: float | None, decimals: int = 1) -> str:
    return fmt.number(value, decimals)


def _value(h: Headline) -> str:
    """As the headline table prints it."""
    return _num(h.value) + ("%" if h.suffix == "%" else h.suffix)


def _opening(b: Briefing) -> str:
    score = b.headlines[0]
    values = {"week": b.week_label, "label": _label(score), "scope": b.scope_name, "value": _value(score)}
    if score.change is None:
        return _("In week {week}, {label} for {scope} was {value} (no figure for the week before to compare).").format(
            **values
        )
    if abs(score.change) < MOVE:
        return _("In week {week}, {label} for {scope} was {value}, unchanged from the week before.").format(**values)
    if score.change > 0:
        text = _("In week {week}, {label} for {scope} was {value}, up {change} points on the week before.")
    else:
        text = _("In week {week}, {label} for {scope} was {value}, down {change} points on the week before.")
    return text.format(change=_num(abs(score.change)), **values)


def _sentences(b: Briefing) -> list[str]:
    sentences = [_opening(b)]
    rates = [h for h in b.headlines if h.suffix == "%" and h.change is not None and h.target is not None]
    up = sorted([h for h in rates if h.change is not None and h.change >= MOVE], key=lambda h: -(h.change or 0))[:3]
    down = sorted([h for h in rates if h.change is not None and h.change <= -MOVE], key=lambda h: h.change or 0)[:3]
    if up:
        items = "; ".join(
            _("{label} up {change} pp to {value}").format(label=_label(h), change=_num(h.change), value=_value(h))
            for h in up
        )
        sentences.append(_("Improved: {items}.").format(items=items))
    if down:
        items = "; ".join(
            _("{label} down {change} pp to {value}").format(
                label=_label(h), change=_num(-(h.change or 0)), value=_value(h)
            )
            for h in down
        )
        sentences.append(_("Fell: {items}.").format(items=items))
    below = [h for h in b.headlines if h.gap is not None and h.gap < 0]
    if below:
        worst = min(below, key=lambda h: ((h.value or 0) / (h.target or 1), h.label))  # furthest relative to target
        total = len([h for h in b.headlines if h.target is not None])
        sentence = ngettext(
            "{n} of {total} figures is below target; furthest is {label} ({value}, target {target}%).",
            "{n} of {total} figures are below target; furthest is {label} ({value}, target {target}%).",
            len(below),
        )
        sentences.append(
            sentence.format(
                n=len(below), total=total, label=_label(worst), value=_value(worst), target=_num(worst.target, 0)
            )
        )

    overdue = [task for task in b.tasks if task.status == "overdue"]
    at_risk = [task for task in b.tasks if task.status == "at_risk"]
    if overdue:
        items = "; ".join(
            _("{name} ({value}%, due {deadline})").format(
                name=task.name, value=_num(task.actual), deadline=fmt.date(task.deadline)
            )
            for task in overdue
        )
        sentence = ngettext(
            "Project 06 has {n} overdue task: {items}.", "Project 06 has {n} overdue tasks: {items}.", len(overdue)
        )
        sentences.append(sentence.format(n=len(overdue), items=items))
    else:
        sentences.append(_("No Project 06 task is overdue."))
    if at_risk:
        items = "; ".join(
            _("{name} ({value}%, target {target}%)").format(
                name=task.name, value=_num(task.actual), target=_num(task.target, 0)
            )
            for task in at_risk
        )
        sentence = ngettext(
            "{n} task at risk of missing its target: {items}.",
            "{n} tasks at risk of missing their targets: {items}.",
            len(at_risk),
        )
        sentences.append(sentence.format(n=len(at_risk), items=items))
    red = [db for db in b.databases if db.colour == "red"]
    if red:
        items = ", ".join(_("{code} ({score} points)").format(code=db.code, score=_num(db.score)) for db in red)
        sentence = ngettext(
            "{n} database below the red threshold: {items}.",
            "{n} databases below the red threshold: {items}.",
            len(red),
        )
        sentences.append(sentence.format(n=len(red), items=items))
    if b.stale_sources:
        items = "; ".join(
            _("{source} ({unit}), data until {time}").format(source=s.source_id, unit=s.unit, time=fmt.when(s.as_of))
            for s in b.stale_sources
        )
        sentence = ngettext(
            "{n} source stopped delivering: {items}.", "{n} sources stopped delivering: {items}.", len(b.stale_sources)
        )
        sentences.append(sentence.format(n=len(b.stale_sources), items=items))
    else:
        sentences.append(_("Every source delivered on time."))
    held = sum(q.count for q in b.quarantined)
    sentences.append(
        ngettext(
            "{held} record was quarantined this week and {flags} outliers flagged.",
            "{held} records were quarantined this week and {flags} outliers flagged.",
            held,
        ).format(held=fmt.number(held, 0), flags=len(b.flags))
    )
    if b.scope:
        if b.units[0].confirmed:
            sentences.append(_("This week's figures of {scope} were confirmed by the unit.").format(scope=b.scope_name))
        else:
            sentences.append(
                _("This week's figures of {scope} are not confirmed by the unit yet: provisional (*).").format(
                    scope=b.scope_name
                )
            )
    elif b.confirmed_units == b.total_units:
        sentences.append(
            _("{n} of {total} units confirmed their figures.").format(n=b.confirmed_units, total=b.total_units)
        )
    else:
        sentences.append(
            _("{n} of {total} units confirmed their figures; the rest are provisional (*).").format(
                n=b.confirmed_units, total=b.total_units
            )
        )
    return sentences
