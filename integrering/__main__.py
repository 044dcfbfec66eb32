"""The ``integrering`` console script: Django's management commands under the product's name.

Command names may be written with dashes (``integrering demo-data``); they map to the
management command with underscores (``demo_data``).
"""

from __future__ import annotations

import os
import sys

# Commands that only calculate from their arguments and the dated parameters: they touch no
# database and no session, so they run without INTEGRERING_SECRET_KEY.
NO_SECRET = frozenset({"rules", "help"})


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "integrering"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integrering.settings")

    from django.core.exceptions import ImproperlyConfigured
    from django.db.utils import OperationalError

    try:
        import django
        from django.core.management import execute_from_command_line

        django.setup()
        from django.conf import settings

        command = argv[1] if len(argv) > 1 else "help"
        if not settings.SECRET_KEY_SET and command not in NO_SECRET and not command.startswith("-"):
            raise ImproperlyConfigured(settings.KEY_MISSING_MESSAGE)
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        print(f"integrering: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)
    except OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"integrering: the database cannot be reached: {first_line}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
