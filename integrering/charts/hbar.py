"""Horizontal bar charts as SVG, laid out by hand so that no text ever overlaps.

matplotlib places labels where its layout engine puts them: long labels push into each other,
«80 %» lands on «100 %», a legend under the axis covers its title or is cut at the edge. Here
every text is measured with the font's metrics (``text.py``) and given its own room before a bar
is drawn:

- the title, a subtitle and the legend (every entry, wrapped over as many rows as it needs) sit
  above the plot; the axis title below the tick labels;
- category labels are wrapped in their column (at most ``LABEL_LINES`` lines, then «…»; the full
  text is the bar's tooltip and stands in the table beside the chart); a bar's own label (a year,
  a role) has a column of its own;
- a stacked bar writes a segment's share on it only where the text fits, in black or white,
  whichever contrasts with the segment; a single bar writes its value after its end, in room
  kept for the widest value;
- answers off the scale («vet ikke», «kjenner ikke til») are drawn apart, in a panel of their own
  on the same scale right of the bars (``apart``);
- tick labels are spaced by their measured width, and the off-scale panel starts far enough from
  the last tick to keep its own.

``tests/test_charts.py`` reads the text boxes back out of the SVG and fails on any two that
overlap, for every chart of the reports with the longest real labels.

The chart is plain SVG (no script): each bar carries a ``<title>`` that the browser shows as a
tooltip, and the page gives the same figures in a table (WCAG 1.1.1). It prints as vectors.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr  # escaping our own output # nosec B406

from integrering.ui.numbers import number_nb, percent_nb

from .text import ASCENT, DESCENT, FONT_FAMILY, text_width, truncate, wrap

WIDTH = 720
PAD = 8
TITLE_SIZE = 15
SUBTITLE_SIZE = 12
LEGEND_SIZE = 12
LABEL_SIZE = 12
SUB_SIZE = 11
VALUE_SIZE = 11
TICK_SIZE = 11
LABEL_LINES = 4
LABEL_SHARE = 0.36  # of the width, at most, for the category labels
SUB_MAX = 110  # px, at most, for a bar's own label
BAR = 18
BAR_GAP = 4
GROUP_GAP = 12
SWATCH = 12
TEXT = "#1A1A1A"
GRID = "#C9CACB"  # Designsystemet neutral surface-active
AXIS = "#5B5D60"  # Designsystemet neutral border-strong


# Designsystemet's colours (light mode), each at least 3:1 against white (WCAG 1.4.11) and each
# with black or white text at 4.5:1 on it; segments are parted by white lines, so every edge
# shows. An ordered scale runs from blue (the good end) to red; a grey middle.
DS_BLUE_STRONG = "#003D75"  # accent base-active
DS_BLUE = "#2A7CC5"  # accent border-default
DS_GREY = "#808183"  # neutral border-default
DS_RED = "#CE4D4D"  # danger border-default
DS_RED_STRONG = "#791111"  # danger base-active
DS_DIVERGING: dict[int, tuple[str, ...]] = {
    1: (DS_BLUE_STRONG,),
    2: (DS_BLUE_STRONG, DS_RED_STRONG),
    3: (DS_BLUE_STRONG, DS_GREY, DS_RED_STRONG),
    4: (DS_BLUE_STRONG, DS_BLUE, DS_RED, DS_RED_STRONG),
    5: (DS_BLUE_STRONG, DS_BLUE, DS_GREY, DS_RED, DS_RED_STRONG),
}
# Off the scale: «vet ikke», «kjenner ikke til» (neutral border-strong, base-default).
DS_APART = ("#5B5D60", "#24272B")
# Series told apart by hue (years, roles): accent, warning, success.
DS_SERIES = ("#0062BA", "#A56D13", "#068718", "#5B5D60")


def line_height(size: float) -> float:
    return round(size * 1.3, 1)


@dataclass(frozen=True)
class Segment:
    """A named part of the bars (a scale step, a year, a role) and its colour."""

    name: str
    colour: str


@dataclass(frozen=True)
class HBar:
    """One bar: its values (one per segment when stacked, else one), the off-scale values
    (``apart``), a label of its own (a year or a role), a note after it (N) and a tooltip per
    value."""

    values: Sequence[float]
    label: str = ""
    apart: Sequence[float] = ()
    note: str = ""
    tooltips: Sequence[str] = ()


@dataclass(frozen=True)
class HBarGroup:
    """The bars of one category (an item, a choice), under its label."""

    label: str
    bars: Sequence[HBar]


@dataclass
class _Svg:
    parts: list[str] = field(default_factory=list)

    def text(
        self,
        x: float,
        y: float,
        content: str,
        size: float,
        *,
        anchor: str = "start",
        bold: bool = False,
        fill: str = TEXT,
    ) -> None:
        weight = ' font-weight="bold"' if bold else ""
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}"'
            f'{weight} fill="{fill}">{escape(content)}</text>'
        )

    def rect(
        self, x: float, y: float, w: float, h: float, fill: str, tip: str = "", gid: str = ""
    ) -> None:
        ident = f" id={quoteattr(gid)}" if gid else ""
        title = f"<title>{escape(tip)}</title>" if tip else ""
        self.parts.append(
            f'<rect{ident} x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" '
            f'fill="{fill}" stroke="#FFFFFF" stroke-width="1.5">{title}</rect>'
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str) -> None:
        self.parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            'stroke-width="1"/>'
        )


def _format(value: float, percent: bool) -> str:
    return percent_nb(round(value)) if percent else number_nb(round(value))


def _ticks(top: float, span_px: float, percent: bool) -> list[float]:
    """Tick values from 0 to at least ``top``, spaced so that their labels keep apart."""
    top = max(top, 1.0)
    widest = text_width(_format(top * 2, percent), TICK_SIZE) + 10
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        count = math.ceil(top / step)
        if count <= 8 and span_px / max(count, 1) >= widest:
            return [step * i for i in range(count + 1)]
    step = 10 ** math.ceil(math.log10(top))
    return [0.0, float(step)]


def _text_on(colour: str) -> str:
    """Black or white text, whichever has the higher contrast with ``colour`` (WCAG)."""
    return "#000000" if contrast(colour, "#000000") >= contrast(colour, "#FFFFFF") else "#FFFFFF"


def luminance(colour: str) -> float:
    red, green, blue = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    a, b = sorted((luminance(first), luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _legend(svg: _Svg, entries: Sequence[Segment], top: float, width: float) -> float:
    """The legend in rows from ``top``; returns the y below it. No entry is left out: a row
    wraps, and a name wider than the whole row is cut with «…» (never seen with real names)."""
    x: float = PAD
    y: float = top
    row = line_height(LEGEND_SIZE) + 2
    room = width - 2 * PAD - SWATCH - 6
    for entry in entries:
        name = truncate(entry.name, room, LEGEND_SIZE)
        needed = SWATCH + 6 + text_width(name, LEGEND_SIZE) + 16
        if x > PAD and x + needed > width - PAD:
            x, y = PAD, y + row
        svg.rect(x, y + (row - SWATCH) / 2 - 1, SWATCH, SWATCH, entry.colour)
        svg.text(x + SWATCH + 6, y + row / 2 + 3.5, name, LEGEND_SIZE)
        x += needed
    return y + row


def hbar_chart(
    *,
    chart_id: str,
    title: str,
    groups: Sequence[HBarGroup],
    segments: Sequence[Segment],
    apart: Sequence[Segment] = (),
    stacked: bool = True,
    percent: bool = True,
    subtitle: str = "",
    axis_label: str = "",
    description: str = "",
    draw_title: bool = True,
    width: int = WIDTH,
) -> str:
    """A horizontal bar chart as an accessible SVG (``role="img"``, ``<title>``, ``<desc>``).

    ``stacked``: each bar's values are its segments, side by side (a Likert item: shares of the
    answers, so the scale runs to 100 %), and ``apart`` are drawn in their own panel. Otherwise
    each bar has one value and the n-th bar of every group takes the n-th segment's colour (a
    year, a role), with its value written after it.
    """
    svg = _Svg()
    y: float = PAD
    if draw_title and title:
        for line in wrap(title, width - 2 * PAD, TITLE_SIZE, max_lines=3, bold=True):
            y += line_height(TITLE_SIZE)
            svg.text(PAD, y - DESCENT * TITLE_SIZE, line, TITLE_SIZE, bold=True)
    if subtitle:
        for line in wrap(subtitle, width - 2 * PAD, SUBTITLE_SIZE, max_lines=3):
            y += line_height(SUBTITLE_SIZE)
            svg.text(PAD, y - DESCENT * SUBTITLE_SIZE, line, SUBTITLE_SIZE)
    bars = [bar for group in groups for bar in group.bars]
    legend_entries = [*segments, *apart] if stacked or len(segments) > 1 else []
    if legend_entries:
        y = _legend(svg, legend_entries, y + 6, width)

    # Columns: category labels, the bars' own labels, the plot, the notes after the bars.
    natural = max((text_width(g.label, LABEL_SIZE) for g in groups), default=0)
    label_width = min(width * LABEL_SHARE, natural + 4) if natural else 0
    sub_width = min(SUB_MAX, max((text_width(b.label, SUB_SIZE) for b in bars), default=0))
    note_width = max((text_width(b.note, VALUE_SIZE) for b in bars), default=0)
    values = [v for bar in bars for v in bar.values]
    top_value = 100.0 if stacked and percent else max(values, default=0.0)
    value_room = 0.0 if stacked else text_width(_format(top_value, percent), VALUE_SIZE) + 6
    x0 = PAD + label_width + (10 if label_width else 0) + (sub_width + 8 if sub_width else 0)
    x_end = width - PAD - (note_width + 8 if note_width else 0) - value_room
    apart_top = 0.0
    if stacked and apart:
        widest = max((sum(b.apart) for b in bars), default=0.0)
        apart_top = max(10.0, 10 * math.ceil(widest / 10))
    gap = 0.0
    if apart_top:
        gap = (text_width(_format(100, percent), TICK_SIZE) + text_width("0 %", TICK_SIZE)) / 2
        gap += 14
    main_top = top_value if not stacked or not percent else 100.0
    span = max(x_end - x0 - gap, 50.0)
    per_unit = span / (main_top + apart_top) if (main_top + apart_top) else 0.0
    main_width = main_top * per_unit
    apart_x = x0 + main_width + gap

    ticks = _ticks(main_top, main_width, percent)
    if not stacked and ticks[-1] > main_top:  # let the axis end on a tick
        main_top = ticks[-1]
        per_unit = span / main_top if main_top else 0.0
        main_width = main_top * per_unit

    plot_top = y + 8
    y = plot_top
    rows: list[tuple[float, HBar, int]] = []
    x: float
    for group in groups:
        lines = wrap(group.label, label_width, LABEL_SIZE, max_lines=LABEL_LINES)
        bars_height = len(group.bars) * BAR + (len(group.bars) - 1) * BAR_GAP
        label_height = len(lines) * line_height(LABEL_SIZE)
        height = max(bars_height, label_height)
        label_y = y + (height - label_height) / 2
        for number, line in enumerate(lines):
            baseline = label_y + (number + 1) * line_height(LABEL_SIZE) - DESCENT * LABEL_SIZE
            svg.text(PAD, baseline - 1, line, LABEL_SIZE)
        bar_y = y + (height - bars_height) / 2
        for index, bar in enumerate(group.bars):
            rows.append((bar_y, bar, index))
            bar_y += BAR + BAR_GAP
        y += height + GROUP_GAP
    plot_bottom = y - GROUP_GAP + 4

    # Grid and axes under the bars.
    grid: list[str] = []
    svg_grid = _Svg(grid)
    for tick in ticks:
        x = x0 + tick * per_unit
        svg_grid.line(x, plot_top - 4, x, plot_bottom, GRID)
    svg_grid.line(x0, plot_top - 4, x0, plot_bottom, AXIS)
    if apart_top:
        svg_grid.line(apart_x, plot_top - 4, apart_x, plot_bottom, AXIS)
        svg_grid.line(
            apart_x + apart_top * per_unit,
            plot_top - 4,
            apart_x + apart_top * per_unit,
            plot_bottom,
            GRID,
        )
    svg.parts[:0] = grid

    baseline_of = BAR / 2 + (ASCENT - DESCENT) * VALUE_SIZE / 2
    for bar_y, bar, index in rows:
        if bar.label:
            svg.text(
                x0 - 8,
                bar_y + BAR / 2 + (ASCENT - DESCENT) * SUB_SIZE / 2,
                truncate(bar.label, SUB_MAX, SUB_SIZE),
                SUB_SIZE,
                anchor="end",
            )
        tips = list(bar.tooltips)
        if stacked:
            x = x0
            for number, (value, segment) in enumerate(zip(bar.values, segments, strict=False)):
                w = value * per_unit
                tip = tips[number] if number < len(tips) else ""
                svg.rect(x, bar_y, w, BAR, segment.colour, tip)
                label = _format(value, percent)
                if value and text_width(label, VALUE_SIZE) + 6 <= w:
                    svg.text(
                        x + w / 2,
                        bar_y + baseline_of,
                        label,
                        VALUE_SIZE,
                        anchor="middle",
                        fill=_text_on(segment.colour),
                    )
                x += w
            x = apart_x
            for number, (value, segment) in enumerate(zip(bar.apart, apart, strict=False)):
                w = value * per_unit
                k = len(segments) + number
                svg.rect(x, bar_y, w, BAR, segment.colour, tips[k] if k < len(tips) else "")
                label = _format(value, percent)
                if value and text_width(label, VALUE_SIZE) + 6 <= w:
                    svg.text(
                        x + w / 2,
                        bar_y + baseline_of,
                        label,
                        VALUE_SIZE,
                        anchor="middle",
                        fill=_text_on(segment.colour),
                    )
                x += w
            end = apart_x + apart_top * per_unit if apart_top else x0 + main_width
        else:
            value = bar.values[0] if bar.values else 0.0
            colour = segments[index % len(segments)].colour if segments else AXIS
            w = value * per_unit
            svg.rect(x0, bar_y, w, BAR, colour, tips[0] if tips else "")
            svg.text(x0 + w + 4, bar_y + baseline_of, _format(value, percent), VALUE_SIZE)
            end = x0 + main_width + value_room
        if bar.note:
            svg.text(end + 8, bar_y + baseline_of, bar.note, VALUE_SIZE)

    # Tick labels and the axis title.
    tick_y = plot_bottom + 4 + ASCENT * TICK_SIZE
    for tick in ticks:
        svg.text(x0 + tick * per_unit, tick_y, _format(tick, percent), TICK_SIZE, anchor="middle")
    if apart_top:
        zero, last = _format(0, percent), _format(apart_top, percent)
        needed = (text_width(zero, TICK_SIZE) + text_width(last, TICK_SIZE)) / 2 + 4
        if apart_top * per_unit >= needed:
            svg.text(apart_x, tick_y, zero, TICK_SIZE, anchor="middle")
        svg.text(apart_x + apart_top * per_unit, tick_y, last, TICK_SIZE, anchor="middle")
    y = tick_y + DESCENT * TICK_SIZE
    if axis_label:
        centred = main_width > 200
        room = main_width if centred else width - 2 * PAD
        for line in wrap(axis_label, room, SUBTITLE_SIZE, max_lines=2):
            y += line_height(SUBTITLE_SIZE)
            svg.text(
                x0 + main_width / 2 if centred else PAD,
                y - DESCENT * SUBTITLE_SIZE,
                line,
                SUBTITLE_SIZE,
                anchor="middle" if centred else "start",
            )
    height = math.ceil(y + PAD)
    labelled_by = f"{chart_id}-title" + (f" {chart_id}-desc" if description else "")
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby={quoteattr(labelled_by)} '
        # The page's own styles (a figure's big bold numbers) must not reach the chart's text:
        # its font, size and weight are set on the chart itself.
        f'font-family={quoteattr(FONT_FAMILY)} font-size="12" font-weight="normal" '
        'font-style="normal" letter-spacing="normal" word-spacing="normal" '
        'class="chart" style="max-width: 100%; height: auto">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        + (f'<desc id="{chart_id}-desc">{escape(description)}</desc>' if description else "")
    )
    return head + "".join(svg.parts) + "</svg>"
