"""Text in charts: its width from the font's own metrics, wrapping and truncating to a width, and
reading the text boxes back out of an SVG (the overlap test).

The charts name DejaVu Sans first: matplotlib ships it (so the metrics are always at hand,
read with fontTools, which matplotlib depends on), Debian installs it for the PDF renderer, and
it is wider than the fonts a browser falls back to (Arial, Helvetica, Inter), so a layout that
fits in DejaVu Sans fits in those too. Kerning is left out: it only ever narrows a line.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree  # our own output, never outside input # nosec B405

FONT_FAMILY = "'DejaVu Sans', Verdana, Arial, Helvetica, sans-serif"
ELLIPSIS = "…"
# DejaVu Sans: ascent and descent in em (hhea table), so a line's box is 1.164 em high.
ASCENT = 0.928
DESCENT = 0.236


def font_path(bold: bool = False) -> Path:
    """The DejaVu Sans file that matplotlib ships (regular or bold)."""
    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf" / name


@functools.cache
def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """Each character's advance width in em, and the width of a missing glyph."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(font_path(bold)), lazy=True)
    units = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    widths = {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}
    missing = metrics[".notdef"][0] / units if ".notdef" in metrics else 0.6
    font.close()
    return widths, missing


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of ``text`` in px at font size ``size`` (px)."""
    widths, missing = _advances(bold)
    return size * sum(widths.get(ord(c), missing) for c in text)


def _fit(word: str, width: float, size: float, bold: bool, suffix: str = "") -> str:
    """The longest start of ``word`` that fits in ``width`` with ``suffix`` after it."""
    while word and text_width(word + suffix, size, bold=bold) > width:
        word = word[:-1]
    return word.rstrip() + suffix


def wrap(
    text: str, width: float, size: float, *, max_lines: int = 3, bold: bool = False
) -> list[str]:
    """``text`` in lines no wider than ``width`` px, at most ``max_lines``; text that does not
    fit ends the last line with «…» (the full text is in the table and the tooltip). A word
    wider than a line is broken."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold=bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while text_width(word, size, bold=bold) > width:
            head = _fit(word, width, size, bold, "-")
            if len(head) <= 1:  # not even one letter fits: give up on this word
                break
            lines.append(head)
            word = word[len(head) - 1 :]
        current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = " ".join(lines[max_lines - 1 :])
        lines = [*lines[: max_lines - 1], _fit(last, width, size, bold, ELLIPSIS)]
    return lines or [""]


def truncate(text: str, width: float, size: float, *, bold: bool = False) -> str:
    """``text`` on one line, cut with «…» when it is wider than ``width``."""
    if text_width(text, size, bold=bold) <= width:
        return text
    return _fit(text, width, size, bold, ELLIPSIS)


# --- Reading the text boxes back (the overlap test) -------------------------------------------


@dataclass(frozen=True)
class Box:
    text: str
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box, slack: float = 0.5) -> bool:
        """True when the two boxes share more than ``slack`` px each way."""
        return (
            min(self.right, other.right) - max(self.left, other.left) > slack
            and min(self.bottom, other.bottom) - max(self.top, other.top) > slack
        )


SVG_NS = "{http://www.w3.org/2000/svg}"
_SIZE = re.compile(r"font(?:-size)?:\s*(?:(bold)\s+)?([\d.]+)px")
_TRANSLATE = re.compile(r"translate\(\s*([-\d.e]+)[ ,]+([-\d.e]+)\s*\)")
_ROTATE = re.compile(r"rotate\(\s*([-\d.e]+)")
_SCALE = re.compile(r"scale\(\s*([-\d.e]+)")


def svg_text_boxes(svg: str, measure: object = None) -> list[Box]:
    """The box of every ``<text>`` of an SVG, from its position, anchor, size and weight.

    Reads both our own charts (``x``, ``y``, ``font-size``, ``text-anchor`` attributes) and
    matplotlib's (``transform="translate(x y) rotate(a)"`` and a ``style`` with the font).
    ``measure(text, size, bold)`` gives a width; by default ``text_width``.
    """
    width_of = measure or (lambda t, s, b: text_width(t, s, bold=b))
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own output # nosec B314
    boxes = []
    for element in root.iter(f"{SVG_NS}text"):
        text = "".join(element.itertext()).strip()
        if not text:
            continue
        style = element.get("style", "")
        match = _SIZE.search(style)
        size = float(element.get("font-size") or (match.group(2) if match else 10))
        bold = element.get("font-weight") == "bold" or bool(match and match.group(1))
        bold = bold or "font-weight: bold" in style or "font-weight:bold" in style
        anchor = element.get("text-anchor") or (
            "middle"
            if "text-anchor: middle" in style
            else "end"
            if "text-anchor: end" in style
            else "start"
        )
        x, y = float(element.get("x", 0)), float(element.get("y", 0))
        transform = element.get("transform", "")
        moved = _TRANSLATE.search(transform)
        if moved:
            x, y = x + float(moved.group(1)), y + float(moved.group(2))
        scaled = _SCALE.search(transform)
        if scaled:
            size *= abs(float(scaled.group(1)))
        width = float(width_of(text, size, bold))  # type: ignore[operator]
        start = {"start": 0.0, "middle": -width / 2, "end": -width}[anchor]
        rotated = _ROTATE.search(transform)
        if rotated and abs(abs(float(rotated.group(1))) - 90) < 1:
            # A vertical label (an axis title): its line runs up the page.
            boxes.append(
                Box(text, x - ASCENT * size, y - width - start, x + DESCENT * size, y - start)
            )
            continue
        boxes.append(Box(text, x + start, y - ASCENT * size, x + start + width, y + DESCENT * size))
    return boxes


def overlapping(boxes: list[Box]) -> list[tuple[Box, Box]]:
    """Every pair of boxes that overlap."""
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if a.overlaps(b)]
