#!/usr/bin/env python3
"""Independent pandas + scikit-learn implementation of Segmento's definitions.

Reads a UCI-layout CSV and writes the figures the Rust engine must reproduce
(`tests/sample_reference.rs` compares them). Written from the definitions in the
README, not from the Rust code.

    python tests/reference/rfm_reference.py --csv public/sample.csv --out tests/fixtures/sample_reference.json

With `--layout cdnow` it reads a CDNOW-style purchase log instead (no header
row; customer id, date YYYYMMDD, number of items, amount; columns separated by
runs of spaces or tabs; no order id) with the definitions Segmento uses for a
file without order ids: a purchase is a calendar day with purchases (its
amount the day's lines summed), identical lines are kept (nothing identifies
a line), lines with an amount <= 0 are dropped; the number of items is not
used (the amount is the line's total already). Only the cleaning counts and
the RFM rows are written (`tests/ingest_whitespace.rs` compares them):

    python tests/reference/rfm_reference.py --layout cdnow --csv tests/fixtures/cdnow_like.txt --out tests/fixtures/cdnow_like_reference.json

JSON schema:
  cleaning:        {rows_read, unparseable, missing_customer, cancellation, return,
                    non_positive_price, duplicate, rows_kept}
  customers, invoices: int;  revenue: float;  reference_date: "YYYY-MM-DD"
  rows:            [{customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, segment}]
                   sorted by customer_id
  segment_counts:  {segment name: customers}
  scaler:          {mean: [3 floats], scale: [3 floats]}  (log1p R, F, M; population std)
  kmeans:          [{k, inertia, silhouette, calinski_harabasz, davies_bouldin, sizes (descending)}]
"""

import argparse
import json

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.preprocessing import StandardScaler

GRID = {  # (R score, F score) -> segment, on the 5-point scale
    1: ["Lost", "Lost", "At Risk", "At Risk", "Can't Lose Them"],
    2: ["Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"],
    3: ["About to Sleep", "About to Sleep", "Need Attention", "Loyal", "Loyal"],
    4: ["Promising", "Potential Loyalist", "Potential Loyalist", "Loyal", "Loyal"],
    5: ["New", "Potential Loyalist", "Potential Loyalist", "Champions", "Champions"],
}


def clean(raw):
    """Applies the cleaning rules in order; each row counts under the first rule that removes it."""
    counts = {"rows_read": len(raw)}
    df = raw.copy()
    df["date"] = pd.to_datetime(df["InvoiceDate"], format="%m/%d/%Y %H:%M", errors="coerce")
    df["qty"] = pd.to_numeric(df["Quantity"], errors="coerce")
    df["price"] = pd.to_numeric(df["UnitPrice"], errors="coerce")
    steps = [
        ("unparseable", lambda d: d["date"].isna() | d["qty"].isna() | d["price"].isna()),
        ("missing_customer", lambda d: d["CustomerID"].str.strip().eq("")),
        ("cancellation", lambda d: d["InvoiceNo"].str.fullmatch(r"[Cc]\d+")),
        ("return", lambda d: d["qty"] < 0),
        ("non_positive_price", lambda d: d["price"] <= 0),
    ]
    for name, rule in steps:
        removed = rule(df)
        counts[name] = int(removed.sum())
        df = df[~removed]
    # Exact duplicate lines among the kept rows (the raw text of all 8 fields).
    duplicated = df.duplicated(subset=list(raw.columns), keep="first")
    counts["duplicate"] = int(duplicated.sum())
    df = df[~duplicated].copy()
    counts["rows_kept"] = len(df)
    # Excel-style ids: "17850.0" -> "17850".
    df["customer"] = df["CustomerID"].str.strip().str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    return df, counts


def score(values, bins=5, lower_is_better=False):
    ranks = values.rank(method="average")
    s = np.clip(np.ceil(ranks / len(values) * bins), 1, bins).astype(int)
    return bins + 1 - s if lower_is_better else s


def rfm_rows(rfm):
    return [
        {"customer_id": r.customer, "recency_days": int(r.recency_days), "frequency": int(r.frequency),
         "monetary": round(float(r.monetary), 6), "r_score": int(r.r_score), "f_score": int(r.f_score),
         "m_score": int(r.m_score), "segment": r.segment}
        for r in rfm.itertuples()
    ]


def scored(per_customer, reference):
    per_customer["recency_days"] = (reference - per_customer["last"].dt.normalize()).dt.days
    rfm = per_customer.reset_index().sort_values("customer").reset_index(drop=True)
    rfm["r_score"] = score(rfm["recency_days"], lower_is_better=True)
    rfm["f_score"] = score(rfm["frequency"])
    rfm["m_score"] = score(rfm["monetary"])
    rfm["segment"] = [GRID[r][f - 1] for r, f in zip(rfm["r_score"], rfm["f_score"])]
    return rfm


def cdnow(path):
    """A headerless, whitespace-separated log without order ids: a purchase is a day."""
    raw = pd.read_csv(path, sep=r"\s+", header=None, names=["customer", "day", "items", "amount"],
                      dtype=str, keep_default_na=False)
    counts = {"rows_read": len(raw)}
    df = raw.copy()
    df["date"] = pd.to_datetime(df["day"], format="%Y%m%d", errors="coerce")
    df["value"] = pd.to_numeric(df["amount"], errors="coerce")
    unparseable = df["date"].isna() | df["value"].isna()
    counts["unparseable"] = int(unparseable.sum())
    df = df[~unparseable]
    non_positive = df["value"] <= 0
    counts["non_positive_price"] = int(non_positive.sum())
    df = df[~non_positive]
    # Identical lines are kept: without an order id nothing tells a repeat
    # from a second item bought alike on the same day.
    counts["duplicate"] = 0
    counts["rows_kept"] = len(df)
    days = df.groupby(["customer", "date"]).agg(amount=("value", "sum")).reset_index()
    reference = df["date"].max().normalize() + pd.Timedelta(days=1)
    per_customer = days.groupby("customer").agg(last=("date", "max"), frequency=("date", "nunique"),
                                                monetary=("amount", "sum"))
    rfm = scored(per_customer, reference)
    return {
        "cleaning": counts,
        "customers": len(rfm),
        "purchases": int(rfm["frequency"].sum()),
        "revenue": round(float(rfm["monetary"].sum()), 6),
        "reference_date": reference.strftime("%Y-%m-%d"),
        "rows": rfm_rows(rfm),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--layout", choices=["uci", "cdnow"], default="uci")
    args = parser.parse_args()

    if args.layout == "cdnow":
        write(args.out, cdnow(args.csv))
        return

    raw = pd.read_csv(args.csv, dtype=str, keep_default_na=False)
    df, cleaning = clean(raw)
    df["amount"] = df["qty"] * df["price"]

    # A purchase is an invoice: its time is its earliest line, its amount the sum of lines.
    invoices = df.groupby(["customer", "InvoiceNo"]).agg(at=("date", "min"), amount=("amount", "sum")).reset_index()
    reference = df["date"].max().normalize() + pd.Timedelta(days=1)
    per_customer = invoices.groupby("customer").agg(last=("at", "max"), frequency=("InvoiceNo", "nunique"), monetary=("amount", "sum"))
    per_customer["recency_days"] = (reference - per_customer["last"].dt.normalize()).dt.days
    rfm = per_customer.reset_index().sort_values("customer").reset_index(drop=True)

    rfm["r_score"] = score(rfm["recency_days"], lower_is_better=True)
    rfm["f_score"] = score(rfm["frequency"])
    rfm["m_score"] = score(rfm["monetary"])
    rfm["segment"] = [GRID[r][f - 1] for r, f in zip(rfm["r_score"], rfm["f_score"])]

    features = np.log1p(rfm[["recency_days", "frequency", "monetary"]].clip(lower=0).to_numpy(dtype=float))
    scaler = StandardScaler().fit(features)
    x = scaler.transform(features)
    sweep = []
    for k in range(2, 11):
        model = KMeans(n_clusters=k, init="k-means++", n_init=10, max_iter=300, tol=1e-4, random_state=42).fit(x)
        labels = model.labels_
        sweep.append({
            "k": k,
            "inertia": float(model.inertia_),
            "silhouette": float(silhouette_score(x, labels)),
            "calinski_harabasz": float(calinski_harabasz_score(x, labels)),
            "davies_bouldin": float(davies_bouldin_score(x, labels)),
            "sizes": sorted(np.bincount(labels).tolist(), reverse=True),
        })

    result = {
        "cleaning": cleaning,
        "customers": len(rfm),
        "invoices": int(rfm["frequency"].sum()),
        "revenue": round(float(rfm["monetary"].sum()), 6),
        "reference_date": reference.strftime("%Y-%m-%d"),
        "rows": [
            {"customer_id": r.customer, "recency_days": int(r.recency_days), "frequency": int(r.frequency),
             "monetary": round(float(r.monetary), 6), "r_score": int(r.r_score), "f_score": int(r.f_score),
             "m_score": int(r.m_score), "segment": r.segment}
            for r in rfm.itertuples()
        ],
        "segment_counts": {k: int(v) for k, v in sorted(rfm["segment"].value_counts().items())},
        "scaler": {"mean": [round(v, 12) for v in scaler.mean_.tolist()], "scale": [round(v, 12) for v in scaler.scale_.tolist()]},
        "kmeans": [{**s, **{m: round(s[m], 9) for m in ("inertia", "silhouette", "calinski_harabasz", "davies_bouldin")}} for s in sweep],
    }
    write(args.out, result)


def write(path, result):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
