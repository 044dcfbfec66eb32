"""integrering token create --user USERNAME: issue an API token."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from integrering.accounts.models import User
from integrering.accounts.services import TOKEN_DEFAULT_DAYS, token_create


class Command(BaseCommand):
    help = "Manage API tokens. 'token create --user USERNAME' prints a new bearer token."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="create")
        create = actions.add_parser(
            "create", help="issue a new token and print it (shown only once)"
        )
        create.add_argument("--user", required=True, help="the user name the token acts as")
        create.add_argument("--name", default="", help="a label for the token")
        create.add_argument(
            "--days", type=int, default=TOKEN_DEFAULT_DAYS, help="days until it expires"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"Finner ingen bruker med brukernavnet {options['user']}.")
        try:
            issued = token_create(user=user, name=options["name"], days=options["days"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(issued.token)
