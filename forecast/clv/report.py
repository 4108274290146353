"""The `clv` command's work, kept apart from argparse so tests and pages can call it: read, fit, summarise."""

from __future__ import annotations

import time

import numpy as np

from forecast.clv.bgnbd import fit_bgnbd
from forecast.clv.errors import ClvInputError
from forecast.clv.gamma_gamma import fit_gamma_gamma, spend_frequency_correlation
from forecast.clv.paretonbd import fit_paretonbd
from forecast.clv.summary import CustomerSummary
from forecast.clv.transactions import read_cdnow, read_transactions_csv, summarise_transactions
from forecast.clv.value import repeat_purchase_clv

InputError = ClvInputError


def load_summary(summary_path: str | None, transactions_path: str | None, calibration_end: str | None):
    """Return (CustomerSummary, import-report lines) from either a summary CSV or a raw transaction log."""
    if summary_path:
        return CustomerSummary.from_csv(summary_path), []
    if not transactions_path:
        raise ClvInputError("give --summary FILE.csv or --transactions FILE.csv")
    if not calibration_end:
        raise ClvInputError("--transactions needs --calibration-end DATE (YYYY-MM-DD)")
    try:
        with open(transactions_path, encoding="utf-8", errors="replace") as handle:
            first_line = handle.readline()
    except OSError as exc:
        raise ClvInputError(f"cannot read transaction file {transactions_path!r}: {exc.strerror}") from exc
    raw = read_transactions_csv(transactions_path) if "," in first_line else read_cdnow(transactions_path)
    imported = summarise_transactions(raw, calibration_end)
    return imported.customer_summary(), imported.report.lines()


def clv_report(
    summary_path: str | None = None,
    transactions_path: str | None = None,
    calibration_end: str | None = None,
    horizon_weeks: float = 39.0,
    margin: float = 1.0,
    annual_discount: float = 0.10,
) -> dict:
    """Fit BG/NBD, Pareto/NBD and (with spend) Gamma-Gamma; forecast and value the customers over the horizon."""
    if not horizon_weeks > 0:
        raise ClvInputError(f"--horizon must be > 0 weeks (got {horizon_weeks})")
    summary, import_lines = load_summary(summary_path, transactions_path, calibration_end)
    report: dict = {"n_customers": summary.n_customers, "n_repeat_buyers": summary.n_repeat_buyers}
    if import_lines:
        report["import"] = import_lines

    started = time.perf_counter()
    bgnbd = fit_bgnbd(summary)
    report["bgnbd"] = {**bgnbd.params.to_dict(), "loglik": bgnbd.loglik, "seconds": time.perf_counter() - started}
    try:
        started = time.perf_counter()
        pareto = fit_paretonbd(summary)
        report["paretonbd"] = {
            **pareto.params.to_dict(),
            "loglik": pareto.loglik,
            "seconds": time.perf_counter() - started,
        }
    except ClvInputError as exc:
        pareto = None
        report["paretonbd"] = {"error": str(exc)}

    expected = bgnbd.expected_purchases(horizon_weeks, summary.x, summary.t_x, summary.T)
    report["forecast"] = {
        "horizon_weeks": horizon_weeks,
        "bgnbd_repeat_purchases": float(expected.sum()),
        "paretonbd_repeat_purchases": (
            float(pareto.expected_purchases(horizon_weeks, summary.x, summary.t_x, summary.T).sum()) if pareto else None
        ),
        "mean_p_alive": float(bgnbd.p_alive(summary.x, summary.t_x, summary.T).mean()),
    }
    if summary.zbar is not None and summary.n_repeat_buyers > 0:
        started = time.perf_counter()
        spend = fit_gamma_gamma(summary)
        report["gamma_gamma"] = {
            **spend.params.to_dict(),
            "loglik": spend.loglik,
            "n_repeat_buyers": spend.n_repeat_buyers,
            "spend_frequency_correlation": spend_frequency_correlation(summary),
            "seconds": time.perf_counter() - started,
        }
        clv = repeat_purchase_clv(
            bgnbd,
            spend.conditional_expected_spend(summary.x, summary.zbar),
            horizon_weeks,
            summary.x,
            summary.t_x,
            summary.T,
            annual_discount,
            margin,
        )
        p10, p50, p90 = np.percentile(clv, [10, 50, 90])
        report["clv"] = {
            "horizon_weeks": horizon_weeks,
            "annual_discount": annual_discount,
            "margin": margin,
            "mean": float(clv.mean()),
            "p10": float(p10),
            "p50": float(p50),
            "p90": float(p90),
            "total": float(clv.sum()),
        }
    return report


def format_report(report: dict) -> str:
    """Plain-text rendering of `clv_report` for the terminal."""
    lines = [f"customers: {report['n_customers']:,} ({report['n_repeat_buyers']:,} repeat buyers)"]
    lines += [f"  {line}" for line in report.get("import", [])]
    b = report["bgnbd"]
    lines.append(f"bgnbd: r={b['r']:.4f} alpha={b['alpha']:.4f} a={b['a']:.4f} b={b['b']:.4f} loglik={b['loglik']:.2f}")
    p = report["paretonbd"]
    if "error" in p:
        lines.append(f"paretonbd: not fitted ({p['error']})")
    else:
        lines.append(
            f"paretonbd: r={p['r']:.4f} alpha={p['alpha']:.4f} s={p['s']:.4f} beta={p['beta']:.4f} loglik={p['loglik']:.2f}"
        )
    if "gamma_gamma" in report:
        g = report["gamma_gamma"]
        lines.append(f"gamma_gamma: p={g['p']:.4f} q={g['q']:.4f} gamma={g['gamma']:.4f} loglik={g['loglik']:.2f}")
    f = report["forecast"]
    lines.append(
        f"expected repeat purchases in the next {f['horizon_weeks']:g} weeks: {f['bgnbd_repeat_purchases']:,.1f} (BG/NBD)"
    )
    if "clv" in report:
        c = report["clv"]
        lines.append(
            f"CLV over {c['horizon_weeks']:g} weeks (margin {c['margin']:.0%}, {c['annual_discount']:.0%}/yr discount): "
            f"mean {c['mean']:,.2f}, P10 {c['p10']:,.2f}, P50 {c['p50']:,.2f}, P90 {c['p90']:,.2f}, total {c['total']:,.0f}"
        )
    return "\n".join(lines)
