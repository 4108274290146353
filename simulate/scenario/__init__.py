"""The scenario: one frozen value holding every input of a plan, validated on construction, JSON round-trip.

Where things are:
    value.py       Scenario and its funnel sections (Stage, LeadVolume, CycleLength, DealSize, Target),
                   month labels, default_scenario(), JSON with a schema version
    rates.py       Rate: a conversion as a point, a 90% range or history "won of n"
    team.py        TeamPlan, RepGroup: the optional `team` section (reps, ramp, attrition, quota, routing)
    commission.py  CommissionPlan, Accelerator: the team's pay plan (part of TeamPlan)
    economics.py   EconomicsPlan, Channel, RepeatPurchaseModel: the optional `economics` section
    standards.py   Standard, StandardSet: the optional `standards` section (KPI targets and bands)
    errors.py      ScenarioError (names the field and the fix), check_range, check_int
    safejson.py    load_json: the one reader of untrusted scenario/standards JSON (depth, numbers, text cleaned)

Why the sections live here and not in their domains: the scenario is one value that the store saves and a
link carries; keeping every section's *parameters* here lets `store/` and every domain import the scenario
without importing any model, and keeps the arrows pointing down (the models in simulate/capacity,
simulate/economics and simulate/standards import their section from here, never the other way round).
"""

from simulate.scenario.commission import Accelerator, CommissionPlan
from simulate.scenario.economics import LTV_METHODS, Channel, EconomicsPlan, RepeatPurchaseModel
from simulate.scenario.errors import ScenarioError, check_int, check_range
from simulate.scenario.rates import Rate
from simulate.scenario.safejson import MAX_JSON_BYTES, Loaded, clean_text, load_json
from simulate.scenario.standards import PERIODS, STANDARDS_SCHEMA_VERSION, Standard, StandardSet, default_standards
from simulate.scenario.team import DEFAULT_RAMP, MAX_REPS, ROUTINGS, RepGroup, TeamPlan, default_team
from simulate.scenario.value import (
    DEFAULT_STAGES,
    MAX_DEAL_SPREAD,
    MAX_HORIZON,
    MAX_TRIALS,
    MONTH_NAMES,
    SCHEMA_VERSION,
    SECTIONS,
    TARGET_METRICS,
    TARGET_PERIODS,
    CycleLength,
    DealSize,
    LeadVolume,
    Scenario,
    Stage,
    Target,
    default_scenario,
    month_labels,
    scenario_from_dict,
    section_class,
    start_month_index,
)

__all__ = [
    "DEFAULT_RAMP",
    "DEFAULT_STAGES",
    "LTV_METHODS",
    "MAX_JSON_BYTES",
    "MAX_DEAL_SPREAD",
    "MAX_HORIZON",
    "MAX_TRIALS",
    "MAX_REPS",
    "MONTH_NAMES",
    "PERIODS",
    "ROUTINGS",
    "SCHEMA_VERSION",
    "SECTIONS",
    "STANDARDS_SCHEMA_VERSION",
    "TARGET_METRICS",
    "TARGET_PERIODS",
    "Accelerator",
    "Channel",
    "CommissionPlan",
    "CycleLength",
    "DealSize",
    "EconomicsPlan",
    "LeadVolume",
    "Loaded",
    "Rate",
    "RepGroup",
    "RepeatPurchaseModel",
    "Scenario",
    "ScenarioError",
    "Stage",
    "Standard",
    "StandardSet",
    "Target",
    "TeamPlan",
    "check_int",
    "clean_text",
    "check_range",
    "default_scenario",
    "default_standards",
    "default_team",
    "load_json",
    "month_labels",
    "scenario_from_dict",
    "section_class",
    "start_month_index",
]
