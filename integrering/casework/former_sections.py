"""Sections that apps above casework add to the old municipality's read of a moved case.

After a move (seed 002 §2.1) the old municipality reads what it wrote in the case
(``selectors.former_case_get``). Parts of the case live in apps above casework (the
introduction programme), which casework must not import. So those apps hand their part in: their
``AppConfig.ready`` registers a provider here (``former_section_provider_register``), and the
transfer page asks every provider registered (``former_sections``). A provider does its own
access check and audit, and returns a template and its context, or None when it has nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from integrering.audit.services import AccessContext

    from .models import CaseTransfer


@dataclass(frozen=True)
class FormerSection:
    """One part of the old case: included with ``template``, which gets ``section``."""

    template: str
    section: Mapping[str, Any]


FormerSectionProvider = Callable[..., "FormerSection | None"]

# name -> provider; by name, so registering again (a second ``ready``) replaces, never doubles.
_providers: dict[str, FormerSectionProvider] = {}


def former_section_provider_register(name: str, provider: FormerSectionProvider) -> None:
    """Register ``provider(*, ctx, transfer) -> FormerSection | None``: what the old
    municipality wrote in the app's part of the case before the handover, read-only. Called by
    the app that owns that part, when it starts."""
    _providers[name] = provider


def former_sections(*, ctx: AccessContext, transfer: CaseTransfer) -> list[FormerSection]:
    """Every registered provider's section for a handed-over transfer, in name order."""
    sections = []
    for name in sorted(_providers):
        section = _providers[name](ctx=ctx, transfer=transfer)
        if section is not None:
            sections.append(section)
    return sections
