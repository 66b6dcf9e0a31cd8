"""A realistic provider catalog: every PP service type, several categories, mixed capability flags."""

from __future__ import annotations

from decimal import Decimal

from providers.dto import ProviderServiceInfo
from providers.service_types import ServiceType


def _service(
    external_id: int,
    name: str,
    service_type: ServiceType,
    category: str,
    rate: str,
    low: int,
    high: int,
    *,
    refill: bool = False,
    cancel: bool = False,
    dripfeed: bool = False,
    description: str | None = None,
) -> ProviderServiceInfo:
    return ProviderServiceInfo(
        external_id=str(external_id),
        name=name,
        type=service_type.value,
        category=category,
        rate=Decimal(rate),
        min=low,
        max=high,
        refill=refill,
        cancel=cancel,
        dripfeed=dripfeed,
        description=description,
    )


T = ServiceType

# Service 1 is a plain Default service with refill and cancel, so generic tests can start from it.
CATALOG: tuple[ProviderServiceInfo, ...] = (
    _service(
        1,
        "Instagram Followers [Real, 30 days refill]",
        T.DEFAULT,
        "Instagram Followers",
        "0.90",
        50,
        10000,
        refill=True,
        cancel=True,
        dripfeed=True,
        description="Start 0-1 h, 5k/day",
    ),
    _service(
        2,
        "Instagram Followers [Cheap, no refill]",
        T.DEFAULT,
        "Instagram Followers",
        "0.35",
        100,
        50000,
        cancel=True,
    ),
    _service(3, "Instagram Likes [Instant]", T.DEFAULT, "Instagram Likes", "0.12", 10, 100000, dripfeed=True),
    _service(4, "Instagram Likes Package: 1 post, 500 likes", T.PACKAGE, "Instagram Likes", "1.50", 1, 1),
    _service(
        5, "Instagram Custom Comments", T.CUSTOM_COMMENTS, "Instagram Comments", "8", 10, 1500, cancel=True
    ),
    _service(
        6,
        "Instagram Comments Package: 10 custom",
        T.CUSTOM_COMMENTS_PACKAGE,
        "Instagram Comments",
        "2.5000",
        1,
        1,
    ),
    _service(7, "Instagram Comment Likes", T.COMMENT_LIKES, "Instagram Comments", "3.2", 20, 5000),
    _service(8, "Instagram Comment Replies", T.COMMENT_REPLIES, "Instagram Comments", "12.5", 5, 500),
    _service(9, "Instagram Mentions", T.MENTIONS, "Instagram Mentions", "4.00", 100, 20000),
    _service(
        10,
        "Instagram Mentions + Hashtags",
        T.MENTIONS_WITH_HASHTAGS,
        "Instagram Mentions",
        "5.00",
        100,
        20000,
    ),
    _service(
        11, "Instagram Mentions [Custom List]", T.MENTIONS_CUSTOM_LIST, "Instagram Mentions", "6.00", 10, 5000
    ),
    _service(
        12,
        "Instagram Mentions [Hashtag scrape]",
        T.MENTIONS_HASHTAG,
        "Instagram Mentions",
        "4.50",
        100,
        20000,
    ),
    _service(
        13,
        "Instagram Mentions [User Followers]",
        T.MENTIONS_USER_FOLLOWERS,
        "Instagram Mentions",
        "4.50",
        100,
        20000,
    ),
    _service(
        14,
        "Instagram Mentions [Media Likers]",
        T.MENTIONS_MEDIA_LIKERS,
        "Instagram Mentions",
        "4.50",
        100,
        20000,
    ),
    _service(
        15,
        "Instagram Auto Likes [Subscription]",
        T.SUBSCRIPTIONS,
        "Instagram Auto Likes",
        "0.20",
        50,
        5000,
        description="Likes on every new post",
    ),
    _service(16, "TikTok Views", T.DEFAULT, "TikTok", "0.010", 100, 10000000, dripfeed=True),
    _service(
        17,
        "TikTok Followers [Refill 30d]",
        T.DEFAULT,
        "TikTok",
        "2.10",
        100,
        100000,
        refill=True,
        cancel=True,
    ),
    _service(
        18, "YouTube Views [Non-drop]", T.DEFAULT, "YouTube", "1.85", 500, 1000000, refill=True, dripfeed=True
    ),
    _service(19, "YouTube Subscribers", T.DEFAULT, "YouTube", "12.000", 50, 20000, refill=True, cancel=True),
    _service(20, "Telegram Channel Members", T.DEFAULT, "Telegram", "1.10", 100, 50000, refill=True),
    _service(21, "Telegram Poll Votes", T.POLL, "Telegram", "0.75", 50, 50000, cancel=True),
    _service(22, "Telegram Invites from Groups", T.INVITES_FROM_GROUPS, "Telegram", "3.90", 100, 10000),
    _service(23, "X (Twitter) Followers", T.DEFAULT, "X (Twitter)", "3.40", 100, 20000, refill=True),
    _service(
        24,
        "Website Traffic [Worldwide]",
        T.WEB_TRAFFIC,
        "Website Traffic",
        "0.150",
        1000,
        1000000,
        dripfeed=True,
        description="country, device and traffic type selectable",
    ),
    _service(25, "Google Keyword SEO Traffic", T.SEO, "Website Traffic", "0.900000", 1000, 100000),
)


def find_service(external_id: str) -> ProviderServiceInfo | None:
    """The catalog entry with this id, or None."""
    return _BY_ID.get(external_id)


_BY_ID = {s.external_id: s for s in CATALOG}
