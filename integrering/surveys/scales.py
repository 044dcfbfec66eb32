"""The Likert scales of the municipal survey (seed 004), as plain data.

Seed 004 asks on five scales: «svært god ... svært dårlig» (IMDi's services, cooperation:
figures 1-4, 15, 20, 22), «svært nyttig ... lite nyttig» (figure 11), «i svært stor ... liten
grad» (figures 13, 24), «helt enig ... helt uenig» (figures 16, 39) and «utfordrende» (figure
23). Each has its steps in the order the seed reads them, and the answers that are not on the
scale («vet ikke», «kjenner ikke til»), which the results show apart from the scale.

``lead`` is how many steps from the start make the seed's headline share («svært god eller god»,
«svært eller litt utfordrende»); figures sort their items by it. ``first_is_positive`` says which
end the colours start from (blue for the good end, red for the bad one).

The quality scale keeps the values stored before there were several scales (``LikertValue``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    value: str
    label: str


DONT_KNOW = Step("vet_ikke", "Vet ikke")
NOT_FAMILIAR = Step("kjenner_ikke_til", "Kjenner ikke til")


@dataclass(frozen=True)
class Scale:
    code: str
    label: str
    steps: tuple[Step, ...]
    apart: tuple[Step, ...]
    lead: int = 2
    first_is_positive: bool = True

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(s.value for s in (*self.steps, *self.apart))

    @property
    def options(self) -> list[tuple[str, str]]:
        """(value, label) of every answer, the scale first and then the answers apart."""
        return [(s.value, s.label) for s in (*self.steps, *self.apart)]

    @property
    def lead_label(self) -> str:
        """«Svært god eller god»: the headline share's name."""
        first = [s.label for s in self.steps[: self.lead]]
        return " eller ".join([first[0], *[f.lower() for f in first[1:]]])

    def label_of(self, value: str) -> str:
        return dict(self.options).get(value, value)


QUALITY = Scale(
    code="quality",
    label="Svært god – svært dårlig",
    steps=(
        Step("svaert_god", "Svært god"),
        Step("god", "God"),
        Step("verken_eller", "Verken god eller dårlig"),
        Step("darlig", "Dårlig"),
        Step("svaert_darlig", "Svært dårlig"),
    ),
    apart=(DONT_KNOW, NOT_FAMILIAR),
)
USEFULNESS = Scale(
    code="usefulness",
    label="Svært nyttig – svært lite nyttig",
    steps=(
        Step("svaert_nyttig", "Svært nyttig"),
        Step("nyttig", "Nyttig"),
        Step("verken_eller", "Verken eller"),
        Step("lite_nyttig", "Lite nyttig"),
        Step("svaert_lite_nyttig", "Svært lite nyttig"),
    ),
    apart=(DONT_KNOW, NOT_FAMILIAR),
)
EXTENT = Scale(
    code="extent",
    label="I svært stor grad – i svært liten grad",
    steps=(
        Step("i_svaert_stor_grad", "I svært stor grad"),
        Step("i_stor_grad", "I stor grad"),
        Step("verken_eller", "Verken eller"),
        Step("i_liten_grad", "I liten grad"),
        Step("i_svaert_liten_grad", "I svært liten grad"),
    ),
    apart=(DONT_KNOW,),
)
AGREEMENT = Scale(
    code="agreement",
    label="Helt enig – helt uenig",
    steps=(
        Step("helt_enig", "Helt enig"),
        Step("delvis_enig", "Delvis enig"),
        Step("verken_eller", "Verken enig eller uenig"),
        Step("delvis_uenig", "Delvis uenig"),
        Step("helt_uenig", "Helt uenig"),
    ),
    apart=(DONT_KNOW,),
)
CHALLENGE = Scale(
    code="challenge",
    label="Svært utfordrende – ikke utfordrende",
    steps=(
        Step("svaert_utfordrende", "Svært utfordrende"),
        Step("litt_utfordrende", "Litt utfordrende"),
        Step("lite_utfordrende", "Lite utfordrende"),
        Step("ikke_utfordrende", "Ikke utfordrende"),
    ),
    apart=(DONT_KNOW,),
    first_is_positive=False,
)

SCALES: dict[str, Scale] = {s.code: s for s in (QUALITY, USEFULNESS, EXTENT, AGREEMENT, CHALLENGE)}
SCALE_CHOICES: list[tuple[str, str]] = [(s.code, s.label) for s in SCALES.values()]
DEFAULT_SCALE = QUALITY.code


def scale_of(code: str) -> Scale:
    """The scale with ``code``; the quality scale for an empty or unknown code (questions made
    before there were several scales)."""
    return SCALES.get(code or DEFAULT_SCALE, QUALITY)
