"""core.orders.intake: reading an `add` per service type (pure, no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import DomainError
from core.orders.intake import (
    MAX_LINK_LENGTH,
    MAX_LIST_LENGTH,
    ServiceTerms,
    client_request_id,
    fingerprint,
    parse_service_id,
    read_order_spec,
)

DEFAULT = ServiceTerms("Default", 10, 1000, dripfeed=True)
LINK = "https://instagram.com/p/abc"


def refusal(terms: ServiceTerms, **raw: str) -> str:
    with pytest.raises(DomainError) as caught:
        read_order_spec(terms, raw)
    return str(caught.value)


def test_a_default_order_counts_its_quantity() -> None:
    spec = read_order_spec(DEFAULT, {"link": f"  {LINK} ", "quantity": " 100 "})
    assert (spec.link, spec.quantity, spec.units, spec.runs, spec.is_package) == (LINK, 100, 100, None, False)
    assert spec.params == {}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"link": LINK}, "Incorrect request: quantity is required"),
        ({"link": LINK, "quantity": ""}, "Incorrect request: quantity is required"),
        ({"link": LINK, "quantity": "abc"}, "Incorrect request: quantity must be a whole number"),
        ({"link": LINK, "quantity": "1.5"}, "Incorrect request: quantity must be a whole number"),
        ({"link": LINK, "quantity": "1e3"}, "Incorrect request: quantity must be a whole number"),
        ({"link": LINK, "quantity": "9"}, "Quantity less than minimal 10"),
        ({"link": LINK, "quantity": "-5"}, "Quantity less than minimal 10"),
        ({"link": LINK, "quantity": "1001"}, "Quantity more than maximum 1000"),
        ({"link": LINK, "quantity": "9" * 30}, "Incorrect request: quantity must be a whole number"),
        ({"quantity": "100"}, "Bad link"),
        ({"link": "   ", "quantity": "100"}, "Bad link"),
        ({"link": "x" * (MAX_LINK_LENGTH + 1), "quantity": "100"}, "Bad link: longer than 2000 characters"),
        ({"link": "https://a\nb", "quantity": "100"}, "Bad link: contains control characters"),
    ],
)
def test_default_refusals_use_the_perfect_panel_wording(raw: dict[str, str], message: str) -> None:
    assert refusal(DEFAULT, **raw) == message


def test_a_link_of_exactly_the_limit_is_accepted() -> None:
    assert read_order_spec(DEFAULT, {"link": "x" * MAX_LINK_LENGTH, "quantity": "10"}).link is not None


def test_drip_feed_multiplies_the_units_and_checks_the_total() -> None:
    spec = read_order_spec(DEFAULT, {"link": LINK, "quantity": "100", "runs": "5", "interval": "30"})
    assert (spec.quantity, spec.runs, spec.interval, spec.units) == (100, 5, 30, 500)
    assert (
        refusal(DEFAULT, link=LINK, quantity="300", runs="4", interval="30")
        == "Quantity more than maximum 1000"
    )
    assert refusal(DEFAULT, link=LINK, quantity="100", runs="5") == (
        "Incorrect request: drip-feed needs both runs and interval"
    )
    assert refusal(DEFAULT, link=LINK, quantity="100", runs="0", interval="5") == (
        "Incorrect request: runs must be between 1 and 1000"
    )


def test_blank_drip_feed_fields_mean_an_ordinary_order() -> None:
    spec = read_order_spec(DEFAULT, {"link": LINK, "quantity": "100", "runs": "", "interval": " "})
    assert (spec.runs, spec.interval, spec.units) == (None, None, 100)


def test_drip_feed_is_refused_where_the_service_does_not_offer_it() -> None:
    plain = ServiceTerms("Default", 10, 1000, dripfeed=False)
    assert refusal(plain, link=LINK, quantity="100", runs="2", interval="5") == (
        "Incorrect request: drip-feed (runs, interval) is not available for this service"
    )
    comments = ServiceTerms("Custom Comments", 1, 100, dripfeed=True)
    assert refusal(comments, link=LINK, comments="a\nb", runs="2", interval="5").startswith(
        "Incorrect request: drip-feed"
    )


def test_custom_comments_count_lines_and_ignore_quantity() -> None:
    terms = ServiceTerms("Custom Comments", 2, 3, dripfeed=False)
    spec = read_order_spec(
        terms, {"link": LINK, "comments": "good pic\r\ngreat photo\n\n:)\n", "quantity": "999"}
    )
    assert (spec.quantity, spec.units) == (3, 3)
    assert spec.params == {"comments": "good pic\ngreat photo\n:)"}
    assert refusal(terms, link=LINK, comments="only one") == "Quantity less than minimal 2"
    assert refusal(terms, link=LINK, comments="a\nb\nc\nd") == "Quantity more than maximum 3"
    assert refusal(terms, link=LINK) == "Incorrect request: comments is required"
    assert refusal(terms, link=LINK, comments="x" * (MAX_LIST_LENGTH + 1)) == (
        f"Incorrect request: comments is longer than {MAX_LIST_LENGTH} characters"
    )


def test_packages_cost_one_unit_and_take_no_quantity() -> None:
    spec = read_order_spec(ServiceTerms("Package", 1, 1, dripfeed=False), {"link": LINK, "quantity": "50"})
    assert (spec.quantity, spec.units, spec.is_package) == (1, 1, True)
    spec = read_order_spec(
        ServiceTerms("Custom Comments Package", 1, 1, dripfeed=False), {"link": LINK, "comments": "a\nb"}
    )
    assert (spec.units, spec.is_package, spec.params) == (1, True, {"comments": "a\nb"})


def test_usernames_tolerate_commas_as_in_the_perfect_panel_example() -> None:
    terms = ServiceTerms("Mentions with Hashtags", 1, 1000, dripfeed=False)
    spec = read_order_spec(
        terms, {"link": LINK, "quantity": "100", "usernames": "test, testing", "hashtags": "#goodphoto"}
    )
    assert spec.params == {"usernames": "test\ntesting", "hashtags": "#goodphoto"}
    custom_list = ServiceTerms("Mentions Custom List", 1, 10, dripfeed=False)
    spec = read_order_spec(custom_list, {"link": LINK, "usernames": "test\nexample\nfb"})
    assert spec.quantity == 3


@pytest.mark.parametrize(
    ("service_type", "raw", "params"),
    [
        ("SEO", {"quantity": "100", "keywords": "a\nb"}, {"keywords": "a\nb"}),
        ("Mentions", {"quantity": "100", "usernames": "u1\nu2"}, {"usernames": "u1\nu2"}),
        ("Mentions Hashtag", {"quantity": "100", "hashtag": "test"}, {"hashtag": "test"}),
        ("Mentions User Followers", {"quantity": "100", "username": "test"}, {"username": "test"}),
        (
            "Mentions Media Likers",
            {"quantity": "100", "media": "http://e.com/p/1"},
            {"media": "http://e.com/p/1"},
        ),
        ("Comment Likes", {"quantity": "100", "username": "owner"}, {"username": "owner"}),
        ("Poll", {"quantity": "100", "answer_number": "7"}, {"answer_number": "7"}),
        ("Invites from Groups", {"quantity": "100", "groups": "g1\ng2"}, {"groups": "g1\ng2"}),
        (
            "Comment Replies",
            {"username": "owner", "comments": "hi\nthere"},
            {"username": "owner", "comments": "hi\nthere"},
        ),
        (
            "Web Traffic",
            {
                "quantity": "100",
                "country": "US",
                "device": "5",
                "type_of_traffic": "1",
                "google_keyword": "smm",
            },
            {"country": "US", "device": "5", "type_of_traffic": "1", "google_keyword": "smm"},
        ),
    ],
)
def test_every_type_stores_its_own_parameters(
    service_type: str, raw: dict[str, str], params: dict[str, str]
) -> None:
    spec = read_order_spec(ServiceTerms(service_type, 1, 1000, dripfeed=False), {"link": LINK, **raw})
    assert spec.params == params


@pytest.mark.parametrize(
    ("service_type", "raw", "message"),
    [
        ("Mentions Hashtag", {"quantity": "100"}, "Incorrect request: hashtag is required"),
        ("Poll", {"quantity": "100", "answer_number": "x"}, "Incorrect request: answer_number must be a whole number"),
        ("Web Traffic", {"quantity": "100", "country": "US", "device": "9", "type_of_traffic": "3"},
         "Incorrect request: device is out of range"),
        ("Web Traffic", {"quantity": "100", "country": "US", "device": "1", "type_of_traffic": "2"},
         "Incorrect request: referring_url is required when type_of_traffic is 2"),
        ("Mentions User Followers", {"quantity": "100", "username": "x" * 1001},
         "Incorrect request: username is longer than 1000 characters"),
    ],
)  # fmt: skip
def test_type_parameters_are_checked(service_type: str, raw: dict[str, str], message: str) -> None:
    assert refusal(ServiceTerms(service_type, 1, 1000, dripfeed=False), link=LINK, **raw) == message


def test_subscriptions_are_not_sold_yet() -> None:
    terms = ServiceTerms("Subscriptions", 10, 100, dripfeed=False)
    assert refusal(terms, username="u", min="10", max="20", delay="0") == (
        "Subscriptions are not available through the API yet"
    )


def test_unknown_types_are_read_like_default() -> None:
    spec = read_order_spec(
        ServiceTerms("Story Views Plus", 1, 100, dripfeed=False), {"link": LINK, "quantity": "5"}
    )
    assert spec.units == 5


@pytest.mark.parametrize("raw", [None, "", " ", "abc", "1.5", "-1", "1,2", "١٢", "9" * 19])
def test_a_malformed_service_id_is_an_incorrect_service(raw: str | None) -> None:
    with pytest.raises(DomainError, match=r"^Incorrect service ID$"):
        parse_service_id(raw)


def test_request_ids_come_from_the_parameter_or_the_header() -> None:
    assert client_request_id(" abc ", "header") == "abc"
    assert client_request_id("", "from-header") == "from-header"
    assert client_request_id(None, None) is None
    with pytest.raises(DomainError, match="request_id is longer than 200 characters"):
        client_request_id("x" * 201, None)


def test_the_fingerprint_ignores_spacing_and_unrelated_parameters() -> None:
    base = {"service": "1", "link": LINK, "quantity": "100"}
    assert fingerprint(base) == fingerprint(
        {**base, "quantity": " 100", "key": "k", "action": "add", "runs": ""}
    )
    assert fingerprint(base) != fingerprint({**base, "quantity": "101"})
    assert fingerprint(base) != fingerprint({**base, "service": "2"})


@given(quantity=st.integers(min_value=10, max_value=1000), runs=st.integers(min_value=1, max_value=1000))
def test_drip_feed_units_never_exceed_the_maximum(quantity: int, runs: int) -> None:
    raw = {"link": LINK, "quantity": str(quantity), "runs": str(runs), "interval": "10"}
    if quantity * runs > 1000:
        assert refusal(DEFAULT, **raw) == "Quantity more than maximum 1000"
    else:
        assert read_order_spec(DEFAULT, raw).units == quantity * runs
