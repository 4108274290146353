"""Unit-economics plan: what acquisition costs and what a customer is worth. Frozen, validated, JSON round-trip.

It is the scenario's optional `economics` section (simulate.scenario.SECTIONS): errors are ScenarioError with
field paths like "economics.channels[1].monthly_spend". Units: currency per month for spend and ARPA, fractions
(0-1) for rates, months for time. The simulation lives in simulate/economics/model.py; every formula convention
is stated there and in docs/unit_economics.md.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from simulate.scenario.errors import ScenarioError, check_range

LTV_METHODS = ("subscription", "repeat", "simple")


@dataclass(frozen=True)
class Channel:
    """A paid marketing channel with diminishing returns: leads = max_leads x (1 - exp(-spend / (max_leads x initial_cpl))).

    initial_cost_per_lead: cost of a lead at very low spend (the curve's starting slope); the cost per lead rises
    as spend approaches saturation. uncertainty: the 90% range of the month's leads is x/÷ (1 + uncertainty).
    """

    name: str
    monthly_spend: float
    max_leads: float
    initial_cost_per_lead: float
    uncertainty: float = 0.2

    def validated(self, path: str) -> Channel:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ScenarioError(f"{path}.name", "every channel needs a name")
        label = f"Channel '{self.name}'"
        check_range(f"{path}.monthly_spend", self.monthly_spend, 0, 1e10, label=f"{label} monthly spend")
        check_range(
            f"{path}.max_leads", self.max_leads, 0, 1e8, label=f"{label} maximum leads per month", low_inclusive=False
        )
        check_range(
            f"{path}.initial_cost_per_lead",
            self.initial_cost_per_lead,
            0,
            1e7,
            label=f"{label} initial cost per lead",
            low_inclusive=False,
        )
        check_range(f"{path}.uncertainty", self.uncertainty, 0, 2, label=f"{label} response uncertainty")
        return self

    @property
    def scale(self) -> float:
        """Spend at which the channel reaches 63% of its maximum leads (currency per month)."""
        return self.max_leads * self.initial_cost_per_lead


DEFAULT_CHANNELS = (
    Channel("Paid search", 40_000.0, 1_500.0, 60.0, 0.2),
    Channel("Paid social", 25_000.0, 1_000.0, 45.0, 0.3),
    Channel("Events", 45_000.0, 250.0, 450.0, 0.4),
)


@dataclass(frozen=True)
class RepeatPurchaseModel:
    """BG/NBD + Gamma-Gamma parameters (time in weeks, spend in currency per transaction); defaults: CDNOW."""

    r: float = 0.243
    alpha: float = 4.414
    a: float = 0.793
    b: float = 2.426
    p: float = 6.25
    q: float = 3.74
    gamma: float = 15.44

    def validated(self, path: str) -> RepeatPurchaseModel:
        for f in dataclasses.fields(self):
            check_range(
                f"{path}.{f.name}",
                getattr(self, f.name),
                0,
                1e6,
                label=f"Repeat-purchase parameter {f.name}",
                low_inclusive=False,
            )
        if self.q <= 1:
            raise ScenarioError(f"{path}.q", f"Gamma-Gamma q must be above 1 for a finite mean spend (got {self.q:g})")
        return self


@dataclass(frozen=True)
class EconomicsPlan:
    """Acquisition (channels, organic leads, sales cost) and value (LTV method and its inputs)."""

    channels: tuple[Channel, ...] = DEFAULT_CHANNELS
    organic_leads: float = 400.0
    lead_stage: str = "Leads"
    sales_headcount_cost: float = 150_000.0
    commission_rate: float = 0.10
    commission_cost: float | None = None
    ltv_method: str = "subscription"
    arpa_low: float = 800.0
    arpa_high: float = 1_300.0
    gross_margin: float = 0.78
    monthly_churn: float = 0.025
    sbg_alpha: float = 0.9
    sbg_beta: float = 18.0
    annual_discount_rate: float = 0.10
    repeat: RepeatPurchaseModel = field(default_factory=RepeatPurchaseModel)
    repeat_first_purchase: float | None = None
    ltv_horizon_years: float = 5.0
    target_customers: float = 40.0
    target_confidence: float = 0.8
    ltv_cac_bar: float = 3.0
    payback_bar_months: float = 12.0

    def __post_init__(self) -> None:
        if not isinstance(self.channels, tuple):
            object.__setattr__(self, "channels", tuple(self.channels))
        names = set()
        for k, channel in enumerate(self.channels):
            if not isinstance(channel, Channel):
                raise ScenarioError(
                    f"economics.channels[{k}]",
                    "must be a channel (name, monthly_spend, max_leads, initial_cost_per_lead)",
                )
            channel.validated(f"economics.channels[{k}]")
            if channel.name in names:
                raise ScenarioError(f"economics.channels[{k}].name", f"channel name '{channel.name}' is used twice")
            names.add(channel.name)
        if len(self.channels) > 12:
            raise ScenarioError("economics.channels", f"at most 12 channels (got {len(self.channels)})")
        check_range("economics.organic_leads", self.organic_leads, 0, 1e8, label="Organic leads per month")
        if not isinstance(self.lead_stage, str) or not self.lead_stage.strip():
            raise ScenarioError("economics.lead_stage", "name the funnel stage that marketing leads enter")
        check_range(
            "economics.sales_headcount_cost", self.sales_headcount_cost, 0, 1e10, label="Sales headcount cost per month"
        )
        check_range("economics.commission_rate", self.commission_rate, 0, 1, label="Commission rate")
        if self.commission_cost is not None:
            check_range("economics.commission_cost", self.commission_cost, 0, 1e10, label="Commission cost per month")
        if self.ltv_method not in LTV_METHODS:
            raise ScenarioError(
                "economics.ltv_method", f"LTV method must be one of {', '.join(LTV_METHODS)} (got {self.ltv_method!r})"
            )
        check_range("economics.arpa_low", self.arpa_low, 0, 1e9, label="ARPA (low)", low_inclusive=False)
        check_range("economics.arpa_high", self.arpa_high, 0, 1e9, label="ARPA (high)", low_inclusive=False)
        if self.arpa_high < self.arpa_low:
            raise ScenarioError(
                "economics.arpa_high",
                f"ARPA high must be at least ARPA low (got {self.arpa_high:g} < {self.arpa_low:g})",
            )
        check_range("economics.gross_margin", self.gross_margin, 0, 1, label="Gross margin", low_inclusive=False)
        check_range("economics.monthly_churn", self.monthly_churn, 0, 1, label="Monthly churn", low_inclusive=False)
        check_range("economics.sbg_alpha", self.sbg_alpha, 0, 1e7, label="Retention model alpha", low_inclusive=False)
        check_range("economics.sbg_beta", self.sbg_beta, 0, 1e7, label="Retention model beta", low_inclusive=False)
        check_range(
            "economics.annual_discount_rate",
            self.annual_discount_rate,
            0,
            1,
            label="Annual discount rate",
            low_inclusive=False,
        )
        if not isinstance(self.repeat, RepeatPurchaseModel):
            raise ScenarioError("economics.repeat", "must be a repeat-purchase model (r, alpha, a, b, p, q, gamma)")
        self.repeat.validated("economics.repeat")
        if self.repeat_first_purchase is not None:
            check_range(
                "economics.repeat_first_purchase", self.repeat_first_purchase, 0, 1e9, label="First purchase value"
            )
        check_range("economics.ltv_horizon_years", self.ltv_horizon_years, 0.25, 30, label="LTV horizon (years)")
        check_range(
            "economics.target_customers",
            self.target_customers,
            0,
            1e7,
            label="Target new customers per month",
            low_inclusive=False,
        )
        check_range("economics.target_confidence", self.target_confidence, 0.5, 0.99, label="Target confidence")
        check_range("economics.ltv_cac_bar", self.ltv_cac_bar, 0, 100, label="LTV:CAC bar", low_inclusive=False)
        check_range(
            "economics.payback_bar_months",
            self.payback_bar_months,
            0,
            240,
            label="Payback bar (months)",
            low_inclusive=False,
        )

    @property
    def paid_spend(self) -> float:
        return float(sum(c.monthly_spend for c in self.channels))

    def replace(self, **changes: Any) -> EconomicsPlan:
        return dataclasses.replace(self, **changes)

    def with_channel_spend(self, spends: dict[str, float]) -> EconomicsPlan:
        channels = tuple(
            dataclasses.replace(c, monthly_spend=float(spends.get(c.name, c.monthly_spend))) for c in self.channels
        )
        return self.replace(channels=channels)

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["channels"] = [dataclasses.asdict(c) for c in self.channels]
        return data

    @classmethod
    def from_dict(cls, data: object) -> EconomicsPlan:
        if not isinstance(data, dict):
            raise ScenarioError("economics", f"must be an object (got {type(data).__name__})")
        allowed = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise ScenarioError("economics", f"unknown field(s): {', '.join(unknown)}")
        kwargs = dict(data)
        try:
            if "channels" in kwargs:
                if not isinstance(kwargs["channels"], list):
                    raise ScenarioError("economics.channels", "must be a list of channels")
                kwargs["channels"] = tuple(
                    _channel_from_dict(c, f"economics.channels[{k}]") for k, c in enumerate(kwargs["channels"])
                )
            if "repeat" in kwargs:
                if not isinstance(kwargs["repeat"], dict):
                    raise ScenarioError("economics.repeat", "must be an object")
                kwargs["repeat"] = RepeatPurchaseModel(**kwargs["repeat"])
            return cls(**kwargs)
        except TypeError as exc:
            raise ScenarioError("economics", f"wrong field or type: {exc}") from None


def _channel_from_dict(data: object, path: str) -> Channel:
    if not isinstance(data, dict):
        raise ScenarioError(
            path, "each channel must be an object with name, monthly_spend, max_leads, initial_cost_per_lead"
        )
    try:
        return Channel(**data)
    except TypeError as exc:
        raise ScenarioError(path, f"wrong field: {exc}") from None
