"""``{{ person.pk|id_url:"casework:person-detail" }}``: a row's link without ``{% url %}``'s cost."""

from __future__ import annotations

from django import template

from ..links import id_url as _id_url

register = template.Library()


@register.filter
def id_url(object_id: int, viewname: str) -> str:
    return _id_url(viewname, object_id)
