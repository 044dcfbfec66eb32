"""The capacity survey's chart per service (seed 000): the four levels as shares of the
answering municipalities, a bar per county and one for all, drawn by the kit's ``hbar_chart`` so
that long service names and county names never overlap, with all four levels in the legend
(also those nobody answered) and N after each bar.
"""

from __future__ import annotations

from collections.abc import Sequence

from integrering.charts import DS_DIVERGING, HBar, HBarGroup, Segment, hbar_chart
from integrering.ui.numbers import number_nb, percent_nb

from .capacity_summary import ServiceShare
from .models import CapacityLevel

# Best first, as the scale: blue for god, red for kritisk (Designsystemet's colours).
LEVEL_COLOURS = DS_DIVERGING[4]


def capacity_chart_svg(
    *, title: str, lines: Sequence[tuple[str, ServiceShare]], description: str, chart_id: str
) -> str:
    """One service's levels per area (``lines``: a county's name or «Alle» and its shares)."""
    segments = [
        Segment(str(level.label), colour)
        for level, colour in zip(CapacityLevel, LEVEL_COLOURS, strict=True)
    ]
    groups = []
    for name, share in lines:
        tips = [
            f"{name}: {level.label} {percent_nb(float(share.level_percent(level) or 0), 1)} "
            f"({number_nb(share.counts.get(level, 0))} av {number_nb(share.answered)})"
            for level in CapacityLevel
        ]
        values = [float(share.level_percent(level) or 0) for level in CapacityLevel]
        groups.append(
            HBarGroup(
                name,
                [HBar(values=values, note=f"N={number_nb(share.answered)}", tooltips=tips)],
            )
        )
    return hbar_chart(
        chart_id=chart_id,
        title=title,
        groups=groups,
        segments=segments,
        stacked=True,
        axis_label="Andel av kommunene som har svart",
        description=description,
    )
