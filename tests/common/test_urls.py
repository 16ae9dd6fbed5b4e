"""``reverse_one`` gives exactly what ``reverse`` gives, under any script prefix."""

import uuid

import pytest
from django.urls import reverse, set_script_prefix

from gecc.common.urls import reverse_one


@pytest.mark.parametrize(("name", "kwargs"), [
    ("portal:answer.save", {"pk": 7}),
    ("portal:application.assessment", {"pk": 123456}),
    ("evidence:file.versions", {"answer_id": 0}),
    ("evidence:file.download", {"public_id": uuid.UUID("12345678-1234-4234-8234-123456789abc")}),
])
@pytest.mark.parametrize("prefix", ["/", "/gecc/"])
def test_reverse_one_matches_reverse(name, kwargs, prefix):
    set_script_prefix(prefix)
    try:
        assert reverse_one(name, **kwargs) == reverse(name, kwargs=kwargs)
        assert reverse_one(name, **kwargs).startswith(prefix)
    finally:
        set_script_prefix("/")


def test_reverse_one_hands_other_arguments_to_reverse():
    assert reverse_one("registry:unit.detail", code="LPN-01") == reverse(
        "registry:unit.detail", kwargs={"code": "LPN-01"})


def test_url_one_tag_renders_the_same_url():
    from django.template import engines

    template = engines["django"].from_string(
        "{% load urls_fast %}{% url_one 'portal:answer.save' pk=pk as save %}[{{ save }}]")
    assert template.render({"pk": 42}) == f"[{reverse('portal:answer.save', kwargs={'pk': 42})}]"
