"""What an order form needs for each service type: its fields, their kinds and their choices.

Pure: derived from `TYPE_RULES` (what an `add` requires) so a storefront can build the form for any
service without knowing the Perfect Panel types itself. The wording follows the SMM API reference §1.3.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.catalog.domain import LIST_PARAMETERS, TYPE_RULES, rule_for
from providers.service_types import normalise_service_type


@dataclass(frozen=True)
class Choice:
    """One allowed value of a choice field and what it means."""

    value: str
    label: str


@dataclass(frozen=True)
class FormField:
    """One input of an order form.

    `kind` is `text`, `list` (one item per line), `integer`, `choice` (one of `choices`) or `date`
    (d/m/Y).
    """

    name: str
    required: bool
    kind: str
    description: str
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class ServiceForm:
    """The form of one service type. `quantity_from` says how the billable quantity is counted:
    `quantity`, `package` (always 1), the number of lines of a list field, or `subscription`."""

    type: str
    fields: tuple[FormField, ...]
    quantity_from: str
    orderable: bool


_INTEGER_FIELDS = frozenset(
    {"quantity", "runs", "interval", "answer_number", "posts", "old_posts", "delay", "min", "max"}
)

CHOICES: dict[str, tuple[Choice, ...]] = {
    "device": (
        Choice("1", "Desktop"),
        Choice("2", "Mobile (Android)"),
        Choice("3", "Mobile (iOS)"),
        Choice("4", "Mixed (Mobile)"),
        Choice("5", "Mixed (Mobile & Desktop)"),
    ),
    "type_of_traffic": (
        Choice("1", "Google Keyword"),
        Choice("2", "Custom Referrer"),
        Choice("3", "Blank Referrer"),
    ),
}

DESCRIPTIONS: dict[str, str] = {
    "link": "Link to the page, post or profile",
    "quantity": "How many units to deliver",
    "runs": "Drip-feed: how many runs deliver the quantity each",
    "interval": "Drip-feed: minutes between runs",
    "comments": "Comments, one per line",
    "usernames": "Usernames, one per line",
    "hashtags": "Hashtags, one per line",
    "hashtag": "Hashtag to scrape usernames from",
    "username": "Username (of the comment owner, or whose followers to scrape)",
    "media": "Media URL to scrape likers from",
    "keywords": "Keywords, one per line",
    "groups": "Groups, one per line",
    "answer_number": "Answer number of the poll",
    "posts": "Limit of new posts to process (empty: unlimited)",
    "old_posts": "Number of existing posts to process",
    "delay": "Delay in minutes",
    "expiry": "Expiry date (d/m/Y)",
    "min": "Minimum quantity per post",
    "max": "Maximum quantity per post",
    "country": "Country of the traffic, e.g. US",
    "device": "Device of the traffic",
    "type_of_traffic": "Where the traffic comes from",
    "google_keyword": "Google keyword (when the traffic type is Google Keyword)",
    "referring_url": "Referring URL (when the traffic type is Custom Referrer)",
}


def _kind(name: str) -> str:
    if name in LIST_PARAMETERS:
        return "list"
    if name in CHOICES:
        return "choice"
    if name == "expiry":
        return "date"
    return "integer" if name in _INTEGER_FIELDS else "text"


def _field(name: str, required: bool) -> FormField:
    return FormField(name, required, _kind(name), DESCRIPTIONS.get(name, name), CHOICES.get(name, ()))


def form_for(service_type: str, *, dripfeed: bool = True) -> ServiceForm:
    """The order form of a service type; `runs` and `interval` appear only when drip-feed is offered."""
    rule = rule_for(service_type)
    names = [(name, True) for name in rule.required] + [(name, False) for name in rule.optional]
    fields = tuple(
        _field(name, required) for name, required in names if dripfeed or name not in ("runs", "interval")
    )
    # An unknown type is ordered like Default (rule_for), but keeps its own name.
    normal = normalise_service_type(service_type)
    return ServiceForm(normal, fields, rule.quantity_from, rule.orderable)


def all_forms() -> list[ServiceForm]:
    """The form of every known service type (drip-feed fields included where the type allows them)."""
    return [form_for(str(service_type)) for service_type in TYPE_RULES]
