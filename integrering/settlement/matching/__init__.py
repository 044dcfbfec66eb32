"""The matcher (utsøking): place each refugee household in at most one municipality, within every
capacity, only in allowed pairs, with the largest total score (issue 7 §3).

- ``problem.py``: the problem and how it is read from the three CSV files;
- ``solve.py``: the optimisation with HiGHS (column generation for the LP bound, MIP, repair);
- ``greedy.py``: the simple greedy it is compared with, loads and the feasibility check;
- ``explain.py``: why a household went where it did;
- ``online.py``: the online weekly policy (issue 26): a week's batch placed against score less
  the price of a place, from an LP over the batch and a sample standing for the rest of the year;
- ``simulate.py``: a year of weekly batches from files, against the weekly optimum and the
  hindsight bound;
- ``synthetic.py``: seeded synthetic instances (and seasonal years) for the benchmarks and tests.

Pure Python with numpy, pandas and highspy: no Django models (``services/matching.py`` builds
the problem from the database).
"""

from .explain import Explanation, Option, explain_all, explain_household
from .greedy import assignment_loads, assignment_objective, assignment_problems, greedy_assign
from .problem import MatchInputError, MatchProblem, assignment_write, problem_read
from .solve import MatchResult, match_solve

__all__ = [
    "Explanation",
    "MatchInputError",
    "MatchProblem",
    "MatchResult",
    "Option",
    "assignment_loads",
    "assignment_objective",
    "assignment_problems",
    "assignment_write",
    "explain_all",
    "explain_household",
    "greedy_assign",
    "match_solve",
    "problem_read",
]
