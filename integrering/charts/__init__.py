"""Charts as SVG strings.

``hbar.py`` lays out horizontal bar charts by hand, every text measured with the font's metrics
(``text.py``) so that none overlaps at any label length: the surveys' figures (Likert scales
with the answers off the scale apart, choices, several years or roles side by side) and the
capacity survey's levels. Prefer it for bars.

This module draws with matplotlib (Agg canvas, no pyplot and its global figures):

- ``line_chart``: several series over the same labels (months), with optional horizontal
  reference lines (a need, a target);
- ``bar_chart``: grouped or stacked bars, vertical or horizontal, counts or percentages of each
  bar (a Likert scale as 100 % stacked horizontal bars).

The SVG is deterministic (fixed ids and hash salt, no date or creator in its metadata), so the
same figures give the same bytes; it carries ``role="img"``, a ``<title>`` and a ``<desc>`` tied
to it with ``aria-labelledby``. Text stays text (``svg.fonttype = none``), so screen magnifiers
and searches find it. A chart is never the only way to the figures: the page shows them in a
table too (WCAG 1.1.1), and the series differ by line style and marker as well as colour
(WCAG 1.4.1). Labels and numbers are Norwegian: «1 250», «12,5», «40 %».

The string starts at ``<svg``: it can be inlined in a page or served as ``image/svg+xml``.

Drawing is slow (a stacked bar chart with labels takes about 0.3 s, half of it the constrained
layout), and a page of results draws up to nine. Since the same arguments give the same bytes,
each chart is kept in Django's cache under a hash of its arguments: new figures give a new key,
so nothing stale is ever shown, and a page seen before is served at once.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr  # escaping our own output, no XML is parsed # nosec B406

from django.core.cache import cache

from integrering.ui.numbers import number_nb, percent_nb

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

# Okabe & Ito (2008), safe for the common colour-vision deficiencies; ordered so that the first
# five have at least 3:1 contrast against white (WCAG 1.4.11). Yellow (1.5:1) is left out.
PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#000000",  # black
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
)
# For ordered scales (Likert: from «helt uenig» to «helt enig»): ColorBrewer RdBu, which is
# colour-blind safe, with a grey neutral middle that still shows against white.
DIVERGING = {
    2: ("#CA0020", "#0571B0"),
    3: ("#CA0020", "#BABABA", "#0571B0"),
    4: ("#CA0020", "#F4A582", "#92C5DE", "#0571B0"),
    5: ("#CA0020", "#F4A582", "#BABABA", "#92C5DE", "#0571B0"),
    6: ("#B2182B", "#EF8A62", "#FDDBC7", "#D1E5F0", "#67A9CF", "#2166AC"),
    7: ("#B2182B", "#EF8A62", "#FDDBC7", "#BABABA", "#D1E5F0", "#67A9CF", "#2166AC"),
}
# Reference lines: dark (at least 4.5:1 against white), told apart by their dashes.
REFERENCE_COLOURS = ("#000000", "#595959", "#7A5C00")
LINE_STYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
TEXT_COLOUR = "#1A1A1A"
GRID_COLOUR = "#D0D0D0"
MONTHS = ("jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des")
MONTH_NAMES = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)

WIDTH_INCHES = 7.5
HEIGHT_INCHES = 4.2

# rcParams are global: one chart at a time, so that two requests do not mix their settings.
_LOCK = threading.Lock()
_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "integrering",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "font.size": 10,
    "text.color": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "axes.edgecolor": "#595959",
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
}


# How long a drawn chart is kept; its key changes with its figures, so this only bounds memory.
CACHE_SECONDS = 24 * 60 * 60
# Part of every key: change it when the drawing code changes, so a shared cache (Redis) that
# outlives a deploy does not serve charts drawn by the old code.
CACHE_VERSION = "1"


def _cached(draw: Callable[..., str]) -> Callable[..., str]:
    """Serve a chart drawn before with the same arguments from the cache (see the module doc)."""

    @functools.wraps(draw)
    def cached_draw(**arguments: Any) -> str:
        described = repr((draw.__name__, sorted(arguments.items())))
        key = f"chart:{CACHE_VERSION}:{hashlib.sha256(described.encode()).hexdigest()}"
        svg = cache.get(key)
        if svg is None:
            svg = draw(**arguments)
            cache.set(key, svg, CACHE_SECONDS)
        return str(svg)

    return cached_draw


def _rc(chart_id: str) -> Any:
    return {**_RC, "svg.id": chart_id}


@dataclass(frozen=True)
class Series:
    """One named series: a value for each label (``None`` where there is none yet)."""

    name: str
    values: Sequence[float | int | None]


@dataclass(frozen=True)
class ReferenceLine:
    """A horizontal line across a line chart, named in the legend (a need, a target)."""

    name: str
    value: float | int


def month_labels(first_month: int = 1, count: int = 12) -> list[str]:
    """Short Norwegian month names, from ``first_month`` (1-12)."""
    return [MONTHS[(first_month - 1 + i) % 12] for i in range(count)]


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "diagram"


def _tick_formatter(percent: bool) -> FuncFormatter:
    from matplotlib.ticker import FuncFormatter

    def fmt(value: float, _position: int) -> str:
        decimals = 0 if float(value).is_integer() else 1
        return percent_nb(value, decimals) if percent else number_nb(value, decimals)

    return FuncFormatter(fmt)


def _new_figure(height: float = HEIGHT_INCHES) -> Figure:
    # matplotlib takes about half a second to import: only a page or report that draws pays it.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_INCHES, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _svg(figure: Figure, *, chart_id: str, title: str, description: str) -> str:
    """Render the figure and make the SVG an accessible image: role, title and description."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, count=1, flags=re.DOTALL)
    open_end = text.index(">")
    labelled_by = f"{chart_id}-title" + (f" {chart_id}-desc" if description else "")
    head = f'{text[:open_end]} role="img" aria-labelledby={quoteattr(labelled_by)}>'
    head += f'\n <title id="{chart_id}-title">{escape(title)}</title>'
    if description:
        head += f'\n <desc id="{chart_id}-desc">{escape(description)}</desc>'
    return head + text[open_end + 1 :]


@_cached
def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    reference_lines: Sequence[ReferenceLine] = (),
    value_label: str = "",
    description: str = "",
    percent: bool = False,
    chart_id: str = "",
) -> str:
    """Lines over ``labels`` (months), one per series, each with its own colour, line style and
    marker; reference lines are thinner dashed horizontals, named with their value in the legend.

    ``description`` is the chart's text summary (``<desc>``); ``chart_id`` names the SVG's ids
    (unique per page when several charts are inlined; by default from the title).
    """
    chart_id = chart_id or _slug(title)
    import matplotlib
    from matplotlib.ticker import MaxNLocator

    with _LOCK, matplotlib.rc_context(_rc(chart_id)):
        figure = _new_figure()
        axes = figure.add_subplot()
        positions = list(range(len(labels)))
        for index, one in enumerate(series):
            points = [(x, v) for x, v in zip(positions, one.values, strict=False) if v is not None]
            (line,) = axes.plot(
                [x for x, _ in points],
                [v for _, v in points],
                label=one.name,
                color=PALETTE[index % len(PALETTE)],
                linestyle=LINE_STYLES[index % len(LINE_STYLES)],
                marker=MARKERS[index % len(MARKERS)],
                linewidth=2.2,
                markersize=5,
            )
            line.set_gid(f"{chart_id}-series-{index}")
        for index, reference in enumerate(reference_lines):
            line = axes.axhline(
                reference.value,
                label=f"{reference.name}: {_format(reference.value, percent)}",
                color=REFERENCE_COLOURS[index % len(REFERENCE_COLOURS)],
                linestyle=LINE_STYLES[(index + 1) % len(LINE_STYLES)],
                linewidth=1.5,
            )
            line.set_gid(f"{chart_id}-reference-{index}")
        axes.set_xticks(positions, list(labels))
        if positions:
            axes.set_xlim(-0.3, max(positions) + 0.3)
        axes.set_ylim(bottom=0)
        axes.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=not percent))
        axes.yaxis.set_major_formatter(_tick_formatter(percent))
        axes.grid(axis="y", color=GRID_COLOUR, linewidth=0.8)
        axes.set_axisbelow(True)
        if value_label:
            axes.set_ylabel(value_label)
        axes.set_title(_title_lines(title), loc="left", fontsize=12, fontweight="bold")
        if series or reference_lines:
            axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
        return _svg(figure, chart_id=chart_id, title=title, description=description)


@_cached
def bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    stacked: bool = True,
    horizontal: bool = False,
    percent: bool = False,
    colours: Sequence[str] = (),
    show_values: bool = False,
    value_label: str = "",
    description: str = "",
    chart_id: str = "",
) -> str:
    """Bars for ``categories``, one segment (stacked) or one bar (grouped) per series.

    ``percent``: each category's values are shown as shares of its total (a 100 % bar; a Likert
    scale). ``colours``: one per series, e.g. ``DIVERGING[5]`` for an ordered scale; by default
    ``PALETTE``. ``show_values`` writes each segment's value on it, in black or white, whichever
    contrasts with the segment.
    """
    chart_id = chart_id or _slug(title)
    colours = tuple(colours) or PALETTE
    rows = [[float(v or 0) for v in one.values] for one in series]
    if percent:
        totals = [sum(column) for column in zip(*rows, strict=False)] if rows else []
        rows = [
            [100 * v / total if total else 0.0 for v, total in zip(row, totals, strict=False)]
            for row in rows
        ]
    height = max(HEIGHT_INCHES, 1.2 + 0.45 * len(categories)) if horizontal else HEIGHT_INCHES
    import matplotlib
    from matplotlib.ticker import MaxNLocator

    with _LOCK, matplotlib.rc_context(_rc(chart_id)):
        figure = _new_figure(height)
        axes = figure.add_subplot()
        positions: list[float] = [float(i) for i in range(len(categories))]
        count = max(len(series), 1)
        thickness = 0.7 if stacked else 0.8 / count
        base = [0.0] * len(categories)
        for index, (one, values) in enumerate(zip(series, rows, strict=True)):
            colour = colours[index % len(colours)]
            if stacked:
                where, start = positions, base
            else:
                offset = (index - (count - 1) / 2) * thickness
                where, start = [p + offset for p in positions], [0.0] * len(categories)
            draw = axes.barh if horizontal else axes.bar
            bars = draw(
                where,
                values,
                thickness,
                start,
                label=one.name,
                color=colour,
                edgecolor="white",
                linewidth=0.8,
            )
            for position, bar in enumerate(bars):
                bar.set_gid(f"{chart_id}-series-{index}-{position}")
            if show_values:
                labels = [_format(v, percent) if v else "" for v in values]
                axes.bar_label(
                    bars,
                    labels=labels,
                    label_type="center" if stacked else "edge",
                    color=_text_on(colour) if stacked else TEXT_COLOUR,
                    fontsize=8,
                )
            if stacked:
                base = [b + v for b, v in zip(base, values, strict=True)]
        value_axis = axes.xaxis if horizontal else axes.yaxis
        category_axis_ticks = axes.set_yticks if horizontal else axes.set_xticks
        category_axis_ticks(positions, list(categories))
        value_axis.set_major_locator(MaxNLocator(nbins=6, integer=not percent))
        value_axis.set_major_formatter(_tick_formatter(percent))
        if horizontal:
            axes.invert_yaxis()  # the first category at the top, as in a table
            axes.set_xlim(0, 100 if percent and stacked else None)
        else:
            axes.set_ylim(0, 100 if percent and stacked else None)
        axes.grid(axis="x" if horizontal else "y", color=GRID_COLOUR, linewidth=0.8)
        axes.set_axisbelow(True)
        if value_label:
            (axes.set_xlabel if horizontal else axes.set_ylabel)(value_label)
        axes.set_title(_title_lines(title), loc="left", fontsize=12, fontweight="bold")
        if series:
            if horizontal:
                axes.legend(
                    loc="upper left", bbox_to_anchor=(0.0, -0.08), ncols=min(count, 5), fontsize=9
                )
            else:
                axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
        return _svg(figure, chart_id=chart_id, title=title, description=description)


def _title_lines(title: str) -> str:
    """The title wrapped to the figure's width (pt = px at 72 dpi), so a long one is never cut."""
    from .text import wrap

    return "\n".join(wrap(title, WIDTH_INCHES * 72 - 80, 12, max_lines=3, bold=True))


def _format(value: float | int, percent: bool) -> str:
    decimals = 0 if float(value).is_integer() else 1
    return percent_nb(value, decimals) if percent else number_nb(value, decimals)


def _text_on(colour: str) -> str:
    """Black or white text, whichever has the higher contrast with the colour (WCAG formula)."""
    red, green, blue = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return "#000000" if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else "#FFFFFF"


from .hbar import (  # noqa: E402 - the kit's other charts, after the matplotlib helpers
    DS_APART,
    DS_DIVERGING,
    DS_SERIES,
    HBar,
    HBarGroup,
    Segment,
    contrast,
    hbar_chart,
)

__all__ = [
    "DIVERGING",
    "DS_APART",
    "DS_DIVERGING",
    "DS_SERIES",
    "MONTHS",
    "MONTH_NAMES",
    "PALETTE",
    "HBar",
    "HBarGroup",
    "ReferenceLine",
    "Segment",
    "Series",
    "bar_chart",
    "contrast",
    "hbar_chart",
    "line_chart",
    "month_labels",
]
