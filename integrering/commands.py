"""What every ``integrering`` command does with bad input: it says so on stderr in words a user can
act on, and exits with status 2, never with a usage dump or a traceback.

- ``fail``: one line, «integrering grant-claim: <message>», then exit;
- ``OneLineCommand``: a command whose argument errors (a missing or unknown option, a bad
  choice) are such a line too (its subcommands too, when made with its ``parser_class``);
- ``problems_report``: every problem of a file at once under one heading, for the commands that
  read files and report all their bad rows.

Only the standard library and Django: the ``rules`` command imports this and must start fast.
"""

from __future__ import annotations

import sys
from functools import cached_property
from typing import Any, NoReturn, Protocol

from django.core.management.base import BaseCommand, CommandParser

BAD_INPUT = 2


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


def fail(prog: str, message: str, *, status: int = BAD_INPUT) -> NoReturn:
    """«<prog>: <message>» as one line on stderr, and exit with ``status`` (2: bad input)."""
    sys.stderr.write(f"{prog}: {message}\n")
    sys.exit(status)


class OneLineParser(CommandParser):
    """Argument errors as one line on stderr, «<fail_prog>: <message>» (no usage dump), exit
    status 2. ``OneLineCommand.parser_class`` is this with the command's name."""

    fail_prog = "integrering"

    def error(self, message: str) -> NoReturn:
        fail(self.fail_prog, message)


class OneLineCommand(BaseCommand):
    """A management command that answers bad arguments with one line: «<prog>: <message>»."""

    prog = "integrering"  # the command as typed: "integrering grant-claim"

    @cached_property
    def parser_class(self) -> type[OneLineParser]:
        """The parser of this command; pass it to ``add_subparsers(parser_class=...)`` so that a
        subcommand's argument errors are one line under the command's name too."""
        return type("OneLineParser", (OneLineParser,), {"fail_prog": self.prog})

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = self.parser_class
        return parser


def problems_report(
    stderr: Writer, prog: str, problems: list[str], *, nothing: str = "beregnet"
) -> int:
    """Every problem under one heading, «<prog>: 3 feil, ingenting er beregnet:», one «  - »
    line each, on ``stderr``; the exit status for it (2) is returned for the command to use."""
    stderr.write(f"{prog}: {len(problems)} feil, ingenting er {nothing}:\n")
    for problem in problems:
        stderr.write(f"  - {problem}\n")
    return BAD_INPUT
