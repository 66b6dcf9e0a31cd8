"""Perfect Panel service types and the `add` parameters each one takes (reference §1.3)."""

from __future__ import annotations

from enum import StrEnum

import msgspec


class ServiceType(StrEnum):
    """The canonical Perfect Panel service type names, exactly as PP spells them."""

    DEFAULT = "Default"
    PACKAGE = "Package"
    SEO = "SEO"
    CUSTOM_COMMENTS = "Custom Comments"
    MENTIONS = "Mentions"
    MENTIONS_WITH_HASHTAGS = "Mentions with Hashtags"
    MENTIONS_CUSTOM_LIST = "Mentions Custom List"
    MENTIONS_HASHTAG = "Mentions Hashtag"
    MENTIONS_USER_FOLLOWERS = "Mentions User Followers"
    MENTIONS_MEDIA_LIKERS = "Mentions Media Likers"
    CUSTOM_COMMENTS_PACKAGE = "Custom Comments Package"
    COMMENT_LIKES = "Comment Likes"
    POLL = "Poll"
    COMMENT_REPLIES = "Comment Replies"
    INVITES_FROM_GROUPS = "Invites from Groups"
    SUBSCRIPTIONS = "Subscriptions"
    WEB_TRAFFIC = "Web Traffic"


def _token(raw: str) -> str:
    return raw.strip().lower().replace(" ", "").replace("_", "").replace("-", "")


_BY_TOKEN: dict[str, ServiceType] = {_token(t.value): t for t in ServiceType}


def normalise_service_type(raw: str) -> str:
    """Return the canonical PP name for `raw` (`default` → `Default`, `custom_comments` → `Custom Comments`).

    Unknown types come back stripped but otherwise untouched: a panel may invent its own types and the
    catalog must still show them.
    """
    known = _BY_TOKEN.get(_token(raw))
    return known.value if known is not None else raw.strip()


class AddFields(msgspec.Struct, frozen=True):
    """Which `add` parameters a service type needs beyond key/action/service."""

    required: frozenset[str]
    optional: frozenset[str] = frozenset()


# Straight from the reference's §1.3 table; "link" appears under its canonical name even when a provider
# renames it on the wire.
ADD_FIELDS: dict[ServiceType, AddFields] = {
    ServiceType.DEFAULT: AddFields(frozenset({"link", "quantity"}), frozenset({"runs", "interval"})),
    ServiceType.PACKAGE: AddFields(frozenset({"link"})),
    ServiceType.SEO: AddFields(frozenset({"link", "quantity", "keywords"})),
    ServiceType.CUSTOM_COMMENTS: AddFields(frozenset({"link", "comments"})),
    ServiceType.MENTIONS: AddFields(frozenset({"link", "quantity", "usernames"})),
    ServiceType.MENTIONS_WITH_HASHTAGS: AddFields(frozenset({"link", "quantity", "usernames", "hashtags"})),
    ServiceType.MENTIONS_CUSTOM_LIST: AddFields(frozenset({"link", "usernames"})),
    ServiceType.MENTIONS_HASHTAG: AddFields(frozenset({"link", "quantity", "hashtag"})),
    ServiceType.MENTIONS_USER_FOLLOWERS: AddFields(frozenset({"link", "quantity", "username"})),
    ServiceType.MENTIONS_MEDIA_LIKERS: AddFields(frozenset({"link", "quantity", "media"})),
    ServiceType.CUSTOM_COMMENTS_PACKAGE: AddFields(frozenset({"link", "comments"})),
    ServiceType.COMMENT_LIKES: AddFields(frozenset({"link", "quantity", "username"})),
    ServiceType.POLL: AddFields(frozenset({"link", "quantity", "answer_number"})),
    ServiceType.COMMENT_REPLIES: AddFields(frozenset({"link", "username", "comments"})),
    ServiceType.INVITES_FROM_GROUPS: AddFields(frozenset({"link", "quantity", "groups"})),
    ServiceType.SUBSCRIPTIONS: AddFields(
        frozenset({"username", "min", "max", "delay"}), frozenset({"posts", "old_posts", "expiry"})
    ),
    ServiceType.WEB_TRAFFIC: AddFields(
        frozenset({"link", "quantity", "country", "device", "type_of_traffic"}),
        frozenset({"runs", "interval", "google_keyword", "referring_url"}),
    ),
}


def add_fields(service_type: str) -> AddFields:
    """The `add` parameters for a (raw or canonical) type name; unknown types are treated as Default."""
    known = _BY_TOKEN.get(_token(service_type))
    return ADD_FIELDS[known if known is not None else ServiceType.DEFAULT]
