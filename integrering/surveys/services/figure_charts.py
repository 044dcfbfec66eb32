"""Each figure of the municipal survey (``figures.py``) as a chart and as its table.

The chart (``integrering.charts.hbar_chart``) and the table show the same figures: the table is
the chart's text alternative (WCAG 1.1.1), with every label in full and shares to one decimal,
where the chart wraps and cuts long labels and writes whole per cent.
"""

from __future__ import annotations

from dataclasses import dataclass

from integrering.charts import (
    DS_APART,
    DS_DIVERGING,
    DS_SERIES,
    HBar,
    HBarGroup,
    Segment,
    hbar_chart,
)
from integrering.ui.numbers import number_nb, percent_nb

from ..models import QuestionKind
from ..scales import Scale
from .figures import Cell, Figure


def scale_colours(scale: Scale) -> tuple[str, ...]:
    """The scale's colours from the good end (blue) to the bad (red), whichever end it starts
    from."""
    colours = DS_DIVERGING[len(scale.steps)]
    return colours if scale.first_is_positive else tuple(reversed(colours))


def _pct(value: object) -> str:
    return percent_nb(float(value), 1)  # type: ignore[arg-type]


def _tip(who: str, label: str, cell: Cell, key: str) -> str:
    prefix = f"{who}: " if who else ""
    return (
        f"{prefix}{label} {_pct(cell.share(key))} "
        f"({number_nb(cell.count(key))} av {number_nb(cell.n)})"
    )


def figure_svg(figure: Figure, *, chart_id: str = "") -> str:
    """The figure as an SVG chart: Likert items as 100 % bars with «vet ikke» and «kjenner ikke
    til» apart; choices as bars of their share; a bar per year or role where there are several."""
    chart_id = chart_id or figure.slug
    multi = figure.multi
    groups = []
    if figure.kind == QuestionKind.LIKERT:
        assert figure.scale is not None
        scale = figure.scale
        segments = [
            Segment(step.label, colour)
            for step, colour in zip(scale.steps, scale_colours(scale), strict=True)
        ]
        apart = [
            Segment(step.label, colour) for step, colour in zip(scale.apart, DS_APART, strict=False)
        ]
        for row in figure.rows:
            bars = []
            for column, cell in zip(figure.columns, row.cells, strict=True):
                if cell is None:
                    continue
                who = column.label if multi else ""
                bars.append(
                    HBar(
                        values=[float(cell.share(s.value)) for s in scale.steps],
                        apart=[float(cell.share(s.value)) for s in scale.apart],
                        label=column.short if multi else "",
                        note=f"N={number_nb(cell.n)}",
                        tooltips=[
                            _tip(who, s.label, cell, s.value) for s in (*scale.steps, *scale.apart)
                        ],
                    )
                )
            groups.append(HBarGroup(row.label, bars))
        description = (
            f"{figure.subject}. Fordelingen av svarene på skalaen «{scale.label.lower()}» per "
            "påstand, i prosent; «vet ikke» og «kjenner ikke til» står for seg til høyre. "
            "Tallene står i tabellen under figuren."
        )
        return hbar_chart(
            chart_id=chart_id,
            title=figure.title,
            subtitle=f"{figure.subject}. {figure.base}",
            groups=groups,
            segments=segments,
            apart=apart,
            stacked=True,
            axis_label="Prosent av svarene",
            description=description,
        )
    series = [
        Segment(column.label, DS_SERIES[index % len(DS_SERIES)])
        for index, column in enumerate(figure.columns)
    ]
    for row in figure.rows:
        bars = []
        for column, cell in zip(figure.columns, row.cells, strict=True):
            if cell is None:
                continue
            bars.append(
                HBar(
                    values=[float(cell.share(row.key))],
                    label=column.short if multi else "",
                    tooltips=[_tip(column.label if multi else "", row.label, cell, row.key)],
                )
            )
        groups.append(HBarGroup(row.label, bars))
    return hbar_chart(
        chart_id=chart_id,
        title=figure.title,
        subtitle=f"{figure.subject}. {figure.base}",
        groups=groups,
        segments=series,
        stacked=False,
        axis_label="Prosent av dem som svarte",
        description=f"{figure.subject}. Andelen som valgte hvert svar. Tallene står i tabellen "
        "under figuren.",
    )


@dataclass(frozen=True)
class FigureTable:
    """A figure's table: column headers, and rows of a header cell and value cells."""

    caption: str
    head: list[str]
    rows: list[tuple[str, list[str]]]


def figure_table(figure: Figure) -> FigureTable:
    """Likert: a row per item (and year or role), a column per answer and N. Choices: a row per
    choice, a column per year or role, and a last row with N."""
    caption = f"{figure.caption}: {figure.title}"
    if figure.kind == QuestionKind.LIKERT:
        assert figure.scale is not None
        answers = [*figure.scale.steps, *figure.scale.apart]
        head = [
            "Påstand",
            *(["År" if not figure.by_roles else "Rolle"] if figure.multi else []),
            *[a.label for a in answers],
            "N",
        ]
        rows = []
        for row in figure.rows:
            for column, cell in zip(figure.columns, row.cells, strict=True):
                if cell is None:
                    continue
                values = [
                    *([column.label] if figure.multi else []),
                    *[_pct(cell.share(a.value)) for a in answers],
                    number_nb(cell.n),
                ]
                rows.append((row.label, values))
        return FigureTable(caption, head, rows)
    head = [
        "Svar",
        *[f"Andel {c.label}" if figure.multi else "Andel" for c in figure.columns],
        *[f"Antall {c.label}" if figure.multi else "Antall" for c in figure.columns],
    ]
    rows = [
        (
            row.label,
            [
                *[_pct(c.share(row.key)) if c else "–" for c in row.cells],
                *[number_nb(c.count(row.key)) if c else "–" for c in row.cells],
            ],
        )
        for row in figure.rows
    ]
    rows.append(
        (
            "Antall som svarte (N)",
            [*["" for _ in figure.columns], *[number_nb(c.n) for c in figure.columns]],
        )
    )
    return FigureTable(caption, head, rows)
