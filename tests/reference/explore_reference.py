#!/usr/bin/env python3
"""Independent pandas implementation of Segmento's exploration (EDA) figures.

Reads a UCI-layout CSV and writes what the Rust engine's `Exploration` must
reproduce (`tests/explore_reference.rs` compares them). Written from the
definitions below, not from the Rust code; the cleaning rules are those of
`rfm_reference.py` (imported).

    python tests/reference/explore_reference.py --csv public/sample.csv --out tests/fixtures/explore_reference.json

Definitions (after cleaning; a purchase is a customer's invoice, its time the
earliest line, its amount the sum of quantity x unit price of its lines):
  countries:      a customer's country is the first non-empty Country of its
                  kept lines; revenue, orders (purchases) and customers per
                  country; top 10 by revenue (ties by name) plus "Other".
  products:       by StockCode over kept lines: revenue, quantity, distinct
                  customers; description = first non-empty Description;
                  top 10 by each (ties by code).
  weekday_hour:   purchases by weekday (Monday first) x hour of their time.
  customers_by_month: per month with purchases, customers whose first
                  purchase month is that month (new) or earlier (returning).
  set_aside_by_month: per month of the line's date, lines that parse, and
                  those removed by the cancellation and the return rules.
  order_values / items_per_order: histograms of purchase amounts / purchase
                  quantities. cap = nearest-rank 99th percentile; values above
                  it overflow. Money: 20 bins of width cap/20, bin =
                  min(floor(v/width), 19). Whole numbers: width =
                  max(1, ceil(cap/20)), bins = floor(cap/width) + 1,
                  bin = floor(v/width).
Floats are rounded to 10 decimals.
"""

import argparse
import json
import math
import os
import sys

import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rfm_reference import clean  # noqa: E402

TOP = 10
BINS = 20


def r10(value):
    return round(float(value), 10)


def histogram(values):
    values = sorted(float(v) for v in values if math.isfinite(v))
    if not values:
        return {"edges": [], "counts": [], "overflow": 0}
    rank = min(max(math.ceil(0.99 * len(values)), 1), len(values))
    cap = values[rank - 1]
    if all(v == int(v) for v in values):
        width = max(1.0, math.ceil(cap / BINS))
        bins = int(math.floor(cap / width)) + 1
    elif cap > 0:
        width, bins = cap / BINS, BINS
    else:
        width, bins = 1.0, 1
    counts = [0] * bins
    overflow = 0
    for v in values:
        if v > cap:
            overflow += 1
            continue
        counts[min(max(int(math.floor(v / width)), 0), bins - 1)] += 1
    return {"edges": [r10(i * width) for i in range(bins + 1)], "counts": counts, "overflow": overflow}


def top(rows, key, name):
    ordered = sorted(rows, key=lambda r: (-r[key], r[name]))
    return ordered[:TOP]


def countries(df, invoices):
    first_country = (df.assign(c=df["Country"].str.strip().replace("", pd.NA))
                     .groupby("customer", sort=False)["c"].first())
    inv = invoices.join(first_country.fillna("(no country)").rename("country"), on="customer")
    per = inv.groupby("country").agg(revenue=("amount", "sum"), orders=("amount", "size"),
                                     customers=("customer", "nunique")).reset_index()
    total = per["revenue"].sum()
    rows = [{"country": r.country, "revenue": float(r.revenue), "orders": int(r.orders),
             "customers": int(r.customers)} for r in per.itertuples()]
    rows = sorted(rows, key=lambda r: (-r["revenue"], r["country"]))
    head, rest = rows[:TOP], rows[TOP:]
    out = lambda r: {**r, "revenue": r10(r["revenue"]), "revenue_share": r10(r["revenue"] / total)}  # noqa: E731
    other = None
    if rest:
        revenue = sum(r["revenue"] for r in rest)
        other = out({"country": "Other", "revenue": revenue, "orders": sum(r["orders"] for r in rest),
                     "customers": sum(r["customers"] for r in rest)})
    return {"rows": [out(r) for r in head], "other": other, "other_countries": len(rest)}


def products(df):
    lines = df.assign(code=df["StockCode"].str.strip(), desc=df["Description"].str.strip().replace("", pd.NA))
    lines = lines[lines["code"] != ""]
    per = lines.groupby("code").agg(revenue=("amount", "sum"), quantity=("qty", "sum"),
                                    customers=("customer", "nunique"), description=("desc", "first"))
    rows = [{"product": code, "description": r.description if isinstance(r.description, str) else code,
             "revenue": float(r.revenue), "quantity": float(r.quantity), "customers": int(r.customers)}
            for code, r in zip(per.index, per.itertuples())]
    rounded = lambda rs: [{**r, "revenue": r10(r["revenue"]), "quantity": r10(r["quantity"])} for r in rs]  # noqa: E731
    return {"products": len(rows), "by_revenue": rounded(top(rows, "revenue", "product")),
            "by_quantity": rounded(top(rows, "quantity", "product")),
            "by_customers": rounded(top(rows, "customers", "product"))}


def weekday_hour(invoices):
    counts = [[0] * 24 for _ in range(7)]
    for at in invoices["at"]:
        counts[at.weekday()][at.hour] += 1
    return counts


def customers_by_month(invoices):
    months = invoices.assign(month=invoices["at"].dt.strftime("%Y-%m"))[["customer", "month"]].drop_duplicates()
    first = months.groupby("customer")["month"].min().rename("first")
    months = months.join(first, on="customer")
    months["new"] = months["month"] == months["first"]
    out = []
    for month, group in months.groupby("month"):
        out.append({"month": month, "new": int(group["new"].sum()), "returning": int((~group["new"]).sum())})
    return out


def set_aside_by_month(raw):
    d = raw.copy()
    d["date"] = pd.to_datetime(d["InvoiceDate"], format="%m/%d/%Y %H:%M", errors="coerce")
    d["qty"] = pd.to_numeric(d["Quantity"], errors="coerce")
    d["price"] = pd.to_numeric(d["UnitPrice"], errors="coerce")
    d = d[~(d["date"].isna() | d["qty"].isna() | d["price"].isna())].copy()
    d["month"] = d["date"].dt.strftime("%Y-%m")
    d["cancellation"] = False
    d["return"] = False
    rest = d[~d["CustomerID"].str.strip().eq("")]
    cancel = rest["InvoiceNo"].str.fullmatch(r"[Cc]\d+")
    d.loc[rest.index[cancel], "cancellation"] = True
    rest = rest[~cancel]
    d.loc[rest.index[rest["qty"] < 0], "return"] = True
    out = []
    for month, group in d.groupby("month"):
        out.append({"month": month, "parsed_lines": len(group), "cancellations": int(group["cancellation"].sum()),
                    "returns": int(group["return"].sum())})
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    raw = pd.read_csv(args.csv, dtype=str, keep_default_na=False)
    df, _ = clean(raw)
    df["amount"] = df["qty"] * df["price"]
    invoices = df.groupby(["customer", "InvoiceNo"], sort=False).agg(
        at=("date", "min"), amount=("amount", "sum"), items=("qty", "sum")).reset_index()

    result = {
        "countries": countries(df, invoices),
        "products": products(df),
        "weekday_hour": weekday_hour(invoices),
        "customers_by_month": customers_by_month(invoices),
        "set_aside_by_month": set_aside_by_month(raw),
        "order_values": histogram(invoices["amount"].tolist()),
        "items_per_order": histogram(invoices["items"].tolist()),
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
