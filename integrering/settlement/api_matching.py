"""(stub, owned by whoever builds this part)"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["bosetting"])
