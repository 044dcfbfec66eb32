"""What apps above casework do when a moved case is handed over (seed 002 §2.1).

The case goes to the new municipality (``services/transfers.py``); parts of it live in apps
above casework, which casework must not import (the introduction programme goes on in the new
municipality). Those apps register a hook in their ``AppConfig.ready``
(``handover_hook_register``); the handover runs every hook in its transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from integrering.audit.services import AccessContext

    from .models import CaseTransfer

HandoverHook = Callable[..., object]

# name -> hook; by name, so registering again (a second ``ready``) replaces, never doubles.
_hooks: dict[str, HandoverHook] = {}


def handover_hook_register(name: str, hook: HandoverHook) -> None:
    """Register ``hook(*, ctx, transfer)``, run when a move is handed over (audited by the hook)."""
    _hooks[name] = hook


def handover_hooks_run(*, ctx: AccessContext, transfer: CaseTransfer) -> None:
    """Run every registered hook for a transfer just handed over, in name order."""
    for name in sorted(_hooks):
        _hooks[name](ctx=ctx, transfer=transfer)
