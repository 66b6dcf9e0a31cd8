"""Service type names (reference §1.3, §5.1.7) and the `add` parameters per type."""

from __future__ import annotations

import pytest

from providers.dto import OrderRequest, order_params
from providers.service_types import ADD_FIELDS, ServiceType, add_fields, normalise_service_type
from tests.providers.replay import KEY, replay


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("default", "Default"),
        ("DEFAULT", "Default"),
        ("custom_comments", "Custom Comments"),
        ("custom comments", "Custom Comments"),
        ("mentions-with-hashtags", "Mentions with Hashtags"),
        ("seo", "SEO"),
        ("web_traffic", "Web Traffic"),
        ("invites from groups", "Invites from Groups"),
        ("  Poll ", "Poll"),
        (" Something New ", "Something New"),
    ],
)
def test_normalise_service_type(raw: str, canonical: str) -> None:
    assert normalise_service_type(raw) == canonical


def test_every_type_has_add_fields() -> None:
    assert set(ADD_FIELDS) == set(ServiceType)
    assert len(ServiceType) == 17
    assert add_fields("subscriptions").required == {"username", "min", "max", "delay"}
    assert "link" not in add_fields("Subscriptions").required
    assert add_fields("package").required == {"link"}
    assert add_fields("Unheard Of").required == {"link", "quantity"}


# The official PHP example calls of reference §1.3, one per type; the adapter must send exactly these.
EXAMPLES = {
    "Default": {"link": "http://example.com/test", "quantity": 100, "runs": 2, "interval": 5},
    "Custom Comments": {"link": "http://example.com/test", "comments": "good pic\ngreat photo\n:)\n;)"},
    "Mentions with Hashtags": {
        "link": "http://example.com/test",
        "quantity": 100,
        "usernames": "test, testing",
        "hashtags": "#goodphoto",
    },
    "Mentions Custom List": {"link": "http://example.com/test", "usernames": "test\nexample\nfb"},
    "Mentions Hashtag": {"link": "http://example.com/test", "quantity": 100, "hashtag": "test"},
    "Mentions User Followers": {"link": "http://example.com/test", "quantity": 1000, "username": "test"},
    "Mentions Media Likers": {
        "link": "http://example.com/test",
        "quantity": 1000,
        "media": "http://example.com/p/Ds2kfEr24Dr",
    },
    "Package": {"link": "http://example.com/test"},
    "Subscriptions (old posts only)": {
        "username": "username",
        "min": 100,
        "max": 110,
        "posts": 0,
        "delay": 30,
        "expiry": "11/11/2022",
    },
    "Subscriptions": {
        "username": "username",
        "min": 100,
        "max": 110,
        "old_posts": 5,
        "delay": 30,
        "expiry": "11/11/2022",
    },
    "Comment Likes": {"link": "http://example.com/test", "quantity": 100, "username": "test"},
    "Poll": {"link": "http://example.com/test", "quantity": 100, "answer_number": "7"},
    "Comment Replies": {
        "link": "http://example.com/test",
        "username": "username",
        "comments": "good pic\ngreat photo\n:)\n;)",
    },
    "Invites from Groups": {"link": "http://example.com/test", "quantity": 100, "groups": "group1\ngroup2"},
    "Web Traffic": {
        "link": "http://example.com/test",
        "quantity": 1000,
        "country": "US",
        "device": "5",
        "type_of_traffic": "1",
        "google_keyword": "smm panel",
    },
    "SEO": {"link": "http://example.com/test", "quantity": 1000, "keywords": "smm\npanel"},
    "Custom Comments Package": {"link": "http://example.com/test", "comments": "nice\ncool"},
    "Mentions": {"link": "http://example.com/test", "quantity": 100, "usernames": "a\nb"},
}


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
async def test_add_sends_exactly_the_given_fields(kind: str) -> None:
    fields = EXAMPLES[kind]
    adapter, wire = replay(b'{"order": 23501}')
    await adapter.add_order(OrderRequest("1", **fields))  # type: ignore[arg-type]
    assert wire.form() == {
        "key": KEY,
        "action": "add",
        "service": "1",
        **{k: str(v) for k, v in fields.items()},
    }


def test_order_params_leaves_out_none_and_the_service() -> None:
    assert order_params(OrderRequest("5", link="l", quantity=0, posts=0)) == {
        "link": "l",
        "quantity": "0",
        "posts": "0",
    }
