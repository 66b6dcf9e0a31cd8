"""Order forms: every field a form shows is one the order intake accepts, and nothing it needs is missing."""

from __future__ import annotations

import pytest

from core.catalog.domain import TYPE_RULES
from core.catalog.forms import CHOICES, all_forms, form_for
from core.orders.errors import BadParameter
from core.orders.intake import ServiceTerms, read_order_spec
from providers.service_types import ServiceType

SAMPLE = {"text": "sample", "list": "one\ntwo\nthree", "integer": "20", "date": "11/11/2030"}


def _filled(service_type: str) -> dict[str, str]:
    form = form_for(service_type)
    values = {}
    for field in form.fields:
        if field.kind == "choice":
            values[field.name] = field.choices[0].value
        else:
            values[field.name] = SAMPLE[field.kind]
    if "link" in values:
        values["link"] = "https://example.com/p/1"
    values.pop("runs", None)
    values.pop("interval", None)
    return values


@pytest.mark.parametrize("service_type", [t.value for t in TYPE_RULES if t is not ServiceType.SUBSCRIPTIONS])
def test_a_filled_form_is_a_valid_order(service_type: str) -> None:
    terms = ServiceTerms(service_type, 1, 1_000_000, dripfeed=True)
    spec = read_order_spec(terms, _filled(service_type))
    assert spec.units >= 1


def test_every_type_has_a_form_with_its_required_fields() -> None:
    forms = {form.type: form for form in all_forms()}
    assert set(forms) == {t.value for t in TYPE_RULES}
    for service_type, rule in TYPE_RULES.items():
        form = forms[service_type]
        assert [f.name for f in form.fields if f.required] == list(rule.required)
        assert form.quantity_from == rule.quantity_from
    assert forms["Subscriptions"].orderable is False


def test_drip_feed_fields_only_when_offered() -> None:
    assert {"runs", "interval"} <= {f.name for f in form_for("Default", dripfeed=True).fields}
    assert not {"runs", "interval"} & {f.name for f in form_for("default", dripfeed=False).fields}


def test_unknown_types_are_ordered_like_default_but_keep_their_name() -> None:
    form = form_for("Premium Magic")
    assert form.type == "Premium Magic"
    assert [f.name for f in form.fields if f.required] == ["link", "quantity"]


@pytest.mark.parametrize("name", sorted(CHOICES))
def test_choices_are_exactly_what_intake_accepts(name: str) -> None:
    values = _filled("Web Traffic")
    for choice in CHOICES[name]:
        read_order_spec(
            ServiceTerms("Web Traffic", 1, 1_000_000, True),
            {**values, name: choice.value, "google_keyword": "k", "referring_url": "https://r.example"},
        )
    beyond = str(int(CHOICES[name][-1].value) + 1)
    with pytest.raises(BadParameter):
        read_order_spec(ServiceTerms("Web Traffic", 1, 1_000_000, True), {**values, name: beyond})
