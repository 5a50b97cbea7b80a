#!/usr/bin/env python3
"""Independent lifetimes (BG/NBD + Gamma-Gamma) computation of Segmento's CLV figures.

Reads a UCI-layout CSV, cleans it with the same rules as the app (`clean` from
rfm_reference.py), folds lines into invoices (earliest line's time, summed
amount), summarises per customer with lifetimes' own
`summary_data_from_transaction_data(freq="D")`, fits `BetaGeoFitter` and
`GammaGammaFitter` (penalizer 0) and writes what `tests/clv_reference.rs`
compares the Rust engine against.

    python tests/reference/clv_reference.py --csv public/sample.csv --out tests/fixtures/clv_reference.json

JSON schema:
  reference_date, observation_end: "YYYY-MM-DD"
  customers, repeat_buyers, gamma_gamma_customers: int
  bgnbd:       {r, alpha, a, b, log_likelihood}   (times in days; total log-likelihood)
  gamma_gamma: {p, q, v, log_likelihood}
  settings:    {prediction_days, horizon_months, monthly_discount_rate}
  bgnbd_penalized: {penalizer, r, alpha, a, b}   BetaGeoFitter(penalizer_coef=PENALIZER)
  rows: [{customer_id, frequency, recency, T, monetary_value, p_alive,
          expected_purchases, expected_average_value, clv}]  sorted by customer_id
"""

import argparse
import json
import os
import sys
import warnings

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rfm_reference import clean  # noqa: E402  (the app's cleaning rules, shared with the RFM reference)

PREDICTION_DAYS = 90
HORIZON_MONTHS = 12
MONTHLY_DISCOUNT_RATE = 0.01
# A penalized BG/NBD fit too: lifetimes' penalizer_coef, L2 on the parameters.
PENALIZER = 0.0001


def rounded(value, digits=10):
    return round(float(value), digits)


def main():
    warnings.simplefilter("ignore")
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    raw = pd.read_csv(args.csv, dtype=str, keep_default_na=False)
    df, _ = clean(raw)
    df["amount"] = df["qty"] * df["price"]
    invoices = df.groupby(["customer", "InvoiceNo"]).agg(at=("date", "min"), amount=("amount", "sum")).reset_index()

    # The app's reference date is the day after the last purchase; lifetimes
    # observes up to and including the last day.
    observation_end = df["date"].max().normalize()
    reference = observation_end + pd.Timedelta(days=1)
    summary = summary_data_from_transaction_data(
        invoices, "customer", "at", monetary_value_col="amount", observation_period_end=observation_end, freq="D"
    ).sort_index()

    bgf = BetaGeoFitter(penalizer_coef=0.0)
    bgf.fit(summary["frequency"], summary["recency"], summary["T"])
    r, alpha, a, b = (float(bgf.params_[k]) for k in ("r", "alpha", "a", "b"))
    # lifetimes reports the mean negative log-likelihood in scaled time; recompute the total in days.
    n = len(summary)
    bg_ll = -n * BetaGeoFitter._negative_log_likelihood(
        np.log([r, alpha, a, b]), summary["frequency"].to_numpy(), summary["recency"].to_numpy(),
        summary["T"].to_numpy(), np.ones(n), 0.0,
    )

    penalized = BetaGeoFitter(penalizer_coef=PENALIZER)
    penalized.fit(summary["frequency"], summary["recency"], summary["T"])

    spenders = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    ggf = GammaGammaFitter(penalizer_coef=0.0)
    ggf.fit(spenders["frequency"], spenders["monetary_value"])
    p, q, v = (float(ggf.params_[k]) for k in ("p", "q", "v"))
    gg_ll = -len(spenders) * ggf._negative_log_likelihood_

    p_alive = bgf.conditional_probability_alive(summary["frequency"], summary["recency"], summary["T"])
    expected = bgf.conditional_expected_number_of_purchases_up_to_time(
        PREDICTION_DAYS, summary["frequency"], summary["recency"], summary["T"]
    )
    average_value = ggf.conditional_expected_average_profit(summary["frequency"], summary["monetary_value"])
    clv = ggf.customer_lifetime_value(
        bgf, summary["frequency"], summary["recency"], summary["T"], summary["monetary_value"],
        time=HORIZON_MONTHS, discount_rate=MONTHLY_DISCOUNT_RATE, freq="D",
    )

    result = {
        "reference_date": reference.strftime("%Y-%m-%d"),
        "observation_end": observation_end.strftime("%Y-%m-%d"),
        "customers": n,
        "repeat_buyers": int((summary["frequency"] > 0).sum()),
        "gamma_gamma_customers": len(spenders),
        "bgnbd": {"r": rounded(r), "alpha": rounded(alpha), "a": rounded(a), "b": rounded(b), "log_likelihood": rounded(bg_ll, 6)},
        "gamma_gamma": {"p": rounded(p), "q": rounded(q), "v": rounded(v), "log_likelihood": rounded(gg_ll, 6)},
        "bgnbd_penalized": {"penalizer": PENALIZER, **{k: rounded(penalized.params_[k]) for k in ("r", "alpha", "a", "b")}},
        "settings": {"prediction_days": PREDICTION_DAYS, "horizon_months": HORIZON_MONTHS, "monthly_discount_rate": MONTHLY_DISCOUNT_RATE},
        "rows": [
            {"customer_id": cid, "frequency": int(row.frequency), "recency": float(row.recency), "T": float(row.T),
             "monetary_value": rounded(row.monetary_value, 6), "p_alive": rounded(pa), "expected_purchases": rounded(ex),
             "expected_average_value": rounded(av, 6), "clv": rounded(cv, 6)}
            for cid, row, pa, ex, av, cv in zip(
                summary.index, summary.itertuples(), np.atleast_1d(p_alive), np.asarray(expected), np.asarray(average_value), np.asarray(clv)
            )
        ],
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
