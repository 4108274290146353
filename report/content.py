"""What a report says, computed once: the deck, the HTML report and the exports all draw from this.

One simulation of the scenario (its own trials and seed), the tornado with the same seed, and an
optional comparison with other scenarios on the same seed. Numbers are formatted by
kpi.wording, so the slides say exactly what the app says.
"""

from __future__ import annotations

import importlib.metadata
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime

import altair as alt
import pandas as pd

from charts import funnel as funnel_charts
from charts import sensitivity as sensitivity_charts
from charts.compare import headline_bars_chart, overlaid_histogram_chart
from kpi.wording import chance_in_10, count, format_value, money, percent, use_currency
from simulate import decide
from simulate.decide import Comparison, Tornado, compare, contribution_to_variance, describe_inputs
from simulate.funnel import FunnelSummary, SimulationResult, funnel_summary, histogram, monthly_bands
from simulate.funnel import run as run_funnel
from simulate.scenario import Scenario

VERSIONED_PACKAGES = ("numpy", "scipy", "pandas", "altair", "python-pptx", "vl-convert-python", "openpyxl")
APP_NAME = "funnelcast"


@dataclass(frozen=True)
class Headline:
    """One big number on the headline slide: label, value as shown, and a small note under it."""

    label: str
    value: str
    note: str


@dataclass
class ReportContent:
    scenario: Scenario
    result: SimulationResult
    summary: FunnelSummary
    headlines: list[Headline]
    tornado: Tornado | None
    contribution: pd.DataFrame
    comparison: Comparison | None
    generated_at: str
    versions: dict[str, str]
    charts: dict[str, alt.TopLevelMixin] = field(default_factory=dict)  # name -> chart, in report order
    chart_titles: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{self.scenario.name}: plan for {self.summary.period_label}"

    def assumptions(self) -> list[tuple[str, str]]:
        """(input, value) rows for the appendix, then how the numbers were made."""
        rows = list(describe_inputs(self.scenario).items())
        rows = [(k, v) for k, v in rows if not k.endswith("(own setting)") and k != "Sampling"]
        rows += [
            ("Trials", f"{self.result.trials:,}"),
            ("Seed", str(self.result.seed)),
            ("Sampling", "Latin hypercube" if self.scenario.sampling == "lhs" else "plain Monte Carlo"),
            ("Generated", self.generated_at),
        ]
        rows += [(f"Version: {name}", version) for name, version in self.versions.items()]
        return rows


def package_versions() -> dict[str, str]:
    found = {APP_NAME: _version(APP_NAME), "python": platform.python_version()}
    for name in VERSIONED_PACKAGES:
        found[name] = _version(name)
    return found


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        if name == APP_NAME:
            import tomllib
            from pathlib import Path

            pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
            if pyproject.is_file():
                return tomllib.loads(pyproject.read_text()).get("project", {}).get("version", "unknown")
        return "not installed"


def headline_numbers(head: FunnelSummary) -> list[Headline]:
    """The four numbers a leader asks for first, formatted as the app formats them."""
    rev, won = head.revenue, head.won_deals
    target = format_value(head.target_value, head.target_metric)
    return [
        Headline("Likely revenue (P50)", money(rev.p50), f"P10 {money(rev.p10)} to P90 {money(rev.p90)}"),
        Headline("Chance of hitting the target", percent(head.hit.p), f"{chance_in_10(head.hit.p)}; target {target}"),
        Headline("Won deals (P50)", count(won.p50), f"P10 {count(won.p10)} to P90 {count(won.p90)}"),
        Headline("Average revenue", money(rev.mean), f"over {rev.trials:,} simulated futures"),
    ]


def build_content(
    scenario: Scenario,
    *,
    others: list[Scenario] | None = None,
    with_tornado: bool = True,
    tornado_trials: int | None = None,
) -> ReportContent:
    """Simulate the scenario (its own trials and seed) and everything the report shows."""
    use_currency(scenario.currency)  # money in the scenario's currency, also when built outside a page run
    result = run_funnel(scenario)
    head = funnel_summary(result)
    tornado = (
        decide.tornado(scenario, trials=tornado_trials, base=None if tornado_trials else result)
        if with_tornado
        else None
    )
    comparison = compare([scenario, *others], trials=scenario.trials, seed=scenario.seed) if others else None
    content = ReportContent(
        scenario=scenario,
        result=result,
        summary=head,
        headlines=headline_numbers(head),
        tornado=tornado,
        contribution=contribution_to_variance(result),
        comparison=comparison,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        versions=package_versions(),
    )
    _add_charts(content)
    return content


def _add_charts(content: ReportContent) -> None:
    scenario, result, head = content.scenario, content.result, content.summary
    is_revenue = scenario.target.metric == "revenue"
    bands = monthly_bands(result.revenue, result.months)
    content.charts["fan"] = funnel_charts.fan_chart(
        bands, title="Revenue by month", unit="$", y_title="Revenue", height=300
    )
    content.chart_titles["fan"] = "Revenue by month: the likely path and its range"
    hist = histogram(result.period_metric(), bins=40, integer=not is_revenue)
    x_title = f"{'Revenue' if is_revenue else 'Won deals'} in {head.period_label}"
    content.charts["histogram"] = funnel_charts.histogram_chart(
        hist,
        target=scenario.target.value,
        unit="$" if is_revenue else "",
        x_title=x_title,
        title="Outcomes of the simulated futures",
        height=300,
    )
    content.chart_titles["histogram"] = "How often we reach the target"
    if content.tornado is not None and content.tornado.bars:
        content.charts["tornado"] = sensitivity_charts.tornado_chart(
            content.tornado.frame(), measure="revenue", base_value=content.tornado.base_p50
        )
        content.chart_titles["tornado"] = "Which input matters most"
    if content.comparison is not None:
        comp = content.comparison
        content.charts["compare_headline"] = headline_bars_chart(comp.headline_table(), labels=comp.labels)
        content.charts["compare_histogram"] = overlaid_histogram_chart(
            comp.histograms, labels=comp.labels, target=scenario.target.value, money=is_revenue, x_title=x_title
        )
        content.chart_titles["compare_headline"] = "Scenarios side by side"
        content.chart_titles["compare_histogram"] = "Scenarios side by side: outcomes"


def comparison_rows(comp: Comparison) -> list[list[str]]:
    """Table rows for the comparison slide: header, then one row per scenario (deltas against A)."""
    header = ["Scenario", "P50 revenue", "P10 to P90", "Chance of target", "Expected vs A", "Chance B beats A"]
    rows = [header]
    table = comp.headline_table()
    deltas = comp.deltas.set_index("scenario") if len(comp.deltas) else pd.DataFrame()
    for _, row in table.iterrows():
        label = row["scenario"]
        if label in deltas.index:
            d = deltas.loc[label]
            delta = f"{'+' if d['expected_revenue_delta'] >= 0 else ''}{money(d['expected_revenue_delta'])} ± {money(2 * d['expected_revenue_delta_mc_se'])}"
            beats = f"{percent(d['p_b_beats_a'])} ± {percent(2 * d['p_b_beats_a_mc_se'], 1)}"
        else:
            delta, beats = "base", "-"
        rows.append(
            [
                label,
                money(row["revenue_p50"]),
                f"{money(row['revenue_p10'])} to {money(row['revenue_p90'])}",
                percent(row["p_hit_target"]),
                delta,
                beats,
            ]
        )
    return rows
