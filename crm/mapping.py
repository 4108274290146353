"""Column and stage mapping: which file column holds each canonical field, and which stages are won/lost/open."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields

from crm.errors import CrmImportError

# Canonical fields, in the order the tidy frame has them. Required ones must be mapped.
CANONICAL_FIELDS = ("opportunity_id", "owner", "stage", "amount", "created_date", "close_date", "product", "account")
REQUIRED_FIELDS = ("stage", "amount", "created_date", "close_date")
FIELD_LABELS = {
    "opportunity_id": "Opportunity id",
    "owner": "Owner / sales rep",
    "stage": "Stage",
    "amount": "Amount / deal value",
    "created_date": "Created (or engaged) date",
    "close_date": "Close date",
    "product": "Product",
    "account": "Account",
}
# Usual header names (normalised: lower case, words separated by one space), best first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "opportunity_id": (
        "opportunity id",
        "opportunity",
        "opp id",
        "deal id",
        "record id",
        "id",
        "opportunityid",
        "dealid",
    ),
    "owner": (
        "owner",
        "opportunity owner",
        "deal owner",
        "sales agent",
        "agent",
        "sales rep",
        "rep",
        "salesperson",
        "account executive",
        "ae",
        "owner name",
        "user",
    ),
    "stage": (
        "stage",
        "deal stage",
        "opportunity stage",
        "stage name",
        "stagename",
        "dealstage",
        "pipeline stage",
        "status",
    ),
    "amount": (
        "amount",
        "close value",
        "deal value",
        "value",
        "amount converted",
        "opportunity amount",
        "deal amount",
        "total contract value",
        "tcv",
        "acv",
        "arr",
        "price",
        "revenue",
    ),
    "created_date": (
        "created date",
        "create date",
        "engage date",
        "created",
        "date created",
        "createddate",
        "created on",
        "creation date",
        "open date",
        "start date",
        "createdate",
    ),
    "close_date": (
        "close date",
        "closed date",
        "closedate",
        "expected close date",
        "date closed",
        "closed on",
        "close",
        "closing date",
    ),
    "product": ("product", "product name", "product family", "line item", "sku", "plan"),
    "account": (
        "account",
        "account name",
        "company",
        "company name",
        "customer",
        "organization",
        "organisation",
        "client",
    ),
}
STATUSES = ("open", "won", "lost")
_WON = re.compile(r"\b(won|win|closed won|booked|signed)\b")
_LOST = re.compile(r"\b(lost|lose|closed lost|dead|disqualified|no decision|cancel+ed|rejected)\b")


def normalise_header(name: str) -> str:
    """'Close_Value (USD)' -> 'close value usd'; 'CreatedDate' -> 'created date'."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(name).lstrip("\ufeff"))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", spaced.lower()).split())


@dataclass(frozen=True)
class ColumnMapping:
    """File column name for each canonical field (None = not in the file)."""

    opportunity_id: str | None = None
    owner: str | None = None
    stage: str | None = None
    amount: str | None = None
    created_date: str | None = None
    close_date: str | None = None
    product: str | None = None
    account: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ColumnMapping:
        unknown = set(data) - set(CANONICAL_FIELDS)
        if unknown:
            raise CrmImportError(
                "mapping",
                f"Unknown field(s) in the mapping: {', '.join(sorted(unknown))}; allowed: {', '.join(CANONICAL_FIELDS)}",
            )
        return cls(**{k: (v or None) for k, v in data.items()})

    def missing(self) -> list[str]:
        """Required fields that have no column."""
        return [f for f in REQUIRED_FIELDS if getattr(self, f) is None]

    def check(self, columns: list[str]) -> None:
        """Raise CrmImportError if a mapped column is not in the file or one column is used twice."""
        used: dict[str, str] = {}
        for f in fields(self):
            column = getattr(self, f.name)
            if column is None:
                continue
            if column not in columns:
                raise CrmImportError(
                    f"mapping.{f.name}",
                    f"{FIELD_LABELS[f.name]} is mapped to {column!r}, which is not a column of the file ({', '.join(columns)})",
                )
            if column in used:
                raise CrmImportError(
                    f"mapping.{f.name}",
                    f"Column {column!r} is mapped to both {FIELD_LABELS[used[column]]} and {FIELD_LABELS[f.name]}; choose one",
                )
            used[column] = f.name


def guess_mapping(columns: list[str]) -> ColumnMapping:
    """Best guess of the mapping from header names: exact synonyms first, then synonyms contained in a header."""
    normal = {c: normalise_header(c) for c in columns}
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    for exact in (True, False):
        for canonical, names in SYNONYMS.items():
            if canonical in chosen:
                continue
            for name in names:
                hit = next(
                    (
                        c
                        for c in columns
                        if c not in taken and (normal[c] == name if exact else _contains(normal[c], name))
                    ),
                    None,
                )
                if hit is not None:
                    chosen[canonical] = hit
                    taken.add(hit)
                    break
    return ColumnMapping(**chosen)


def _contains(header: str, name: str) -> bool:
    return len(name) >= 4 and f" {name} " in f" {header} "


def guess_status(label: str) -> str:
    """'Closed Won' -> 'won', 'Lost' -> 'lost', anything else -> 'open'."""
    text = normalise_header(label)
    if _WON.search(text):
        return "won"
    if _LOST.search(text):
        return "lost"
    return "open"


def guess_stage_mapping(labels: list[str]) -> dict[str, str]:
    """Stage label -> open / won / lost for every distinct label."""
    return {label: guess_status(label) for label in labels}


def check_stage_mapping(stage_map: dict[str, str]) -> None:
    for label, status in stage_map.items():
        if status not in STATUSES:
            raise CrmImportError("stage_map", f"Stage {label!r} must map to open, won or lost (got {status!r})")
