#!/usr/bin/env python3
"""The reference pandas + scikit-learn pipeline the benchmark compares against:
the same work as Segmento's engine on a UCI-layout CSV — read, clean, RFM (M/D/Y or ISO dates, as the file's first date shows),
log1p + standardise, k-means for k = 2..10 (k-means++, n_init = 10 like ours),
silhouette on a 10,000-customer sample. Prints one JSON line with the time and
peak memory.

    python bench/reference_pipeline.py transactions.csv
"""

import json
import resource
import sys
import time

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler


def main(path):
    started = time.perf_counter()
    df = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str}, keep_default_na=False)
    rows = len(df)
    # The file's date format, as its first date shows it: ISO (pandas' export
    # of the UCI workbook) or M/D/Y (the UCI CSV export).
    iso = len(df) > 0 and str(df["InvoiceDate"].iloc[0])[4:5] == "-"
    date_format = "%Y-%m-%d %H:%M:%S" if iso else "%m/%d/%Y %H:%M"
    df["date"] = pd.to_datetime(df["InvoiceDate"], format=date_format, errors="coerce")
    df["qty"] = pd.to_numeric(df["Quantity"], errors="coerce")
    df["price"] = pd.to_numeric(df["UnitPrice"], errors="coerce")
    df = df.dropna(subset=["date", "qty", "price"])
    df = df[df["CustomerID"].str.strip() != ""]
    df = df[~df["InvoiceNo"].str.fullmatch(r"[Cc]\d+")]
    df = df[(df["qty"] >= 0) & (df["price"] > 0)]
    df = df.drop_duplicates(subset=["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"])
    df["customer"] = df["CustomerID"].str.replace(r"\.0+$", "", regex=True)
    df["amount"] = df["qty"] * df["price"]
    invoices = df.groupby(["customer", "InvoiceNo"]).agg(at=("date", "min"), amount=("amount", "sum")).reset_index()
    reference = df["date"].max().normalize() + pd.Timedelta(days=1)
    rfm = invoices.groupby("customer").agg(last=("at", "max"), frequency=("InvoiceNo", "size"), monetary=("amount", "sum"))
    rfm["recency"] = (reference - rfm["last"].dt.normalize()).dt.days
    x = StandardScaler().fit_transform(np.log1p(rfm[["recency", "frequency", "monetary"]].clip(lower=0).to_numpy(float)))
    rng = np.random.default_rng(42)
    sample = rng.choice(len(x), size=min(10_000, len(x)), replace=False)
    for k in range(2, min(10, len(x) - 1) + 1):
        labels = KMeans(n_clusters=k, init="k-means++", n_init=10, max_iter=300, tol=1e-4, random_state=42).fit_predict(x)
        silhouette_score(x[sample], labels[sample])
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "customers": len(rfm), "seconds": seconds, "peak_mb": peak_mb}))


if __name__ == "__main__":
    main(sys.argv[1])
