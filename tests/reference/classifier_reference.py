#!/usr/bin/env python3
"""scikit-learn reference for Segmento's cluster classifier (engine::classify).

On the bundled sample: RFM per customer as tests/reference/rfm_reference.py
computes it (its cleaning and scoring functions are reused), k-means at k = 4
on the standardised log1p R, F, M (as that script's sweep: k-means++, 10
starts, random_state 42), then a RandomForestClassifier(n_estimators=100,
random_state=0) on the raw recency_days, frequency, monetary, predicted out of
fold under StratifiedKFold(5, shuffle=True, random_state=0). Writes each
customer's k-means cluster (the Rust test classifies the same target) and
scikit-learn's cross-validated accuracy and macro-F1
(`tests/classifier.rs` compares them):

    python tests/reference/classifier_reference.py --csv public/sample.csv --out tests/fixtures/classifier_reference.json

JSON schema:
  k: int;  folds: int;  trees: int
  accuracy, macro_f1: float (rounded to 10 decimals)
  fold_accuracy: [float per fold]
  labels: [{customer_id, cluster}] sorted by customer_id
"""

import argparse
import json
import os
import sys

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rfm_reference import clean, scored  # noqa: E402

K = 4
FOLDS = 5
TREES = 100


def rfm_table(path):
    """RFM rows of a UCI-layout CSV, sorted by customer id (rfm_reference.py's definitions)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    df, _ = clean(raw)
    df["amount"] = df["qty"] * df["price"]
    invoices = df.groupby(["customer", "InvoiceNo"]).agg(at=("date", "min"), amount=("amount", "sum")).reset_index()
    reference = df["date"].max().normalize() + pd.Timedelta(days=1)
    per_customer = invoices.groupby("customer").agg(last=("at", "max"), frequency=("InvoiceNo", "nunique"),
                                                    monetary=("amount", "sum"))
    return scored(per_customer, reference)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    rfm = rfm_table(args.csv)
    raw = rfm[["recency_days", "frequency", "monetary"]].to_numpy(dtype=float)
    x = StandardScaler().fit_transform(np.log1p(np.clip(raw, 0, None)))
    labels = KMeans(n_clusters=K, init="k-means++", n_init=10, max_iter=300, tol=1e-4, random_state=42).fit(x).labels_

    predicted = np.zeros_like(labels)
    fold_accuracy = []
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=0).split(raw, labels):
        forest = RandomForestClassifier(n_estimators=TREES, random_state=0).fit(raw[train], labels[train])
        predicted[test] = forest.predict(raw[test])
        fold_accuracy.append(accuracy_score(labels[test], predicted[test]))

    result = {
        "k": K,
        "folds": FOLDS,
        "trees": TREES,
        "accuracy": round(float(accuracy_score(labels, predicted)), 10),
        "macro_f1": round(float(f1_score(labels, predicted, average="macro", zero_division=0)), 10),
        "fold_accuracy": [round(float(a), 10) for a in fold_accuracy],
        "labels": [{"customer_id": c, "cluster": int(l)} for c, l in zip(rfm["customer"], labels)],
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
