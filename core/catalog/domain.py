"""Pure catalog rules: what each service type needs in an `add`, and how its quantity is counted."""

from __future__ import annotations

from dataclasses import dataclass

from providers.service_types import ServiceType, normalise_service_type


@dataclass(frozen=True)
class TypeRule:
    """The parameters an order of one service type needs beyond key, action and service."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    # How the billable quantity is found: from `quantity`, from the lines of a list, or fixed at 1.
    quantity_from: str = "quantity"
    # False for types the panel lists in the REST catalog but does not sell yet (Subscriptions: their
    # charging is not designed); `add` refuses them and /api/v2 `services` leaves them out.
    orderable: bool = True


LIST_PARAMETERS = frozenset({"comments", "usernames", "hashtags", "keywords", "groups"})

TYPE_RULES: dict[str, TypeRule] = {
    ServiceType.DEFAULT: TypeRule(("link", "quantity"), ("runs", "interval")),
    ServiceType.PACKAGE: TypeRule(("link",), quantity_from="package"),
    ServiceType.SEO: TypeRule(("link", "quantity", "keywords")),
    ServiceType.CUSTOM_COMMENTS: TypeRule(("link", "comments"), quantity_from="comments"),
    ServiceType.MENTIONS: TypeRule(("link", "quantity", "usernames")),
    ServiceType.MENTIONS_WITH_HASHTAGS: TypeRule(("link", "quantity", "usernames", "hashtags")),
    ServiceType.MENTIONS_CUSTOM_LIST: TypeRule(("link", "usernames"), quantity_from="usernames"),
    ServiceType.MENTIONS_HASHTAG: TypeRule(("link", "quantity", "hashtag")),
    ServiceType.MENTIONS_USER_FOLLOWERS: TypeRule(("link", "quantity", "username")),
    ServiceType.MENTIONS_MEDIA_LIKERS: TypeRule(("link", "quantity", "media")),
    ServiceType.CUSTOM_COMMENTS_PACKAGE: TypeRule(("link", "comments"), quantity_from="package"),
    ServiceType.COMMENT_LIKES: TypeRule(("link", "quantity", "username")),
    ServiceType.POLL: TypeRule(("link", "quantity", "answer_number")),
    ServiceType.COMMENT_REPLIES: TypeRule(("link", "username", "comments"), quantity_from="comments"),
    ServiceType.INVITES_FROM_GROUPS: TypeRule(("link", "quantity", "groups")),
    ServiceType.SUBSCRIPTIONS: TypeRule(
        ("username", "min", "max", "delay"),
        ("posts", "old_posts", "expiry"),
        quantity_from="subscription",
        orderable=False,
    ),
    ServiceType.WEB_TRAFFIC: TypeRule(
        ("link", "quantity", "country", "device", "type_of_traffic"),
        ("runs", "interval", "google_keyword", "referring_url"),
    ),
}


def rule_for(service_type: str) -> TypeRule:
    """The rule for a service type name (any casing); unknown types are treated like Default."""
    return TYPE_RULES.get(normalise_service_type(service_type), TYPE_RULES[ServiceType.DEFAULT])


def split_list(value: str, *, allow_commas: bool = False) -> list[str]:
    """Split a list parameter on newlines (and commas for usernames), trimming and dropping blanks."""
    text = value.replace("\r\n", "\n")
    parts = text.split("\n")
    if allow_commas:
        parts = [piece for part in parts for piece in part.split(",")]
    return [part.strip() for part in parts if part.strip()]


def is_package(service_type: str) -> bool:
    """True for types charged per package rather than per 1000 units."""
    return rule_for(service_type).quantity_from == "package"
