#!/usr/bin/python3
"""Experiment, not part of the product or the test suite: do pairwise specialists lift an intent classifier?

Base: scikit-learn TF-IDF (word 1-2 grams + character 1-5 grams inside words, sublinear tf) with LinearSVC (C=1),
optionally plus 0.1 x a multinomial LogisticRegression (C=10), the closest scikit-learn stand-in for the hinge +
softmax ensemble of `voc suggest eval`. Re-ranking: for each test text, every pair among the base's top K labels gets
a LinearSVC trained on those two labels' training texts only (one-vs-one); each label's score moves by MIX times its
mean pairwise margin. Reports top-1/top-3 of the base and of each MIX.

Run with Debian's scikit-learn (see scripts/sklearn-baseline.py):
  /usr/bin/python3 scripts/pairwise-rerank-experiment.py --train TRAIN.csv --test TEST.csv [--k 5] [--with-logistic]
The logistic member makes a run take about five minutes more. Choose MIX on a development split of the training
file (`voc suggest split`), then read the test file's row for that MIX.
"""
import argparse
import csv

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import LabelEncoder
from sklearn.svm import LinearSVC


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    return [r["text"] or "" for r in rows], [(r["label"] or "").strip() for r in rows]


def top_k(scores, truth, k):
    best = np.argsort(-scores, axis=1)[:, :k]
    return float(np.mean([truth[i] in best[i] for i in range(len(truth))]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--k", type=int, default=5, help="how many leading labels are re-ranked")
    parser.add_argument("--with-logistic", action="store_true")
    args = parser.parse_args()

    train_x, train_y = read(args.train)
    test_x, test_y = read(args.test)
    encoder = LabelEncoder().fit(train_y)
    known = [i for i, y in enumerate(test_y) if y in set(encoder.classes_)]
    test_x = [test_x[i] for i in known]
    ty, vy = encoder.transform(train_y), encoder.transform([test_y[i] for i in known])

    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b[\w']+\b")
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), sublinear_tf=True)
    xt = sp.hstack([words.fit_transform(train_x), chars.fit_transform(train_x)]).tocsr()
    xv = sp.hstack([words.transform(test_x), chars.transform(test_x)]).tocsr()

    base = LinearSVC(C=1).fit(xt, ty).decision_function(xv)
    name = "LinearSVC"
    if args.with_logistic:
        base = base + 0.1 * LogisticRegression(C=10, max_iter=300).fit(xt, ty).decision_function(xv)
        name += " + 0.1 x LogisticRegression"
    print(f"{name}: top1 {top_k(base, vy, 1):.4f} top3 {top_k(base, vy, 3):.4f}", flush=True)

    by_label = {label: np.where(ty == label)[0] for label in np.unique(ty)}
    specialists = {}
    k = args.k
    leading = np.argsort(-base, axis=1)[:, :k]
    margins = np.zeros((len(vy), k))
    for i in range(len(vy)):
        for p in range(k):
            for q in range(p + 1, k):
                a, b = sorted((leading[i, p], leading[i, q]))
                if (a, b) not in specialists:
                    rows = np.concatenate([by_label[a], by_label[b]])
                    specialists[(a, b)] = LinearSVC(C=1).fit(xt[rows], (ty[rows] == b).astype(int))
                towards_b = specialists[(a, b)].decision_function(xv[i])[0]
                p_over_q = towards_b if leading[i, p] == b else -towards_b
                margins[i, p] += p_over_q
                margins[i, q] -= p_over_q
    for mix in [0.5, 1.0, 2.0, 3.0, 5.0]:
        scores = base.copy()
        for i in range(len(vy)):
            scores[i, leading[i]] += mix * margins[i] / (k - 1)
        print(f"  + pairwise K={k} MIX={mix}: top1 {top_k(scores, vy, 1):.4f} top3 {top_k(scores, vy, 3):.4f}", flush=True)
    print(f"  ({len(specialists)} pairwise specialists trained)")


if __name__ == "__main__":
    main()
