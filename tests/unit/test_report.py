"""The deck, HTML report and exports: opened and read back, numbers checked against a fresh simulation."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from kpi.wording import count, money, percent
from report import tables
from report.content import build_content
from report.deck import build_deck, slide_titles
from report.html import build_html
from report.render import chart_png, chart_svg
from simulate.cli import main
from simulate.funnel import engine, summary
from simulate.scenario import default_scenario

TRIALS = 2_000
HOSTILE_NAME = '<script>alert("x")</script> & <b>Q3</b>'


@pytest.fixture(scope="module")
def scenarios():
    base = default_scenario().replace(trials=TRIALS)
    other = base.replace(name=HOSTILE_NAME, volume=dataclasses.replace(base.volume, level=46_000.0))
    return base, other


@pytest.fixture(scope="module")
def content(scenarios):
    base, other = scenarios
    return build_content(base, others=[other], tornado_trials=TRIALS)


@pytest.fixture(scope="module")
def deck(content):
    return Presentation(io.BytesIO(build_deck(content)))


def slide_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def slide_title(slide) -> str:
    if slide.shapes.title is not None:
        return slide.shapes.title.text
    # the title slide has no title placeholder: its title is the text in the largest font
    texts = [s for s in slide.shapes if s.has_text_frame and s.text_frame.paragraphs[0].runs]
    return max(texts, key=lambda s: s.text_frame.paragraphs[0].runs[0].font.size or 0).text_frame.text


def test_deck_has_the_expected_slides_in_order(deck, content):
    titles = [slide_title(slide) for slide in deck.slides]
    expected = [
        "Base plan",
        "The headline",
        "Revenue by month: the likely path and its range",
        "How often we reach the target",
        "Which input matters most",
        "Scenarios side by side",
        "Assumptions",
        "Assumptions (continued)",
    ]
    assert titles == expected == slide_titles(content)


def test_chart_slides_carry_real_images(deck):
    charts = {}
    for slide in deck.slides:
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        if pictures:
            charts[slide_title(slide)] = pictures[0]
    assert set(charts) == {
        "Revenue by month: the likely path and its range",
        "How often we reach the target",
        "Which input matters most",
        "Scenarios side by side",
    }
    for title, picture in charts.items():
        image = Image.open(io.BytesIO(picture.image.blob))
        assert picture.image.content_type == "image/png"
        assert image.width >= 1500 and image.height >= 300, title
        assert len(picture.image.blob) > 20_000, title  # a blank or broken chart compresses to a few kB
        # not a single colour: the chart has marks
        assert len(np.unique(np.asarray(image.convert("L")))) > 20, title


def test_numbers_on_the_headline_slide_equal_a_fresh_simulation(deck, scenarios):
    base, _ = scenarios
    head = summary.funnel_summary(engine.run(base))  # independent run: same scenario, trials and seed
    text = slide_text(deck.slides[1])
    for expected in (
        money(head.revenue.p50),
        money(head.revenue.p10),
        money(head.revenue.p90),
        percent(head.hit.p),
        count(head.won_deals.p50),
        money(head.revenue.mean),
        head.sentence,
    ):
        assert expected in text
    assert f"{TRIALS:,} simulated futures, seed {base.seed}" in text


def test_comparison_slide_numbers_and_appendix_seed_and_versions(deck, scenarios):
    base, other = scenarios
    run_a, run_b = engine.run(base), engine.run(other, trials=TRIALS, seed=base.seed)
    a, b = run_a.period_revenue(), run_b.period_revenue()
    text = slide_text(deck.slides[5])
    assert money(float(np.median(b))) in text and money(float(np.median(a))) in text
    # expected revenue given each trial's drawn inputs: won-deal Poisson mean x mean deal (lognormal mean)
    median, p90 = base.deal_size.median, base.deal_size.p90
    sigma = np.log(p90 / median) / 1.2815515655446004
    mean_deal = median * np.exp(sigma**2 / 2)
    period = slice(6, 9)  # quarter 3
    expected = (run_b.won_mean[:, period].sum(axis=1) - run_a.won_mean[:, period].sum(axis=1)).mean() * mean_deal
    assert f"+{money(expected)} ±" in text
    assert f"{float(np.mean(b > a)) * 100:.0f}%" in text
    assert "B: " + HOSTILE_NAME in text  # names are text in a deck; nothing is interpreted
    appendix = slide_text(deck.slides[6]) + slide_text(deck.slides[7])
    assert f"Seed\n{base.seed}" in appendix and f"Trials\n{TRIALS:,}" in appendix
    for package in ("numpy", "python-pptx", "vl-convert-python"):
        assert f"Version: {package}" in appendix


def test_html_report_escapes_names_and_embeds_every_chart(content):
    page = build_html(content)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;Q3&lt;/b&gt;" in page
    assert page.count('src="data:image/svg+xml;base64,') == 4
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert money(content.summary.revenue.p50) in page and content.summary.sentence in page


def test_png_and_svg_of_a_chart(content):
    png = chart_png(content.charts["fan"], width=600, scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and Image.open(io.BytesIO(png)).width >= 600
    svg = chart_svg(content.charts["compare_histogram"])
    assert svg.lstrip().startswith("<svg") and "&lt;script&gt;" in svg and "<script>" not in svg


@pytest.mark.parametrize(
    "text, expected",
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=x", "'\t=x"),
        ("Base plan", "Base plan"),
    ],
)
def test_formula_looking_text_is_neutralised(text, expected):
    assert tables.neutralise(text) == expected


def test_csv_and_excel_exports_neutralise_text_but_keep_numbers(tmp_path):
    frame = pd.DataFrame({"scenario": ['=HYPERLINK("http://x")', "Base"], "value": [-5.0, 2.5], "=col": ["@a", "b"]})
    csv = tables.to_csv(frame).decode()
    assert "'=HYPERLINK" in csv and "-5.0" in csv and "'@a" in csv and "'=col" in csv
    book = openpyxl.load_workbook(io.BytesIO(tables.to_excel({"Sheet": frame})))
    sheet = book["Sheet"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["scenario", "value", "'=col"]
    assert values[1] == ['\'=HYPERLINK("http://x")', -5.0, "'@a"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_raw_trial_export_is_the_simulation(scenarios):
    base, _ = scenarios
    result = engine.run(base)
    frame = tables.trial_frame(result)
    assert len(frame) == TRIALS
    np.testing.assert_array_equal(frame["period revenue"].to_numpy(), result.period_revenue())
    np.testing.assert_array_equal(frame["rate MQL -> SQL"].to_numpy(), result.rates[:, 2])
    assert frame["hit target"].mean() == summary.funnel_summary(result).hit.p
    book = openpyxl.load_workbook(io.BytesIO(tables.workbook(result, summary.funnel_summary(result))), read_only=True)
    assert book.sheetnames == ["Summary", "Monthly revenue", "Trials"]


def test_cli_writes_deck_and_html_and_refuses_bad_input(tmp_path, scenarios, capsys):
    base, other = scenarios
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(base.replace(trials=500).to_json())
    b.write_text(other.to_json())
    deck, page = tmp_path / "deck.pptx", tmp_path / "report.html"
    assert main(["report", str(a), "--out", str(deck), "--html", str(page), "--compare", str(b), "--no-tornado"]) == 0
    assert len(Presentation(str(deck)).slides) == 7  # no tornado slide
    assert page.read_text().startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a.json",
        "b.json",
        "deck.pptx",
        "report.html",
    ]  # no temp files left
    assert main(["report", str(a)]) == 2
    assert main(["report", str(a), "--out", str(tmp_path / "deck.ppt")]) == 2
    b.write_text('{"schema_version": 1, "name": ""}')
    assert main(["report", str(a), "--out", str(deck), "--compare", str(b)]) == 2
    err = capsys.readouterr().err
    assert "say what to write" in err and "must name a .pptx file" in err and "error: name:" in err
