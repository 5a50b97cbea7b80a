#!/usr/bin/env python3
"""scikit-learn reference for Segmento's Gaussian mixture (engine::clustering::gmm).

EM with full covariances from a given start, on two sets of 3-D points:
  blobs:  four anisotropic Gaussian blobs (numpy, seeded), start from
          scikit-learn's KMeans(n_init=1, random_state=0) labels;
  sample: the bundled sample's standardised log1p R, F, M (as
          classifier_reference.py computes them), start from
          KMeans(n_init=10, random_state=42) labels, at k = 4 and 6.
The start is scikit-learn's own `_estimate_gaussian_parameters` of the hard
labels (what `init_params="kmeans"` computes from its k-means), handed to
GaussianMixture as weights_init / means_init / precisions_init; then
GaussianMixture(covariance_type="full", tol=1e-3, reg_covar=1e-6,
max_iter=100) runs EM. `tests/gmm_reference.rs` runs the engine's EM from
the same labels and compares parameters, iterations and likelihood. The
blobs also have scikit-learn's own fit (its k-means start, n_init=10,
random_state=0): its mean log-likelihood and BIC, which the engine's whole
fit (its own k-means start) should reach. (Not on the sample: there
scikit-learn's ten single k-means starts find optima where a component sits
on one frequency, variance reg_covar, which the engine's better k-means
start does not.)

    python tests/reference/gmm_reference.py --csv public/sample.csv --out tests/fixtures/gmm_reference.json

JSON schema: {"cases": [{name, k, tol, reg_covar, max_iter,
  points: [[x, y, z]], labels: [int], weights: [float], means: [[float]],
  covariances: [[[float]]], n_iter: int, converged: bool,
  lower_bound: float, score: float, own_fit: {n_init, score, bic} or null}]}
Points are rounded to 10 decimals before fitting; results to 10 decimals.
"""

import argparse
import json
import os
import sys

import numpy as np
from sklearn.cluster import KMeans
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from classifier_reference import rfm_table  # noqa: E402

TOL = 1e-3
REG = 1e-6
MAX_ITER = 100


def rounded(a):
    return np.round(np.asarray(a, dtype=float), 10).tolist()


def blobs():
    rng = np.random.default_rng(7)
    centres = np.array([[0.0, 0.0, 0.0], [3.0, 1.0, -1.0], [-2.0, 3.0, 1.0], [1.0, -3.0, 2.5]])
    shapes = [np.diag([1.0, 0.3, 0.5]), np.array([[1.0, 0.8, 0.0], [0.0, 0.4, 0.0], [0.0, 0.3, 0.3]]),
              np.diag([0.4, 0.4, 1.2]), np.array([[0.6, 0.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 0.2]])]
    parts = [c + rng.standard_normal((150, 3)) @ s.T for c, s in zip(centres, shapes)]
    return np.round(np.vstack(parts), 10)


def sample_features(path):
    rfm = rfm_table(path)
    raw = rfm[["recency_days", "frequency", "monetary"]].to_numpy(dtype=float)
    x = np.log1p(np.clip(raw, 0, None))
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    return np.round(x, 10)


def case(name, x, k, labels, own_fit=False):
    resp = np.zeros((len(x), k))
    resp[np.arange(len(x)), labels] = 1.0
    nk, means, covariances = _estimate_gaussian_parameters(x, resp, REG, "full")
    gm = GaussianMixture(n_components=k, covariance_type="full", tol=TOL, reg_covar=REG, max_iter=MAX_ITER,
                         weights_init=nk / len(x), means_init=means,
                         precisions_init=np.linalg.inv(covariances)).fit(x)
    own = GaussianMixture(n_components=k, covariance_type="full", tol=TOL, reg_covar=REG, max_iter=MAX_ITER,
                          n_init=10, random_state=0).fit(x) if own_fit else None
    return {
        "name": name, "k": k, "tol": TOL, "reg_covar": REG, "max_iter": MAX_ITER,
        "points": x.tolist(), "labels": [int(l) for l in labels],
        "weights": rounded(gm.weights_), "means": rounded(gm.means_), "covariances": rounded(gm.covariances_),
        "n_iter": int(gm.n_iter_), "converged": bool(gm.converged_),
        "lower_bound": round(float(gm.lower_bound_), 10), "score": round(float(gm.score(x)), 10),
        "own_fit": {"n_init": 10, "score": round(float(own.score(x)), 10), "bic": round(float(own.bic(x)), 6)}
        if own else None,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    b = blobs()
    s = sample_features(args.csv)
    cases = [
        case("blobs", b, 4, KMeans(n_clusters=4, n_init=1, random_state=0).fit(b).labels_, own_fit=True),
        case("sample", s, 4, KMeans(n_clusters=4, n_init=10, random_state=42).fit(s).labels_),
        case("sample", s, 6, KMeans(n_clusters=6, n_init=10, random_state=42).fit(s).labels_),
    ]
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
