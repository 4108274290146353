"""A self-contained HTML report with the deck's content: one file, no scripts, no external requests.

Every piece of text is HTML-escaped (a scenario called "<b>Q3</b>" shows those characters), charts are
SVG images embedded as data: URIs, and a Content-Security-Policy forbids scripts and remote loads.
"""

from __future__ import annotations

import base64
from html import escape as _html_escape

from kpi.wording import money
from report.content import ReportContent, comparison_rows
from report.render import chart_svg
from report.safe import clean_text


def escape(text: str) -> str:
    """HTML-escaped, with control characters and lone surrogates cleaned so the page always encodes."""
    return _html_escape(clean_text(str(text)))


CSS = """
body { font-family: -apple-system, Segoe UI, Helvetica, Arial, sans-serif; margin: 0; color: #222; background: #fff; }
header { background: #08306b; color: #fff; padding: 32px 48px; }
header h1 { margin: 0 0 8px; font-size: 34px; }
header p { margin: 0; color: #deebf7; font-size: 18px; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 48px 48px; }
h2 { color: #08306b; border-bottom: 2px solid #c6dbef; padding-bottom: 6px; margin-top: 40px; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 16px; }
.card { background: #eef3f9; padding: 16px; border-radius: 6px; }
.card .label { color: #595959; font-size: 14px; }
.card .value { color: #08306b; font-size: 36px; font-weight: 700; margin: 6px 0; }
.card .note { color: #595959; font-size: 13px; }
.sentence { font-size: 22px; color: #08306b; margin: 24px 0 8px; }
figure { margin: 16px 0; } figure img { width: 100%; height: auto; }
figcaption { color: #595959; font-size: 14px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #ddd; vertical-align: top; }
th { background: #eef3f9; } tr.differs td { background: #fff4e5; }
footer { color: #777; font-size: 12px; margin-top: 40px; }
"""
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _figure(content: ReportContent, name: str, caption: str = "") -> str:
    svg = chart_svg(content.charts[name], width=1000)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    title = escape(content.chart_titles[name])
    cap = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return f'<h2>{title}</h2><figure><img alt="{title}" src="data:image/svg+xml;base64,{data}">{cap}</figure>'


def _table(rows: list[list[str]], highlight: list[bool] | None = None) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in rows[0])
    body = []
    for k, row in enumerate(rows[1:]):
        cls = ' class="differs"' if highlight and highlight[k] else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def build_html(content: ReportContent) -> str:
    """The report as one HTML document (UTF-8 text)."""
    s, head, result = content.scenario, content.summary, content.result
    cards = "".join(
        f'<div class="card"><div class="label">{escape(h.label)}</div><div class="value">{escape(h.value)}</div>'
        f'<div class="note">{escape(h.note)}</div></div>'
        for h in content.headlines
    )
    parts = [
        f"<header><h1>{escape(s.name)}</h1><p>Plan for {escape(head.period_label)}. Monte Carlo simulation of "
        f"{result.trials:,} futures, seed {result.seed}. {escape(content.generated_at)}</p></header><main>",
        f'<h2>The headline</h2><div class="cards">{cards}</div><p class="sentence">{escape(head.sentence)}</p>',
        _figure(content, "fan"),
        _figure(content, "histogram", f"{head.hit.p:.0%} of simulated futures reach the target (red line)."),
    ]
    if "tornado" in content.charts:
        t = content.tornado
        parts.append(
            _figure(
                content,
                "tornado",
                f"Each uncertain input swung from its P10 to its P90 with the others at P50; base P50 revenue {money(t.base_p50)}.",
            )
        )
    if content.comparison is not None:
        comp = content.comparison
        parts.append("<h2>Scenarios side by side</h2>")
        parts.append(_table(comparison_rows(comp)))
        parts.append(
            "<p>Same seed for every scenario (common random numbers); ± is two Monte Carlo standard errors.</p>"
        )
        parts.append(_figure(content, "compare_histogram"))
        inputs = comp.inputs
        parts.append("<h3>Inputs (differences highlighted)</h3>")
        parts.append(
            _table(
                [["Input", *comp.labels], *inputs[["input", *comp.labels]].astype(str).values.tolist()],
                list(inputs["differs"]),
            )
        )
    parts.append("<h2>Assumptions</h2>" + _table([["Input", "Value"], *[[k, v] for k, v in content.assumptions()]]))
    parts.append(
        f"<footer>Made with funnelcast. Same scenario and seed give the same numbers. {escape(content.generated_at)}</footer></main>"
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(content.title)}</title><style>{CSS}</style></head><body>{''.join(parts)}</body></html>"
    )
