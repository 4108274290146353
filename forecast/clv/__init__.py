"""Customer-lifetime models: BG/NBD, Pareto/NBD, Gamma-Gamma (repeat purchase), shifted-beta-geometric
(subscription), a transaction-log importer and discounted CLV. numpy/scipy/pandas only.

Example (CDNOW, weeks):
    >>> from forecast.clv import CustomerSummary, fit_bgnbd
    >>> fit = fit_bgnbd(CustomerSummary.from_csv("data/cdnow/cdnow_customers_summary_with_transactions.csv"))
    >>> round(fit.params.r, 3), round(fit.loglik, 1)
    (0.243, -9582.4)
"""

from forecast.clv.bgnbd import BGNBDFit, BGNBDParams, fit_bgnbd
from forecast.clv.errors import ClvInputError
from forecast.clv.gamma_gamma import GammaGammaFit, GammaGammaParams, fit_gamma_gamma
from forecast.clv.paretonbd import ParetoNBDFit, ParetoNBDParams, fit_paretonbd
from forecast.clv.sbg import SBGFit, SBGParams, fit_sbg
from forecast.clv.summary import CustomerSummary
from forecast.clv.transactions import read_cdnow, read_transactions_csv, summarise_transactions
from forecast.clv.value import new_customer_clv, repeat_purchase_clv, simple_ltv, subscription_clv

__all__ = [
    "BGNBDFit",
    "BGNBDParams",
    "ClvInputError",
    "CustomerSummary",
    "GammaGammaFit",
    "GammaGammaParams",
    "ParetoNBDFit",
    "ParetoNBDParams",
    "SBGFit",
    "SBGParams",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_paretonbd",
    "fit_sbg",
    "new_customer_clv",
    "read_cdnow",
    "read_transactions_csv",
    "repeat_purchase_clv",
    "simple_ltv",
    "subscription_clv",
    "summarise_transactions",
]
