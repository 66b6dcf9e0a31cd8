"""A valid `add` for each service type of the simulated catalog, for tests that order everything."""

from __future__ import annotations

from itertools import count

from providers.dto import OrderRequest, ProviderServiceInfo

_serial = count(1)


def valid_order(service: ProviderServiceInfo) -> OrderRequest:
    """The smallest valid order for `service`, with a link no other order uses."""
    link = f"https://example.com/p/{next(_serial)}"
    quantity = service.min
    lines = "\n".join(f"item {i}" for i in range(service.min))
    by_type: dict[str, OrderRequest] = {
        "Package": OrderRequest(service.external_id, link=link),
        "Custom Comments Package": OrderRequest(service.external_id, link=link, comments="nice\ncool"),
        "Custom Comments": OrderRequest(service.external_id, link=link, comments=lines),
        "Comment Replies": OrderRequest(service.external_id, link=link, username="owner", comments=lines),
        "Mentions Custom List": OrderRequest(service.external_id, link=link, usernames=lines),
        "SEO": OrderRequest(service.external_id, link=link, quantity=quantity, keywords="smm\npanel"),
        "Mentions": OrderRequest(service.external_id, link=link, quantity=quantity, usernames="a\nb"),
        "Mentions with Hashtags": OrderRequest(
            service.external_id,
            link=link,
            quantity=quantity,
            usernames="test, testing",
            hashtags="#goodphoto",
        ),
        "Mentions Hashtag": OrderRequest(service.external_id, link=link, quantity=quantity, hashtag="test"),
        "Mentions User Followers": OrderRequest(
            service.external_id, link=link, quantity=quantity, username="u"
        ),
        "Mentions Media Likers": OrderRequest(
            service.external_id, link=link, quantity=quantity, media="http://example.com/p/Ds2kfEr24Dr"
        ),
        "Comment Likes": OrderRequest(service.external_id, link=link, quantity=quantity, username="owner"),
        "Poll": OrderRequest(service.external_id, link=link, quantity=quantity, answer_number="7"),
        "Invites from Groups": OrderRequest(
            service.external_id, link=link, quantity=quantity, groups="g1\ng2"
        ),
        "Subscriptions": OrderRequest(
            service.external_id,
            username=link.rsplit("/", 1)[-1],
            min=service.min,
            max=service.min,
            delay=30,
            expiry="11/11/2030",
        ),
        "Web Traffic": OrderRequest(
            service.external_id,
            link=link,
            quantity=quantity,
            country="US",
            device="5",
            type_of_traffic="1",
            google_keyword="smm panel",
        ),
    }
    return by_type.get(service.type, OrderRequest(service.external_id, link=link, quantity=quantity))
