"""Charts as SVG drawn on the server: bars and monthly columns with presentation attributes
only (no script, no style element), so they pass the site's content security policy, print,
and read on a phone. Each bar can carry a link to the list behind it."""

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

COLOURS = ("#b03a2e", "#1f618d", "#7d6608", "#117a65")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    url: str = ""
    shown: str = ""  # the value as printed (defaults to the number)


def bars(rows: list[Bar], *, width: int = 360, row: int = 22, unit: str = "") -> str:
    """Horizontal bars, longest first as given; labels on the left, values on the bar's end."""
    if not rows:
        return ""
    label_w, pad = 96, 4
    top = max(r.value for r in rows) or 1
    height = row * len(rows) + pad
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" class="chart" font-family="sans-serif" font-size="12">'
    ]
    for i, r in enumerate(rows):
        y = pad + i * row
        length = max(1.0, (width - label_w - 56) * r.value / top) if r.value else 0
        shown = escape(r.shown or (f"{r.value:g}{unit}"))
        bar = (
            f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{row - 6}" '
            f'fill="{COLOURS[0]}"><title>{escape(r.label)} {shown}</title></rect>'
        )
        if r.url:
            bar = f"<a href={quoteattr(r.url)}>{bar}</a>"
        parts.append(
            f'<text x="{label_w - 4}" y="{y + row - 10}" text-anchor="end" fill="#333">'
            f"{escape(r.label[:8])}</text>{bar}"
            f'<text x="{label_w + length + 4:.1f}" y="{y + row - 10}" fill="#333">{shown}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def columns(
    months: list[str], series: list[tuple[str, list[int]]], *, width: int = 360, height: int = 160
) -> str:
    """Monthly columns, one colour per series side by side, with a legend underneath."""
    if not months:
        return ""
    left, bottom, legend = 28, 18, 16
    plot_h = height - bottom - legend
    top = max((v for _name, values in series for v in values), default=0) or 1
    group = (width - left) / len(months)
    bar_w = max(2.0, group * 0.8 / max(1, len(series)))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart" font-family="sans-serif" font-size="10">',
        f'<line x1="{left}" y1="{plot_h}" x2="{width}" y2="{plot_h}" stroke="#999"/>',
        f'<text x="{left - 4}" y="10" text-anchor="end" fill="#555">{top:g}</text>',
    ]
    for m, month in enumerate(months):
        x0 = left + m * group + group * 0.1
        for s, (name, values) in enumerate(series):
            v = values[m]
            h = plot_h * v / top
            parts.append(
                f'<rect x="{x0 + s * bar_w:.1f}" y="{plot_h - h:.1f}" width="{bar_w - 1:.1f}" '
                f'height="{h:.1f}" fill="{COLOURS[s % len(COLOURS)]}">'
                f"<title>{escape(month)} {escape(name)} {v}</title></rect>"
            )
        if len(months) <= 12 or m % 2 == 0:
            parts.append(
                f'<text x="{x0 + group * 0.4:.1f}" y="{plot_h + 12}" text-anchor="middle" '
                f'fill="#555">{escape(month[5:])}</text>'
            )
    for s, (name, _values) in enumerate(series):
        x = left + s * 110
        parts.append(
            f'<rect x="{x}" y="{height - 10}" width="8" height="8" fill="{COLOURS[s % len(COLOURS)]}"/>'
            f'<text x="{x + 12}" y="{height - 2}" fill="#333">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
