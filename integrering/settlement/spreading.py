"""Spreading the year's settlement need over municipalities as requests (anmodninger).

INTERFACE (implemented by a helper; the planner pages and the CLI both call ``spread``):

    @dataclass(frozen=True)
    class SpreadRow:
        municipality: str          # four-digit municipality number
        population: int
        results_score: Decimal     # >= 0
        immigrant_share: Decimal   # 0..1
        exception: bool

    @dataclass(frozen=True)
    class SpreadLine:
        municipality: str
        request: int               # whole persons, 0 when not asked
        reason: str                # why (Norwegian, short), e.g. "Innvandrerandel over 30 %"

    @dataclass(frozen=True)
    class SpreadResult:
        need: int
        below_minimum: str         # "drop" | "raise"
        lines: list[SpreadLine]    # one per input row, in the input's order
        requested_municipalities: int  (property: lines with request > 0)

    def spread(need: int, rows: Sequence[SpreadRow], *, below_minimum: str = "drop",
               on: datetime.date | None = None) -> SpreadResult
"""
