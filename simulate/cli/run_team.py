"""`python -m simulate run SCENARIO.json --json` additions when the scenario has a team."""

from __future__ import annotations

from simulate.funnel import SimulationResult
from simulate.scenario import Scenario


def team_run_extension(scenario: Scenario, result: SimulationResult) -> dict:
    """share_reps_at_quota, recommended_quota and commission_cost (plus context) for the run payload."""
    if scenario.team is None:
        return {}
    from simulate.capacity import capacity_summary, simulate_team

    summary = capacity_summary(simulate_team(scenario, result)).to_dict()
    return {
        "share_reps_at_quota": summary["share_at_quota"],
        "recommended_quota": summary["recommended_quota"],
        "commission_cost": summary["commission_cost"],
        "team": {
            "quota": summary["quota"],
            "target_share_at_quota": summary["target_share"],
            "expected_share_at_quota": summary["expected_share_at_quota"]["p"],
            "team_bookings": summary["team_bookings"],
            "p_hit_plan": summary["hit_plan"]["p"],
            "over_assignment": summary["over_assignment"],
            "attainment_factor": summary["attainment_factor"],
            "cost_of_sales": summary["cost_of_sales"],
            "payout_per_rep": summary["payout_per_rep"],
            "sentence": summary["sentence"],
        },
    }
