"""The meeting deck (PowerPoint, python-pptx): title, headline numbers, charts, comparison, assumptions.

16:9 slides in plain colours; every number comes from report.content, formatted as in the app.
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from kpi.wording import money
from report.content import ReportContent, comparison_rows
from report.render import chart_png
from report.safe import clean_text

NAVY = RGBColor(0x08, 0x30, 0x6B)
GREY = RGBColor(0x59, 0x59, 0x59)
LIGHT = RGBColor(0xEE, 0xF3, 0xF9)
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
CHART_TOP, CHART_MAX_HEIGHT, ROW_HEIGHT = Inches(1.3), Inches(5.5), Inches(0.4)
ROWS_PER_APPENDIX_TABLE = 15  # two tables side by side per appendix slide


def _text(
    slide,
    text: str,
    left,
    top,
    width,
    height,
    *,
    size: int,
    bold: bool = False,
    colour: RGBColor = GREY,
    align=PP_ALIGN.LEFT,
) -> None:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    paragraph.alignment = align
    run = paragraph.add_run()
    run.text = clean_text(text)  # names with control characters or lone surrogates cannot break the XML
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = colour


def _slide(prs: Presentation, title: str, content: ReportContent):
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only"
    heading = slide.shapes.title
    heading.left, heading.top, heading.width, heading.height = MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(0.9)
    heading.text = clean_text(title)
    paragraph = heading.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    for run in paragraph.runs:
        run.font.size, run.font.bold, run.font.color.rgb = Pt(30), True, NAVY
    footer = f"{content.scenario.name}  |  {content.result.trials:,} simulated futures, seed {content.result.seed}  |  {content.generated_at}"
    _text(slide, footer, MARGIN, HEIGHT - Inches(0.5), WIDTH - 2 * MARGIN, Inches(0.3), size=10)
    return slide


def _picture(slide, png: bytes, *, top=CHART_TOP, max_height=CHART_MAX_HEIGHT) -> None:
    picture = slide.shapes.add_picture(io.BytesIO(png), MARGIN, top, width=WIDTH - 2 * MARGIN)
    if picture.height > max_height:  # keep the aspect ratio, centre horizontally
        ratio = max_height / picture.height
        picture.height, picture.width = int(max_height), int(picture.width * ratio)
        picture.left = int((WIDTH - picture.width) / 2)


def _table(
    slide,
    rows: list[list[str]],
    left,
    top,
    width,
    *,
    size: int = 14,
    first_col_share: float | None = None,
    row_height=ROW_HEIGHT,
    col_shares: list[float] | None = None,
) -> None:
    shape = slide.shapes.add_table(len(rows), len(rows[0]), left, top, width, row_height * len(rows))
    table = shape.table
    if col_shares is not None:
        for c, share in enumerate(col_shares):
            table.columns[c].width = Emu(int(width * share))
    elif first_col_share is not None:
        table.columns[0].width = Emu(int(width * first_col_share))
        rest = (width - table.columns[0].width) // (len(rows[0]) - 1)
        for c in range(1, len(rows[0])):
            table.columns[c].width = Emu(int(rest))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = clean_text(str(value))
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size)
                    run.font.bold = r == 0


def title_slide(prs: Presentation, content: ReportContent) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    band = slide.shapes.add_shape(1, 0, Inches(2.2), WIDTH, Inches(2.6))
    band.fill.solid()
    band.fill.fore_color.rgb = NAVY
    band.line.fill.background()
    _text(
        slide,
        content.scenario.name,
        MARGIN,
        Inches(2.5),
        WIDTH - 2 * MARGIN,
        Inches(1.2),
        size=44,
        bold=True,
        colour=RGBColor(255, 255, 255),
    )
    _text(
        slide,
        f"Plan for {content.summary.period_label}",
        MARGIN,
        Inches(3.6),
        WIDTH - 2 * MARGIN,
        Inches(0.8),
        size=24,
        colour=RGBColor(0xDE, 0xEB, 0xF7),
    )
    _text(
        slide,
        f"Monte Carlo simulation of {content.result.trials:,} futures (seed {content.result.seed})  |  {content.generated_at}",
        MARGIN,
        Inches(5.3),
        WIDTH - 2 * MARGIN,
        Inches(0.5),
        size=16,
    )


def headline_slide(prs: Presentation, content: ReportContent) -> None:
    slide = _slide(prs, "The headline", content)
    box_width = (WIDTH - 2 * MARGIN - Inches(0.9)) / 4
    for k, item in enumerate(content.headlines):
        left = MARGIN + k * (box_width + Inches(0.3))
        card = slide.shapes.add_shape(1, left, Inches(1.5), box_width, Inches(2.6))
        card.fill.solid()
        card.fill.fore_color.rgb = LIGHT
        card.line.fill.background()
        _text(slide, item.label, left + Inches(0.15), Inches(1.6), box_width - Inches(0.3), Inches(0.5), size=15)
        _text(
            slide,
            item.value,
            left + Inches(0.15),
            Inches(2.15),
            box_width - Inches(0.3),
            Inches(1.0),
            size=40,
            bold=True,
            colour=NAVY,
        )
        _text(slide, item.note, left + Inches(0.15), Inches(3.25), box_width - Inches(0.3), Inches(0.7), size=13)
    _text(slide, content.summary.sentence, MARGIN, Inches(4.6), WIDTH - 2 * MARGIN, Inches(1.2), size=24, colour=NAVY)
    if content.tornado is not None and content.tornado.bars:
        top = content.tornado.bars[0]
        _text(
            slide,
            f"Biggest lever: {top.label} (P10 to P90 moves likely revenue from {money(top.p50_low)} to {money(top.p50_high)}).",
            MARGIN,
            Inches(5.8),
            WIDTH - 2 * MARGIN,
            Inches(0.8),
            size=16,
        )


def chart_slide(prs: Presentation, content: ReportContent, name: str, *, caption: str | None = None) -> None:
    slide = _slide(prs, content.chart_titles[name], content)
    _picture(slide, chart_png(content.charts[name], width=1000), max_height=Inches(5.0) if caption else Inches(5.5))
    if caption:
        _text(slide, caption, MARGIN, Inches(6.4), WIDTH - 2 * MARGIN, Inches(0.6), size=14)


def comparison_slide(prs: Presentation, content: ReportContent) -> None:
    comp = content.comparison
    slide = _slide(prs, "Scenarios side by side", content)
    rows = comparison_rows(comp)
    row_height = Inches(0.45)
    _table(
        slide,
        rows,
        MARGIN,
        Inches(1.25),
        WIDTH - 2 * MARGIN,
        size=13,
        row_height=row_height,
        col_shares=[0.25, 0.11, 0.19, 0.12, 0.18, 0.15],
    )
    top = Inches(1.25) + row_height * len(rows) + Inches(0.2)
    bottom = HEIGHT - Inches(1.0)
    _picture(slide, chart_png(content.charts["compare_histogram"], width=1000), top=top, max_height=bottom - top)
    differs = comp.inputs.loc[comp.inputs["differs"], "input"].tolist()
    note = f"Inputs that differ: {', '.join(differs) if differs else 'none'}. Same seed for all (common random numbers); ± is two Monte Carlo standard errors."
    _text(slide, note, MARGIN, HEIGHT - Inches(0.95), WIDTH - 2 * MARGIN, Inches(0.4), size=11)


def appendix_slides(prs: Presentation, content: ReportContent) -> None:
    rows = content.assumptions()
    per_slide = 2 * ROWS_PER_APPENDIX_TABLE
    half_width = (WIDTH - 2 * MARGIN - Inches(0.3)) / 2
    for k, start in enumerate(range(0, len(rows), per_slide)):
        slide = _slide(prs, "Assumptions" if k == 0 else "Assumptions (continued)", content)
        chunk = rows[start : start + per_slide]
        for side, part in enumerate((chunk[:ROWS_PER_APPENDIX_TABLE], chunk[ROWS_PER_APPENDIX_TABLE:])):
            if part:
                _table(
                    slide,
                    [["Input", "Value"], *[[name, value] for name, value in part]],
                    MARGIN + side * (half_width + Inches(0.3)),
                    Inches(1.2),
                    half_width,
                    size=10,
                    first_col_share=0.5,
                    row_height=Inches(0.3),
                )


def slide_titles(content: ReportContent) -> list[str]:
    """The titles the deck will have, in order (what tests and the HTML report follow)."""
    titles = [content.scenario.name, "The headline", content.chart_titles["fan"], content.chart_titles["histogram"]]
    if "tornado" in content.charts:
        titles.append(content.chart_titles["tornado"])
    if content.comparison is not None:
        titles.append("Scenarios side by side")
    appendix = -(-len(content.assumptions()) // (2 * ROWS_PER_APPENDIX_TABLE))
    return titles + ["Assumptions"] + ["Assumptions (continued)"] * (appendix - 1)


def build_deck(content: ReportContent) -> bytes:
    """The .pptx file as bytes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    title_slide(prs, content)
    headline_slide(prs, content)
    chart_slide(prs, content, "fan")
    hit = content.summary.hit
    chart_slide(
        prs,
        content,
        "histogram",
        caption=f"{hit.p:.0%} of simulated futures reach the target (red line). {content.summary.sentence}",
    )
    if "tornado" in content.charts:
        t = content.tornado
        chart_slide(
            prs,
            content,
            "tornado",
            caption=f"Each uncertain input swung from its P10 to its P90 with the others at P50; base P50 revenue {money(t.base_p50)}.",
        )
    if content.comparison is not None:
        comparison_slide(prs, content)
    appendix_slides(prs, content)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
