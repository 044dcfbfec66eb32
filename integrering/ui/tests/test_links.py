"""Links built from a route reversed once (``web/links.py``) are those ``reverse`` builds."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from integrering.ui.links import id_url, id_url_format

ROUTES = [
    "casework:person-detail",
    "people:household-detail",
    "casework:deadline-meet",
    "casework:mapping",
]


@pytest.mark.parametrize("viewname", ROUTES)
@pytest.mark.parametrize("object_id", [1, 42, 1_234_567])
def test_an_id_url_is_what_reverse_gives(viewname: str, object_id: int) -> None:
    assert id_url(viewname, object_id) == reverse(viewname, args=[object_id])


def test_it_follows_the_script_prefix_the_product_is_served_under() -> None:
    try:
        set_script_prefix("/integrering/")
        assert id_url("casework:person-detail", 7) == "/integrering/personer/7/"
    finally:
        clear_script_prefix()
    assert id_url("casework:person-detail", 7) == "/personer/7/"


def test_it_refuses_a_route_that_does_not_take_one_id() -> None:
    with pytest.raises(NoReverseMatch):
        id_url_format("casework:deadline-dashboard")


def test_the_template_filter_gives_the_same_link() -> None:
    from django.template import Context, Template

    rendered = Template("{% load links %}{{ pk|id_url:'casework:person-detail' }}").render(
        Context({"pk": 12})
    )
    assert rendered == reverse("casework:person-detail", args=[12])
