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
  mbgnbd:      {r, alpha, a, b, log_likelihood, aic}   ModifiedBetaGeoFitter
  mbgnbd_rows: [{customer_id, p_alive, expected_purchases, clv}]  CLV driven by the MBG/NBD fit
  period_transactions: {bgnbd|mbgnbd: [{n, actual, expected}]}  n = 0..6; expected =
               sum over customers of probability_of_n_purchases_up_to_time(T, n)
  matrix:      {T, t, cells: [{frequency, recency, bgnbd_expected, bgnbd_alive,
               mbgnbd_expected, mbgnbd_alive}]}  as plot_frequency_recency_matrix /
               plot_probability_alive_matrix (T = the largest T), expected purchases in t days
  forecast:    [{start, days, predicted}]  BG/NBD + Gamma-Gamma revenue in each of the next
               12 calendar months from the reference date (today's customers only)
  holdout:     calibration_and_holdout_data(freq="D") on day-level dates, the last quarter
               of the observed days held out:
               {calibration_end, duration_holdout, customers, calibration_repeat_buyers,
                rows: [{customer_id, frequency_cal, recency_cal, T_cal, frequency_holdout}],
                bgnbd|mbgnbd: {r, alpha, a, b, mae, rmse, predicted_total, actual_total,
                               by_frequency: [{frequency_cal, customers, actual, predicted}]},
                backtest: {bgnbd|mbgnbd: {months: [{start, days, predicted, actual}], mape}}}
               (Gamma-Gamma fitted on the calibration part)
"""

import argparse
import json
import os
import sys
import warnings

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter
from lifetimes.utils import calibration_and_holdout_data, summary_data_from_transaction_data

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rfm_reference import clean  # noqa: E402  (the app's cleaning rules, shared with the RFM reference)

PREDICTION_DAYS = 90
HORIZON_MONTHS = 12
MONTHLY_DISCOUNT_RATE = 0.01
# A penalized BG/NBD fit too: lifetimes' penalizer_coef, L2 on the parameters.
PENALIZER = 0.0001


def rounded(value, digits=10):
    """None for NaN, which lifetimes returns where a formula has no value."""
    value = float(value)
    return None if np.isnan(value) else round(value, digits)


def total_log_likelihood(fitter, summary):
    """lifetimes reports the mean negative log-likelihood in scaled time; the total in days."""
    params = [float(fitter.params_[k]) for k in ("r", "alpha", "a", "b")]
    n = len(summary)
    return -n * type(fitter)._negative_log_likelihood(
        np.log(params), summary["frequency"].to_numpy(), summary["recency"].to_numpy(),
        summary["T"].to_numpy(), np.ones(n), 0.0,
    )


def monthly_windows(start, end, limit):
    """Calendar months from start (pandas' DateOffset clamps to the month's end), cut at end."""
    windows = []
    for m in range(limit):
        lo, hi = start + pd.DateOffset(months=m), start + pd.DateOffset(months=m + 1)
        if lo >= end:
            break
        windows.append((lo, min(hi, end)))
    return windows


def expected_revenue(bgf, ggf, frequency, recency, T, monetary, origin, windows):
    value = ggf.conditional_expected_average_profit(frequency, monetary).to_numpy()
    out = []
    for lo, hi in windows:
        before = bgf.conditional_expected_number_of_purchases_up_to_time((lo - origin).days, frequency, recency, T)
        upto = bgf.conditional_expected_number_of_purchases_up_to_time((hi - origin).days, frequency, recency, T)
        out.append(float((value * (np.asarray(upto) - np.asarray(before))).sum()))
    return out


def fitted(fitter):
    return {k: rounded(fitter.params_[k]) for k in ("r", "alpha", "a", "b")}


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

    mbgf = ModifiedBetaGeoFitter(penalizer_coef=0.0)
    mbgf.fit(summary["frequency"], summary["recency"], summary["T"])
    mbg_ll = total_log_likelihood(mbgf, summary)
    mbg_alive = mbgf.conditional_probability_alive(summary["frequency"], summary["recency"], summary["T"])
    mbg_expected = mbgf.conditional_expected_number_of_purchases_up_to_time(
        PREDICTION_DAYS, summary["frequency"], summary["recency"], summary["T"]
    )
    mbg_clv = ggf.customer_lifetime_value(
        mbgf, summary["frequency"], summary["recency"], summary["T"], summary["monetary_value"],
        time=HORIZON_MONTHS, discount_rate=MONTHLY_DISCOUNT_RATE, freq="D",
    )

    period = {}
    ages = summary["T"].value_counts()
    for name, model in (("bgnbd", bgf), ("mbgnbd", mbgf)):
        period[name] = [
            {"n": n, "actual": int((summary["frequency"] == n).sum()),
             "expected": rounded(sum(count * float(model.probability_of_n_purchases_up_to_time(age, n)) for age, count in ages.items()))}
            for n in range(7)
        ]

    max_t = int(summary["T"].max())
    max_f = int(summary["frequency"].max())
    cells = []
    for f in sorted({f for f in (0, 1, 2, 5, 10, max_f) if f <= max_f}):
        for rec in sorted({r for r in (0, 7, 70, 140, 350, max_t) if r <= max_t}):
            cells.append({
                "frequency": f, "recency": rec,
                "bgnbd_expected": rounded(bgf.conditional_expected_number_of_purchases_up_to_time(PREDICTION_DAYS, f, rec, max_t)),
                "bgnbd_alive": rounded(np.atleast_1d(bgf.conditional_probability_alive(f, rec, max_t))[0]),
                "mbgnbd_expected": rounded(mbgf.conditional_expected_number_of_purchases_up_to_time(PREDICTION_DAYS, f, rec, max_t)),
                "mbgnbd_alive": rounded(np.atleast_1d(mbgf.conditional_probability_alive(f, rec, max_t))[0]),
            })

    origin = reference
    windows = monthly_windows(origin, origin + pd.DateOffset(months=HORIZON_MONTHS), HORIZON_MONTHS)
    forecast = expected_revenue(bgf, ggf, summary["frequency"], summary["recency"], summary["T"], summary["monetary_value"], origin, windows)

    # Holdout: day-level dates, so a purchase is a calendar day on both sides of the cut.
    days = invoices.assign(at=invoices["at"].dt.normalize())
    first_day = days["at"].min()
    observed = (observation_end - first_day).days
    calibration_end = observation_end - pd.Timedelta(days=observed // 4)
    cal = calibration_and_holdout_data(
        days, "customer", "at", calibration_period_end=calibration_end, observation_period_end=observation_end,
        freq="D", monetary_value_col="amount",
    ).sort_index()
    duration = float(cal["duration_holdout"].iloc[0])
    holdout = {
        "calibration_end": calibration_end.strftime("%Y-%m-%d"),
        "duration_holdout": duration,
        "customers": len(cal),
        "calibration_repeat_buyers": int((cal["frequency_cal"] > 0).sum()),
        "rows": [
            {"customer_id": cid, "frequency_cal": int(row.frequency_cal), "recency_cal": float(row.recency_cal),
             "T_cal": float(row.T_cal), "frequency_holdout": int(row.frequency_holdout)}
            for cid, row in zip(cal.index, cal.itertuples())
        ],
    }
    cal_models = {}
    for name, cls in (("bgnbd", BetaGeoFitter), ("mbgnbd", ModifiedBetaGeoFitter)):
        model = cls(penalizer_coef=0.0)
        model.fit(cal["frequency_cal"], cal["recency_cal"], cal["T_cal"])
        cal_models[name] = model
        predicted = np.asarray(model.conditional_expected_number_of_purchases_up_to_time(
            duration, cal["frequency_cal"], cal["recency_cal"], cal["T_cal"]))
        actual = cal["frequency_holdout"].to_numpy()
        frame = pd.DataFrame({"frequency_cal": cal["frequency_cal"], "actual": actual, "predicted": predicted})
        groups = frame.groupby("frequency_cal").agg(customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean")).iloc[:7]
        holdout[name] = {
            **fitted(model),
            "mae": rounded(np.abs(predicted - actual).mean()),
            "rmse": rounded(np.sqrt(((predicted - actual) ** 2).mean())),
            "predicted_total": rounded(predicted.sum()),
            "actual_total": int(actual.sum()),
            "by_frequency": [
                {"frequency_cal": int(f), "customers": int(g.customers), "actual": rounded(g.actual), "predicted": rounded(g.predicted)}
                for f, g in groups.iterrows()
            ],
        }
    cal_spenders = cal[(cal["frequency_cal"] > 0) & (cal["monetary_value_cal"] > 0)]
    cal_ggf = GammaGammaFitter(penalizer_coef=0.0)
    cal_ggf.fit(cal_spenders["frequency_cal"], cal_spenders["monetary_value_cal"])
    cal_origin = calibration_end + pd.Timedelta(days=1)
    cal_windows = monthly_windows(cal_origin, observation_end + pd.Timedelta(days=1), 24)
    in_holdout = days[(days["at"] > calibration_end) & (days["at"] <= observation_end) & days["customer"].isin(cal.index)]
    holdout["backtest"] = {}
    for name, model in cal_models.items():
        cal_predicted = expected_revenue(
            model, cal_ggf, cal["frequency_cal"], cal["recency_cal"], cal["T_cal"], cal["monetary_value_cal"],
            cal_origin, cal_windows,
        )
        months = []
        for (lo, hi), predicted in zip(cal_windows, cal_predicted):
            actual = float(in_holdout.loc[(in_holdout["at"] >= lo) & (in_holdout["at"] < hi), "amount"].sum())
            months.append({"start": lo.strftime("%Y-%m-%d"), "days": (hi - lo).days, "predicted": rounded(predicted, 6), "actual": rounded(actual, 6)})
        errors = [abs(m["predicted"] - m["actual"]) / m["actual"] * 100 for m in months if m["actual"] > 0 and m["predicted"] is not None]
        holdout["backtest"][name] = {"months": months, "mape": rounded(sum(errors) / len(errors), 6) if len(errors) == len(months) else None}

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
    result["mbgnbd"] = {**fitted(mbgf), "log_likelihood": rounded(mbg_ll, 6), "aic": rounded(2 * 4 - 2 * mbg_ll, 6)}
    result["mbgnbd_rows"] = [
        {"customer_id": cid, "p_alive": rounded(pa), "expected_purchases": rounded(ex), "clv": rounded(cv, 6)}
        for cid, pa, ex, cv in zip(summary.index, np.atleast_1d(mbg_alive), np.asarray(mbg_expected), np.asarray(mbg_clv))
    ]
    result["period_transactions"] = period
    result["matrix"] = {"T": max_t, "t": PREDICTION_DAYS, "cells": cells}
    result["forecast"] = [
        {"start": lo.strftime("%Y-%m-%d"), "days": (hi - lo).days, "predicted": rounded(p, 6)}
        for (lo, hi), p in zip(windows, forecast)
    ]
    result["holdout"] = holdout
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
