"""The matcher's problem (utsøking) and how it is read from the three files of the issue.

A household takes ``persons`` of a municipality's persons capacity and ``demand[h, k]`` of its
capacity in each further dimension (large dwellings, school places, places for unaccompanied
minors...). A household may only go to a municipality if the pair is listed with a score; a
family tie (``required_municipality``) leaves only that pair.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HOUSEHOLD_ID = "household_id"
PERSONS = "persons"
REQUIRED = "required_municipality"
MUNICIPALITY = "municipality_number"
SCORE = "score"
NEEDS = "adaptation_needs"
CAPABILITIES = "adaptation_capabilities"
# Codes in a cell of the needs and capabilities columns: separated by «|», «;», «,» or spaces.
# The capacity dimensions as the user reads them (issue 23 item 10); a column of the files with
# another name is shown as it is. The same words as ``services/match_capacity.CAPACITY_LABELS``.
DIMENSION_WORDS = {
    PERSONS: "personer",
    "large_dwelling": "store boliger",
    "school_children": "plasser for barn i skolealder",
    "unaccompanied_minors": "plasser for enslige mindreårige",
}


def dimension_word(name: str) -> str:
    """A capacity dimension in words: «store boliger» for ``large_dwelling``."""
    return DIMENSION_WORDS.get(name, name)


CODE_SEPARATORS = re.compile(r"[|;,\s]+")
MAX_ADAPTATIONS = 62  # bits of an int64 bit set

# Per kind of problem, list this many rows and then count the rest: a file of 5 million rows with
# one systematic fault must not drown the planner.
LISTED_PER_KIND = 10


class MatchInputError(Exception):
    """The matcher's input is wrong; ``problems`` lists every problem found, in Norwegian."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class MatchProblem:
    """One matching problem. Indices: households ``h`` (n), municipalities ``j`` (m), capacity
    dimensions besides persons ``k`` (d) and allowed pairs ``p`` (p).

    Treat it as immutable once built: the matcher caches indices over the pairs in ``_cache``.
    """

    household_ids: list[str]
    municipality_numbers: list[str]
    persons: np.ndarray  # (n,) int >= 1
    dimensions: list[str]
    demand: np.ndarray  # (n, d) int >= 0
    capacity_persons: np.ndarray  # (m,) int >= 0
    capacity: np.ndarray  # (m, d) float; np.inf = no limit
    pair_household: np.ndarray  # (p,) index into households
    pair_municipality: np.ndarray  # (p,) index into municipalities
    pair_score: np.ndarray  # (p,) float >= 0; a pair not listed is not allowed
    # Adaptation needs, as bit sets over ``adaptations`` (bit i = ``adaptations[i]``): a pair is
    # only allowed if the municipality can meet every need of the household (``check``).
    adaptations: list[str] = field(default_factory=list)
    needs: np.ndarray | None = None  # (n,) int64 bit set of each household's needs; None = none
    capabilities: np.ndarray | None = None  # (m,) int64 bit set of what each can meet
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def n(self) -> int:
        return len(self.household_ids)

    @property
    def m(self) -> int:
        return len(self.municipality_numbers)

    @property
    def d(self) -> int:
        return len(self.dimensions)

    @property
    def p(self) -> int:
        return len(self.pair_score)

    def needs_unmet(self, households: np.ndarray, municipalities: np.ndarray) -> np.ndarray:
        """Per (household, municipality): the bit set of the household's needs the municipality
        cannot meet (0 = it may go there)."""
        if self.needs is None:
            return np.zeros(len(households), dtype=np.int64)
        capabilities = (
            np.zeros(self.m, dtype=np.int64) if self.capabilities is None else self.capabilities
        )
        unmet: np.ndarray = self.needs[households] & ~capabilities[municipalities]
        return unmet

    def needs_named(self, bits: int) -> list[str]:
        """The codes of a bit set of needs, in ``adaptations`` order."""
        return [code for i, code in enumerate(self.adaptations) if bits >> i & 1]

    def pairs_sorted(self) -> tuple[np.ndarray, np.ndarray]:
        """The pairs grouped by household, each household's best first (ties by municipality
        number ascending): ``(order, start)`` where household ``h``'s pairs are
        ``order[start[h]:start[h + 1]]``. Cached."""
        if "sorted" not in self._cache:
            number_rank = np.argsort(np.argsort(np.array(self.municipality_numbers, dtype=str)))
            rank = number_rank[self.pair_municipality] if self.m else self.pair_municipality
            counts = np.bincount(self.pair_household, minlength=self.n)
            start = np.zeros(self.n + 1, dtype=np.int64)
            np.cumsum(counts, out=start[1:])
            self._cache["sorted"] = (_pairs_order(self, rank, counts), start)
        result: tuple[np.ndarray, np.ndarray] = self._cache["sorted"]
        return result

    def check(self) -> None:
        """Raise ``MatchInputError`` if the arrays do not fit together (for problems built in
        code rather than read from files)."""
        problems: list[str] = []
        n, m, d = self.n, self.m, self.d
        shapes = {
            "persons": (self.persons.shape, (n,)),
            "demand": (self.demand.shape, (n, d)),
            "capacity_persons": (self.capacity_persons.shape, (m,)),
            "capacity": (self.capacity.shape, (m, d)),
            "pair_municipality": (self.pair_municipality.shape, self.pair_household.shape),
            "pair_score": (self.pair_score.shape, self.pair_household.shape),
        }
        for name, (shape, wanted) in shapes.items():
            if shape != wanted:
                problems.append(f"{name} har formen {shape}, ventet {wanted}.")
        for name, array, size in (("needs", self.needs, n), ("capabilities", self.capabilities, m)):
            if array is not None and array.shape != (size,):
                problems.append(f"{name} har formen {array.shape}, ventet ({size},).")
        if problems:
            raise MatchInputError(problems)
        if len(self.adaptations) > MAX_ADAPTATIONS:
            problems.append(f"Høyst {MAX_ADAPTATIONS} ulike behov for tilpasning.")
        if len(set(self.household_ids)) != n:
            problems.append("Samme husstand er med flere ganger.")
        if len(set(self.municipality_numbers)) != m:
            problems.append("Samme kommune er med flere ganger.")
        if n and self.persons.min() < 1:
            problems.append("Hver husstand må ha minst én person.")
        if self.demand.size and self.demand.min() < 0:
            problems.append("Behov kan ikke være negative.")
        if m and self.capacity_persons.min() < 0:
            problems.append("Kapasitet kan ikke være negativ.")
        if self.capacity.size and (np.isnan(self.capacity).any() or self.capacity.min() < 0):
            problems.append("Kapasitet kan ikke være negativ eller mangle.")
        if self.p:
            if self.pair_household.min() < 0 or self.pair_household.max() >= n:
                problems.append("Et par viser til en husstand som ikke finnes.")
            if self.pair_municipality.min() < 0 or self.pair_municipality.max() >= m:
                problems.append("Et par viser til en kommune som ikke finnes.")
            if not np.isfinite(self.pair_score).all() or self.pair_score.min() < 0:
                problems.append("Poengsummer må være tall større enn eller lik 0.")
            elif not problems and _has_duplicates(self.pair_household, self.pair_municipality, m):
                problems.append("Samme par husstand–kommune er med flere ganger.")
            if not problems:
                unmet = self.needs_unmet(self.pair_household, self.pair_municipality) != 0
                if unmet.any():
                    problems.append(
                        f"{int(unmet.sum())} par gir en husstand en kommune som ikke kan møte "
                        "behovet for tilpasning."
                    )
        if problems:
            raise MatchInputError(problems)


def _pairs_order(problem: MatchProblem, rank: np.ndarray, counts: np.ndarray) -> np.ndarray:
    households, score = problem.pair_household, problem.pair_score
    p, n = len(score), len(counts)
    width = int(counts.max(initial=0))
    # The common case at national size: pairs grouped by household, in municipality-number
    # order within each (as read from a file or built from a table). Sorting an (n, width)
    # table row by row is then much faster than a lexsort of 5 million pairs.
    if p and n * width <= 3 * p and bool((np.diff(households) >= 0).all()):
        start = np.r_[0, np.cumsum(counts)[:-1]]
        within = np.arange(p) - np.repeat(start, counts)
        same = np.diff(households) == 0
        if bool((np.diff(rank)[same] > 0).all()):
            table = np.full((n, width), np.inf)
            table[households, within] = -score
            columns = np.argsort(table, axis=1, kind="stable")
            pairs = columns + start[:, None]
            result: np.ndarray = pairs[columns < counts[:, None]]
            return result
    return np.lexsort((rank, -score, households))


def _has_duplicates(households: np.ndarray, municipalities: np.ndarray, m: int) -> bool:
    key = households.astype(np.int64) * max(m, 1) + municipalities
    return bool(_duplicate_mask(key, (int(households.max(initial=0)) + 1) * max(m, 1)).any())


# --- Reading the files ---------------------------------------------------------------------------


class _Problems:
    """Collects problems, listing at most ``LISTED_PER_KIND`` rows of each kind."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.ignored = 0  # score rows left out (``other_households_ignored``)

    def add(self, text: str) -> None:
        self.lines.append(text)

    def rows(self, name: str, mask: np.ndarray, texts: Any) -> None:
        """One problem per offending row (``mask`` over the data rows); ``texts(rows)`` describes
        the offenders ``rows`` (0-based data rows), of which only the first few are listed."""
        rows = np.flatnonzero(mask)
        if not len(rows):
            return
        shown = rows[:LISTED_PER_KIND]
        # Line 1 is the header, so data row i (from 0) is line i + 2.
        for row, text in zip(shown, texts(shown), strict=True):
            self.lines.append(f"{name} linje {int(row) + 2}: {text}")
        if len(rows) > LISTED_PER_KIND:
            self.lines.append(
                f"{name}: … og {len(rows) - LISTED_PER_KIND} linjer til med samme feil."
            )


def _read_text_csv(path: Path, problems: _Problems) -> pd.DataFrame | None:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError:
        problems.add(f"{path.name}: filen finnes ikke ({path}).")
        return None
    except pd.errors.EmptyDataError:
        problems.add(f"{path.name}: filen er tom (mangler overskriftslinjen).")
        return None
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        problems.add(f"{path.name}: kan ikke leses som CSV i UTF-8 ({exc}).")
        return None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _require_columns(
    frame: pd.DataFrame, name: str, columns: list[str], problems: _Problems
) -> bool:
    missing = [c for c in columns if c not in frame.columns]
    for column in missing:
        problems.add(f"{name}: mangler kolonnen «{column}».")
    duplicated = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    for column in duplicated:
        problems.add(f"{name}: kolonnen «{column}» finnes flere ganger.")
    return not missing and not duplicated


def _ids(frame: pd.DataFrame, column: str, name: str, problems: _Problems) -> list[str]:
    values = frame[column].astype(str).str.strip()
    empty = (values == "").to_numpy()
    problems.rows(name, empty, lambda rows: [f"«{column}» mangler."] * len(rows))
    duplicated = (values.duplicated(keep="first") & ~pd.Series(empty)).to_numpy()
    text = values.to_numpy()
    problems.rows(
        name, duplicated, lambda rows: [f"«{text[r]}» finnes flere ganger." for r in rows]
    )
    return list(values)


def _integers(
    frame: pd.DataFrame,
    column: str,
    name: str,
    problems: _Problems,
    *,
    minimum: int,
    empty: float | None,
) -> np.ndarray:
    """A column of whole numbers >= ``minimum`` (as floats); an empty cell is ``empty``, or a
    problem if ``empty`` is None."""
    text = frame[column].astype(str).str.strip()
    blank = (text == "").to_numpy()
    values = np.array(pd.to_numeric(text.where(~blank, "0"), errors="coerce"), dtype=float)
    bad = ~np.isfinite(values) | (values != np.round(values)) | (values < minimum)
    if empty is None:
        bad |= blank
    else:
        values[blank] = empty
    shown = text.to_numpy()
    expected = f"et heltall på minst {minimum}"
    problems.rows(
        name, bad, lambda rows: [f"«{column}» må være {expected} (er «{shown[r]}»)." for r in rows]
    )
    values[bad] = 0
    return values


def problem_read(
    households: Path | str,
    municipalities: Path | str,
    scores: Path | str,
    *,
    adaptation_codes: Mapping[str, str] | None = None,
    other_columns: tuple[str, ...] = (),
    other_households_ignored: bool = False,
) -> MatchProblem:
    """Read a matching problem from the issue's three CSV files (UTF-8, comma separated, header
    row), checking everything before anything is solved.

    - ``households``: ``household_id``, ``persons`` (>= 1), optional ``required_municipality``
      (a family tie; empty = none), optional ``adaptation_needs`` (codes separated by «|» or
      spaces; empty = none) and any further integer columns, each a capacity dimension (e.g.
      ``large_dwelling``, ``school_children``, ``unaccompanied_minors``; an empty cell = 0).
    - ``municipalities``: ``municipality_number``, ``persons`` (decided persons, >= 0), a
      column per dimension (a dimension without a column, or an empty cell, has no limit) and
      optional ``adaptation_capabilities`` (the needs it can meet, codes as above; without the
      column or with an empty cell: none). Columns no household uses are ignored.
    - ``scores``: ``household_id,municipality_number,score`` (score >= 0). A pair not in the
      file is not allowed; a household with a family tie keeps only its tie's pair, and a
      household with adaptation needs only the pairs whose municipality can meet all of them.

    ``adaptation_codes`` maps each word the needs columns may hold (lower case) to its code; a
    word not in it is a problem. Without it any word is a code of its own. ``other_columns`` of
    the households file are the caller's to read (not dimensions); with
    ``other_households_ignored`` a score of a household not in the households file is left out
    rather than a problem (the simulation's arrivals may stop before the scores do).

    Raises ``MatchInputError`` listing every problem (missing columns, unknown or duplicate ids,
    duplicate pairs, bad numbers, ties to unknown municipalities), with file and line. The score
    file (5.4 million rows at national size) is read and checked with pandas/numpy, no Python
    loop over its rows.
    """
    problems = _Problems()
    households, municipalities, scores = Path(households), Path(municipalities), Path(scores)
    hh_name, mun_name = households.name, municipalities.name

    hh = _read_text_csv(households, problems)
    mun = _read_text_csv(municipalities, problems)
    hh_ok = hh is not None and _require_columns(hh, hh_name, [HOUSEHOLD_ID, PERSONS], problems)
    mun_ok = mun is not None and _require_columns(mun, mun_name, [MUNICIPALITY, PERSONS], problems)

    household_ids: list[str] = []
    municipality_numbers: list[str] = []
    dimensions: list[str] = []
    persons = np.zeros(0)
    demand = np.zeros((0, 0))
    required = np.zeros(0, dtype=np.int64)
    capacity_persons = np.zeros(0)
    capacity = np.zeros((0, 0))

    if hh is not None and hh_ok:
        household_ids = _ids(hh, HOUSEHOLD_ID, hh_name, problems)
        persons = _integers(hh, PERSONS, hh_name, problems, minimum=1, empty=None)
        reserved = (HOUSEHOLD_ID, PERSONS, REQUIRED, NEEDS, *other_columns)
        dimensions = [c for c in hh.columns if c not in reserved]
        demand = np.column_stack(
            [_integers(hh, c, hh_name, problems, minimum=0, empty=0) for c in dimensions]
            or [np.zeros((len(hh), 0))]
        ).reshape(len(hh), len(dimensions))
    if mun is not None and mun_ok:
        municipality_numbers = _ids(mun, MUNICIPALITY, mun_name, problems)
        capacity_persons = _integers(mun, PERSONS, mun_name, problems, minimum=0, empty=None)
        capacity = np.full((len(mun), len(dimensions)), np.inf)
        for k, column in enumerate(dimensions):
            if column in mun.columns:
                capacity[:, k] = _integers(mun, column, mun_name, problems, minimum=0, empty=np.inf)
    # With duplicates (a problem, reported above) positions may shift: nothing is solved then.
    municipality_index = pd.Index(municipality_numbers).unique()
    if hh is not None and hh_ok and mun_ok:
        required = np.full(len(household_ids), -1, dtype=np.int64)
        if REQUIRED in hh.columns:
            ties = hh[REQUIRED].astype(str).str.strip()
            has_tie = (ties != "").to_numpy()
            found = municipality_index.get_indexer(ties.to_numpy())
            unknown = has_tie & (found < 0)
            shown = ties.to_numpy()
            problems.rows(
                hh_name,
                unknown,
                lambda rows: [f"«{REQUIRED}» «{shown[r]}» finnes ikke i {mun_name}." for r in rows],
            )
            required = np.where(has_tie & (found >= 0), found, -1)

    adaptations, needs, capabilities = _adaptations(
        hh if hh_ok else None,
        mun if mun_ok else None,
        (hh_name, mun_name),
        adaptation_codes,
        problems,
    )

    pair_h, pair_m, pair_s = _read_scores(
        scores,
        problems,
        household_index=pd.Index(household_ids).unique() if hh_ok else None,
        municipality_index=municipality_index if mun_ok else None,
        names=(hh_name, mun_name),
        other_households_ignored=other_households_ignored,
    )
    if problems.lines:
        raise MatchInputError(problems.lines)

    if len(pair_h):
        tie = required[pair_h]
        keep = (tie < 0) | (tie == pair_m)
        if needs is not None:
            keep &= (needs[pair_h] & ~capabilities[pair_m]) == 0
        pair_h, pair_m, pair_s = pair_h[keep], pair_m[keep], pair_s[keep]
    problem = MatchProblem(
        household_ids=household_ids,
        municipality_numbers=municipality_numbers,
        persons=persons.astype(np.int64),
        dimensions=dimensions,
        demand=demand.astype(np.int64),
        capacity_persons=capacity_persons.astype(np.int64),
        capacity=capacity.astype(float),
        pair_household=pair_h.astype(np.int64),
        pair_municipality=pair_m.astype(np.int64),
        pair_score=pair_s.astype(float),
        adaptations=adaptations,
        needs=needs,
        capabilities=capabilities if needs is not None else None,
    )
    problem._cache["checked"] = True  # everything ``check`` looks at was checked above
    problem._cache["ignored_score_rows"] = problems.ignored
    return problem


def _code_lists(
    frame: pd.DataFrame,
    column: str,
    name: str,
    known: Mapping[str, str] | None,
    problems: _Problems,
) -> list[list[str]]:
    """Each row's codes in ``column`` (none if the column is missing), words mapped by ``known``."""
    if column not in frame.columns:
        return [[] for _ in range(len(frame))]
    rows: list[list[str]] = []
    unknown: dict[int, str] = {}
    for row, cell in enumerate(frame[column].astype(str)):
        codes: list[str] = []
        for word in CODE_SEPARATORS.split(cell.strip().lower()):
            if not word:
                continue
            code = word if known is None else known.get(word)
            if code is None:
                unknown.setdefault(row, word)
            elif code not in codes:
                codes.append(code)
        rows.append(codes)
    if unknown:
        allowed = ", ".join(sorted(set((known or {}).values())))
        mask = np.zeros(len(frame), dtype=bool)
        mask[list(unknown)] = True
        problems.rows(
            name,
            mask,
            lambda shown: [
                f"«{column}»: ukjent behov «{unknown[int(r)]}» (kjente koder: {allowed})."
                for r in shown
            ],
        )
    return rows


def _adaptations(
    hh: pd.DataFrame | None,
    mun: pd.DataFrame | None,
    names: tuple[str, str],
    known: Mapping[str, str] | None,
    problems: _Problems,
) -> tuple[list[str], np.ndarray | None, np.ndarray]:
    """The households' needs and the municipalities' capabilities as bit sets over the codes
    (``needs`` is None when the households file has no needs column)."""
    if hh is None or NEEDS not in hh.columns:
        return [], None, np.zeros(0 if mun is None else len(mun), dtype=np.int64)
    need_lists = _code_lists(hh, NEEDS, names[0], known, problems)
    can_lists = [] if mun is None else _code_lists(mun, CAPABILITIES, names[1], known, problems)
    codes = list(dict.fromkeys((known or {}).values())) if known is not None else []
    for codes_of_row in (*need_lists, *can_lists):
        codes.extend(c for c in codes_of_row if c not in codes)
    if len(codes) > MAX_ADAPTATIONS:
        problems.add(f"{names[0]}: høyst {MAX_ADAPTATIONS} ulike behov for tilpasning.")
        codes = codes[:MAX_ADAPTATIONS]
    bit = {code: 1 << i for i, code in enumerate(codes)}

    def bits(lists: list[list[str]]) -> np.ndarray:
        return np.array([sum(bit.get(c, 0) for c in row) for row in lists], dtype=np.int64)

    return codes, bits(need_lists), bits(can_lists)


def _read_scores(
    path: Path,
    problems: _Problems,
    *,
    household_index: pd.Index | None,
    municipality_index: pd.Index | None,
    names: tuple[str, str],
    other_households_ignored: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    name = path.name
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))
    if not path.exists():
        problems.add(f"{name}: filen finnes ikke ({path}).")
        return empty
    try:
        header = pd.read_csv(path, nrows=0, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        problems.add(f"{name}: filen er tom (mangler overskriftslinjen).")
        return empty
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        problems.add(f"{name}: kan ikke leses som CSV i UTF-8 ({exc}).")
        return empty
    header.columns = [str(c).strip() for c in header.columns]
    if not _require_columns(header, name, [HOUSEHOLD_ID, MUNICIPALITY, SCORE], problems):
        return empty
    # Ids stay text ("0301" is not 301); factorising them is much faster than a lookup per row.
    ids = {HOUSEHOLD_ID: object, MUNICIPALITY: object}
    options: dict[str, Any] = {
        "usecols": lambda c: str(c).strip() in (HOUSEHOLD_ID, MUNICIPALITY, SCORE),
        "skipinitialspace": True,
        "keep_default_na": False,
    }
    try:
        try:
            frame = pd.read_csv(path, dtype={**ids, SCORE: np.float64}, **options)
            frame.columns = [str(c).strip() for c in frame.columns]
            score = frame[SCORE].to_numpy(dtype=float)
        except ValueError:
            # Some score is not a number: read it as text to say which rows.
            frame = pd.read_csv(path, dtype={**ids, SCORE: str}, **options)
            frame.columns = [str(c).strip() for c in frame.columns]
            score = pd.to_numeric(frame[SCORE].str.strip(), errors="coerce").to_numpy(dtype=float)
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        problems.add(f"{name}: kan ikke leses som CSV i UTF-8 ({exc}).")
        return empty

    bad = ~np.isfinite(score) | (score < 0)
    if bad.any():
        text = frame[SCORE]
        problems.rows(
            name,
            bad,
            lambda rows: [
                f"«{SCORE}» må være et tall større enn eller lik 0 (er «{text.iloc[r]}»)."
                for r in rows
            ],
        )
    # Duplicate pairs by the ids as written, whatever the other files say.
    raw_h, uniques_h = pd.factorize(frame[HOUSEHOLD_ID])
    raw_m, uniques_m = pd.factorize(frame[MUNICIPALITY])
    key = raw_h.astype(np.int64) * max(len(uniques_m), 1) + raw_m
    seen = _duplicate_mask(key, len(uniques_h) * len(uniques_m))
    if seen.any():
        problems.rows(
            name,
            seen,
            lambda rows: (
                ["paret husstand–kommune står der også på en tidligere linje."] * len(rows)
            ),
        )
    pair_h = np.full(len(frame), -1, dtype=np.int64)
    pair_m = np.full(len(frame), -1, dtype=np.int64)
    if household_index is not None:
        pair_h = _codes(raw_h, uniques_h, household_index)
        if not other_households_ignored:
            _unknown_ids(problems, name, frame[HOUSEHOLD_ID], pair_h, names[0])
    if municipality_index is not None:
        pair_m = _codes(raw_m, uniques_m, municipality_index)
        _unknown_ids(problems, name, frame[MUNICIPALITY], pair_m, names[1])
    if other_households_ignored and household_index is not None:
        known = pair_h >= 0
        problems.ignored = int((~known).sum())
        return pair_h[known], pair_m[known], score[known]
    return pair_h, pair_m, score


def _unknown_ids(
    problems: _Problems, name: str, column: pd.Series, codes: np.ndarray, other: str
) -> None:
    problems.rows(
        name, codes < 0, lambda rows: [f"«{column.iloc[r]}» finnes ikke i {other}." for r in rows]
    )


def _codes(codes: np.ndarray, uniques: pd.Index, index: pd.Index) -> np.ndarray:
    """Map factorised ids (``codes`` into ``uniques``) to positions in ``index`` (-1 =
    unknown)."""
    positions = index.get_indexer(uniques.astype(str))
    return np.asarray(positions[codes], dtype=np.int64)


def _duplicate_mask(key: np.ndarray, size: int) -> np.ndarray:
    """True for every valid key (>= 0) already seen on an earlier row."""
    valid = key >= 0
    if not valid.any():
        return np.zeros(len(key), dtype=bool)
    if size <= 50_000_000:
        counts = np.bincount(key[valid], minlength=size)
        if counts.max(initial=0) <= 1:
            return np.zeros(len(key), dtype=bool)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    repeat = np.zeros(len(key), dtype=bool)
    repeat[1:] = (sorted_key[1:] == sorted_key[:-1]) & (sorted_key[1:] >= 0)
    mask = np.zeros(len(key), dtype=bool)
    mask[order] = repeat
    return mask


def assignment_write(problem: MatchProblem, assignment: np.ndarray, path: Path | str) -> None:
    """Write ``household_id,municipality_number`` for each placed household (header row)."""
    placed = np.flatnonzero(assignment >= 0)
    frame = pd.DataFrame(
        {
            HOUSEHOLD_ID: np.array(problem.household_ids, dtype=object)[placed],
            MUNICIPALITY: np.array(problem.municipality_numbers, dtype=object)[assignment[placed]],
        }
    )
    frame.to_csv(path, index=False)
