"""The dashboard's charts as inline SVG, drawn on the server: no chart library, no CDN, and
readable without JavaScript. Every label goes through `escape`."""

from __future__ import annotations

from html import escape

from kontaktfilter.model import Category
from kontaktfilter.services.dashboard import Week

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 220, 48, 28, 10


def _frame(title: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _axis(top: str, middle: str, zero: str = "0") -> list[str]:
    """The value axis: the baseline labelled zero, grid lines at half and at the top labelled
    with their values."""
    base, half = HEIGHT - BOTTOM, (HEIGHT - BOTTOM + TOP) / 2
    found = [f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{WIDTH}" y2="{base}"/>']
    for y, label in ((base, zero), (half, middle), (TOP, top)):
        found.append(
            f'<text class="tick" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        if y != base:
            found.append(f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH}" y2="{y:.1f}"/>')
    return found


def _half(peak: int) -> str:
    return f"{peak / 2:g}"


def weekly_stacked(weeks: list[Week], title: str, names: dict[str, str]) -> str:
    """Requests per week, one stacked bar per week, one colour per category."""
    if not weeks:
        return _frame(title, [])
    peak = max(week.total for week in weeks) or 1
    slot = (WIDTH - LEFT) / len(weeks)
    usable = HEIGHT - BOTTOM - TOP
    body = _axis(str(peak), _half(peak))
    for n, week in enumerate(weeks):
        x, y = LEFT + n * slot + slot * 0.15, HEIGHT - BOTTOM
        for category in Category:
            count = week.counts.get(category.value, 0)
            if not count:
                continue
            height = usable * count / peak
            y -= height
            tip = f"{week.start:%d.%m.}: {names.get(category.value, category.value)} {count}"
            body.append(
                f'<rect class="cat-{category.value}" x="{x:.1f}" y="{y:.1f}" '
                f'width="{slot * 0.7:.1f}" height="{height:.1f}">'
                f"<title>{escape(tip)}</title></rect>"
            )
        body.append(
            f'<text class="tick" x="{LEFT + (n + 0.5) * slot:.1f}" y="{HEIGHT - 10}" '
            f'text-anchor="middle">{week.start:%d.%m.}</text>'
        )
    return _frame(title, body)


def share_line(weeks: list[Week], title: str) -> str:
    """The weekly share of collectors and spam, 0-100 %, as a line with points."""
    if not weeks:
        return _frame(title, [])
    slot = (WIDTH - LEFT) / len(weeks)
    usable = HEIGHT - BOTTOM - TOP
    points = [
        (LEFT + (n + 0.5) * slot, HEIGHT - BOTTOM - usable * week.unwanted_share)
        for n, week in enumerate(weeks)
    ]
    body = _axis("100 %", "50 %", "0 %")
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    body.append(f'<polyline class="line" points="{path}"/>')
    for (x, y), week in zip(points, weeks, strict=True):
        tip = f"{week.start:%d.%m.}: {week.unwanted_share:.0%}"
        body.append(
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4"><title>{escape(tip)}</title>'
            f"</circle>"
        )
        body.append(
            f'<text class="tick" x="{x:.1f}" y="{HEIGHT - 10}" text-anchor="middle">'
            f"{week.start:%d.%m.}</text>"
        )
    return _frame(title, body)


def histogram(buckets: list[tuple[str, int]], title: str) -> str:
    """Counts per bucket (time to decision) as plain bars with their numbers."""
    if not buckets:
        return _frame(title, [])
    peak = max(count for _, count in buckets) or 1
    slot = (WIDTH - LEFT) / len(buckets)
    usable = HEIGHT - BOTTOM - TOP
    body = _axis(str(peak), _half(peak))
    for n, (label, count) in enumerate(buckets):
        height = usable * count / peak
        x, y = LEFT + n * slot + slot * 0.2, HEIGHT - BOTTOM - height
        body.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.6:.1f}" '
            f'height="{height:.1f}"><title>{escape(label)}: {count}</title></rect>'
        )
        body.append(
            f'<text class="value" x="{x + slot * 0.3:.1f}" y="{y - 3:.1f}" '
            f'text-anchor="middle">{count}</text>'
        )
        body.append(
            f'<text class="tick" x="{x + slot * 0.3:.1f}" y="{HEIGHT - 10}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    return _frame(title, body)
