"""The SVG charts: accessible, deterministic, with every series drawn and Norwegian numbers."""

from __future__ import annotations

import datetime
import functools
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from django.core.cache import cache
from PIL import ImageFont

from integrering import charts
from integrering.charts import (
    DIVERGING,
    DS_APART,
    DS_DIVERGING,
    DS_SERIES,
    MONTHS,
    PALETTE,
    HBar,
    HBarGroup,
    ReferenceLine,
    Segment,
    Series,
    bar_chart,
    contrast,
    hbar_chart,
    line_chart,
    month_labels,
)
from integrering.charts.text import (
    Box,
    font_path,
    overlapping,
    svg_text_boxes,
    text_width,
    truncate,
    wrap,
)
from integrering.ui.numbers import number_nb, percent_nb

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def _texts(root: ET.Element) -> list[str]:
    return [(t.text or "").strip() for t in root.iter(f"{SVG}text")]


def _ids(root: ET.Element) -> set[str]:
    return {element.get("id", "") for element in root.iter()}


def _line() -> str:
    return line_chart(
        title="Bosetting 2026",
        labels=month_labels(),
        series=[
            Series("Bosatt, totalt", [120, 480, 1250, None]),
            Series("Bosatt, fra mottak", [20, 80, 250, None]),
        ],
        reference_lines=[ReferenceLine("Behov", 5350), ReferenceLine("Vedtatt", 5100)],
        value_label="Personer",
        description="Bosatte summert måned for måned & behovet.",
    )


def test_a_line_chart_is_an_accessible_svg_image() -> None:
    root = _parse(_line())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "bosetting-2026-title bosetting-2026-desc"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == "Bosetting 2026"
    assert desc is not None and desc.text == "Bosatte summert måned for måned & behovet."


def test_a_line_chart_draws_every_series_and_reference_line_with_a_legend() -> None:
    root = _parse(_line())
    ids = _ids(root)
    for gid in (
        "bosetting-2026-series-0",
        "bosetting-2026-series-1",
        "bosetting-2026-reference-0",
        "bosetting-2026-reference-1",
    ):
        assert gid in ids
    texts = _texts(root)
    assert {"Bosatt, totalt", "Bosatt, fra mottak"} <= set(texts)
    assert "Behov: 5\u00a0350" in texts and "Vedtatt: 5\u00a0100" in texts
    assert texts[:12] == list(MONTHS)  # Norwegian month names on the axis


def test_series_differ_by_more_than_colour() -> None:
    svg = _line()
    first = svg.split('id="bosetting-2026-series-0"')[1].split("</g>")[0]
    second = svg.split('id="bosetting-2026-series-1"')[1].split("</g>")[0]
    assert PALETTE[0].lower() in first and PALETTE[1].lower() in second
    assert "stroke-dasharray" not in first and "stroke-dasharray" in second  # solid vs dashed


def test_the_same_figures_give_the_same_bytes_without_a_date() -> None:
    cache.clear()
    first = _line()
    cache.clear()  # drawn again, not served from the cache
    assert _line() == first
    assert "<metadata" not in _line() and "dc:date" not in _line()


def test_a_chart_drawn_before_is_served_from_the_cache_and_new_figures_are_drawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache.clear()
    drawn: list[str] = []
    real_svg = charts._svg

    def counting_svg(figure: object, **kwargs: str) -> str:
        drawn.append(kwargs["chart_id"])
        return real_svg(figure, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(charts, "_svg", counting_svg)
    first = _line()
    assert _line() == first
    assert len(drawn) == 1
    changed = line_chart(
        title="Bosetting 2026",
        labels=month_labels(),
        series=[Series("Bosatt, totalt", [120, 480, 1251, None])],
    )
    assert len(drawn) == 2 and changed != first


def test_numbers_are_written_the_norwegian_way() -> None:
    assert number_nb(5350) == "5\u00a0350"
    assert number_nb(12.5, 1) == "12,5"
    assert number_nb(1234567.25, 2) == "1\u00a0234\u00a0567,25"
    assert percent_nb(40) == "40\u00a0%"
    assert month_labels(11, 3) == ["nov", "des", "jan"]


def test_a_stacked_likert_chart_shows_each_category_as_shares_of_its_total() -> None:
    svg = bar_chart(
        title="Fornøyd med tjenesten",
        categories=["NAV", "Skolen"],
        series=[
            Series("Helt uenig", [1, 0]),
            Series("Uenig", [1, 2]),
            Series("Nøytral", [2, 2]),
            Series("Enig", [4, 4]),
            Series("Helt enig", [2, 2]),
        ],
        horizontal=True,
        percent=True,
        colours=DIVERGING[5],
        show_values=True,
        chart_id="likert-1",
    )
    root = _parse(svg)
    ids = _ids(root)
    assert all(f"likert-1-series-{s}-{c}" in ids for s in range(5) for c in range(2))
    texts = _texts(root)
    assert {"NAV", "Skolen", "Helt uenig", "Helt enig"} <= set(texts)
    assert "40\u00a0%" in texts  # «Enig»: 4 of 10
    assert "100\u00a0%" in texts  # the value axis ends at 100 %
    # The neutral segment is grey and labelled in black; the darkest in white.
    assert DIVERGING[5][2].lower() in svg.lower()


def test_a_grouped_bar_chart_draws_one_bar_per_series_and_category() -> None:
    svg = bar_chart(
        title="Deltakere per tjeneste",
        categories=["Jan", "Feb", "Mar"],
        series=[Series("Oslo", [10, 12, 14]), Series("Bergen", [5, None, 7])],
        stacked=False,
        show_values=True,
    )
    root = _parse(svg)
    ids = _ids(root)
    assert {f"deltakere-per-tjeneste-series-{s}-{c}" for s in range(2) for c in range(3)} <= ids
    assert {"Oslo", "Bergen", "Jan", "Mar", "14"} <= set(_texts(root))


@pytest.mark.parametrize("horizontal", [False, True])
def test_a_chart_without_series_still_renders(horizontal: bool) -> None:
    svg = bar_chart(title="Tomt", categories=[], series=[], horizontal=horizontal)
    assert _parse(svg).get("role") == "img"
    assert _parse(line_chart(title="Tomt", labels=[], series=[])).get("role") == "img"


# --- No text overlaps (issue 24) -----------------------------------------------------------------
#
# Every chart the reports draw is read back: each <text> becomes a box from its position, anchor,
# size and weight, measured here with Pillow's FreeType (kerning included), not with the kit's own
# metrics, and no two boxes may overlap nor leave the image.


@functools.cache
def _font(size: float, bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(bold)), size)


def _pillow_width(text: str, size: float, bold: bool) -> float:
    return float(_font(size, bold).getlength(text))


def _size(svg: str) -> tuple[float, float]:
    root = _parse(svg)
    _, _, width, height = (float(v) for v in (root.get("viewBox") or "0 0 0 0").split())
    return width, height


def assert_readable(svg: str, *, legend: tuple[str, ...] = ()) -> list[Box]:
    """No two texts overlap, none leaves the image, and every legend name is written out."""
    boxes = svg_text_boxes(svg, measure=_pillow_width)
    clashes = overlapping(boxes)
    assert not clashes, "\n".join(f"«{a.text}» overlaps «{b.text}»" for a, b in clashes)
    width, height = _size(svg)
    outside = [
        b.text
        for b in boxes
        if b.left < -0.5 or b.top < -0.5 or b.right > width + 0.5 or b.bottom > height + 0.5
    ]
    assert not outside, f"cut at the edge: {outside}"
    texts = {b.text for b in boxes}
    missing = [name for name in legend if name not in texts]
    assert not missing, f"not in the legend: {missing}"
    return boxes


LONG = (
    "Tilrettelegging for kunnskapsoverføring og erfaringsutveksling mellom kommuner/"
    "fylkeskommuner som mottar prosjektmidler, også når teksten er mye lengre enn noen "
    "påstand i seed 004 og fortsetter over mange linjer"
)
WORD = "Integreringstilskuddsforvaltningsavdelingsledersamarbeidsavtaleutkast"
SCALE = ("Svært god", "God", "Verken god eller dårlig", "Dårlig", "Svært dårlig")
APART = ("Vet ikke", "Kjenner ikke til")


@pytest.mark.parametrize("label", ["Ja", "Hvordan vurderer du IMDis nyhetsbrev?", LONG, WORD])
@pytest.mark.parametrize("years", [1, 3])
def test_a_likert_chart_never_overlaps_at_any_label_length(label: str, years: int) -> None:
    segments = [Segment(n, c) for n, c in zip(SCALE, DS_DIVERGING[5], strict=True)]
    apart = [Segment(n, c) for n, c in zip(APART, DS_APART, strict=True)]
    # Shares that put «80 %» next to «100 %» and tiny segments beside wide ones.
    shares = [
        [80.0, 18.0, 1.0, 0.5, 0.5],
        [0.5, 0.5, 1.0, 18.0, 40.0],
        [20.0, 20.0, 20.0, 20.0, 20.0],
    ]
    groups = [
        HBarGroup(
            f"{label} {i}",
            [
                HBar(
                    values=shares[(i + y) % 3],
                    apart=[y * 9.0, 40.0 - y * 9],
                    label=str(2021 - y),
                    note=f"N={141 - y}",
                )
                for y in range(years)
            ],
        )
        for i in range(3)
    ]
    svg = hbar_chart(
        chart_id="likert",
        title=label,
        subtitle=f"Integreringsansvarlig (N=141). {label}",
        groups=groups,
        segments=segments,
        apart=apart,
        axis_label="Prosent av svarene",
    )
    assert_readable(svg, legend=(*SCALE, *APART))
    assert LONG not in {b.text for b in svg_text_boxes(svg)}  # wrapped and cut, ...
    if label == LONG:
        assert f"<title>{label} 0</title>" not in svg
        assert f">{label} 0<" not in svg


@pytest.mark.parametrize("label", ["Ja", LONG, WORD])
def test_a_choice_chart_never_overlaps_and_writes_each_share_after_its_bar(label: str) -> None:
    series = [Segment(str(y), c) for y, c in zip((2021, 2020, 2019), DS_SERIES, strict=False)]
    groups = [
        HBarGroup(
            f"{label} {i}",
            [HBar(values=[v], label=str(2021 - k)) for k, v in enumerate((99.6, 100.0, 0.4))],
        )
        for i in range(4)
    ]
    svg = hbar_chart(
        chart_id="valg",
        title=label,
        groups=groups,
        segments=series,
        stacked=False,
        axis_label="Prosent av dem som svarte",
    )
    boxes = assert_readable(svg, legend=("2021", "2020", "2019"))
    assert {"100\u00a0%", "0\u00a0%"} <= {b.text for b in boxes}


def test_labels_are_wrapped_then_cut_with_the_full_text_elsewhere() -> None:
    lines = wrap(LONG, 200, 12, max_lines=3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(text_width(line, 12) <= 200 for line in lines)
    broken = wrap(WORD, 120, 12)
    assert all(text_width(line, 12) <= 120 for line in broken)
    assert truncate(LONG, 100, 11).endswith("…") and text_width(truncate(LONG, 100, 11), 11) <= 100
    assert truncate("Ja", 100, 11) == "Ja"


def test_the_kits_colours_are_designsystemets_with_enough_contrast() -> None:
    # Every bar against the white page at least 3:1 (WCAG 1.4.11), and a share written on a
    # segment in black or white at least 4.5:1 (WCAG 1.4.3).
    for colours in (*DS_DIVERGING.values(), DS_APART, DS_SERIES):
        for colour in colours:
            assert contrast(colour, "#FFFFFF") >= 3, colour
            assert max(contrast(colour, "#000000"), contrast(colour, "#FFFFFF")) >= 4.5, colour
    theme = (
        (
            Path(__file__).resolve().parents[1]
            / "integrering/web/static/vendor/designsystemet/theme.css"
        )
        .read_text()
        .lower()
    )
    for colour in {*[c for cs in DS_DIVERGING.values() for c in cs], *DS_APART, *DS_SERIES}:
        assert colour.lower() in theme, f"{colour} is not a Designsystemet colour"


def test_the_settlement_line_chart_has_no_overlapping_text() -> None:
    svg = line_chart(
        title="Bosetting 2026 i alle landets kommuner: bosatte summert måned for måned, mot behovet og kommunenes vedtak",
        labels=month_labels(),
        series=[
            Series("Bosatt, totalt", [120, 480, 1250, None]),
            Series("Bosatt, fra mottak", [20, 80, 250, None]),
            Series("Bosatt, utenfor mottak", [20, 80, 250, None]),
            Series("Overføringsflyktninger", [1, 2, 3, None]),
        ],
        reference_lines=[ReferenceLine("Behov", 5350), ReferenceLine("Vedtatt", 5100)],
        value_label="Personer",
    )
    assert_readable(svg, legend=("Bosatt, totalt", "Overføringsflyktninger", "Behov: 5\u00a0350"))


@pytest.mark.django_db
def test_every_capacity_chart_has_all_four_levels_and_no_overlap_with_long_names() -> None:
    from integrering.organisations.models import County
    from integrering.surveys.capacity_chart import capacity_chart_svg
    from integrering.surveys.capacity_summary import AnswerRow, service_shares
    from integrering.surveys.models import CapacityLevel, CapacityService

    counties = sorted(County.objects.values_list("name", flat=True), key=len, reverse=True)[:4]
    levels = CapacityLevel.values
    for service in CapacityService:
        # Nobody answered «kritisk» here: the legend still has all four levels.
        rows = [
            AnswerRow(str(i), service.value, levels[i % 3], county)
            for i, county in enumerate(counties * 3)
        ]
        lines = [
            (
                county,
                service_shares([r for r in rows if r.county == county], services=[service.value])[
                    0
                ],
            )
            for county in counties
        ]
        lines.append(("Alle", service_shares(rows, services=[service.value])[0]))
        svg = capacity_chart_svg(
            title=str(service.label), lines=lines, description="", chart_id=f"k-{service.value}"
        )
        assert_readable(svg, legend=tuple(str(label) for label in CapacityLevel.labels))
        assert "N=3" in svg and "N=12" in svg


@pytest.mark.django_db
def test_every_survey_figure_with_the_real_labels_has_no_overlapping_text() -> None:
    """Seed 004's questionnaires as the demo loads them (the longest real texts), three years,
    every role, every answer given: every figure's chart reads without overlaps."""
    from integrering.organisations.models import Municipality
    from integrering.surveys.models import Answer, Invitation, InvitationStatus, QuestionKind
    from integrering.surveys.scales import scale_of
    from integrering.surveys.services.figure_charts import figure_svg
    from integrering.surveys.services.figures import figures_all, survey_figures
    from integrering.surveys.services.questionnaires import questionnaires_load, survey_create
    from integrering.surveys.tokens import token_new

    data = yaml.safe_load(
        (
            Path(__file__).resolve().parents[1]
            / "integrering/surveys/data/questionnaires-2021.yaml"
        ).read_text(encoding="utf-8")
    )
    municipalities = list(Municipality.objects.filter(valid_to__isnull=True).order_by("number")[:9])
    previous = None
    surveys = []
    for year in (2019, 2020, 2021):
        survey = survey_create(
            year=year,
            title=f"K {year}",
            opens_on=datetime.date(year, 12, 13),
            closes_on=datetime.date(year + 1, 1, 17),
            copy_from=previous,
        )
        if previous is None:
            questionnaires_load(survey=survey, data=data)
        for questionnaire in survey.questionnaires.all():
            questions = list(questionnaire.questions.exclude(kind=QuestionKind.TEXT))
            for k, municipality in enumerate(municipalities):
                invitation = Invitation.objects.create(
                    questionnaire=questionnaire,
                    municipality=municipality,
                    token_hash=token_new()[1],
                    status=InvitationStatus.SUBMITTED,
                )
                answers = []
                for q in questions:
                    if q.kind == QuestionKind.LIKERT:
                        values = scale_of(q.scale).values
                        value: object = values[(k + year) % len(values)]
                    elif q.kind == QuestionKind.SINGLE:
                        value = q.choices[(k + year) % len(q.choices)]
                    else:
                        value = q.choices[: 1 + (k + year) % len(q.choices)]
                    answers.append(Answer(invitation=invitation, question=q, value=value))
                Answer.objects.bulk_create(answers)
        surveys.append(survey)
        previous = survey
    figures = figures_all(survey_figures(surveys[-1], [surveys[1], surveys[0]]))
    assert len(figures) >= 30
    assert any(f.by_roles for f in figures) and any(len(f.columns) == 3 for f in figures)
    for figure in figures:
        legend = (
            tuple(s.label for s in (*figure.scale.steps, *figure.scale.apart))
            if figure.scale
            else tuple(c.label for c in figure.columns)
            if len(figure.columns) > 1
            else ()
        )
        assert_readable(figure_svg(figure), legend=legend)
