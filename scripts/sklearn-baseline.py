#!/usr/bin/python3
"""The baseline `voc suggest eval` is compared with: scikit-learn TF-IDF (word 1-2 grams + character 2-5 grams,
FeatureUnion) and LinearSVC (C=1), trained on one labelled CSV and scored on another.

Needs Debian's scikit-learn, not pip:   sudo apt-get install python3-sklearn
Run it with the system Python:          /usr/bin/python3 scripts/sklearn-baseline.py --train TRAIN.csv --test TEST.csv
                                        [--text-column text] [--label-column label] [--char-analyzer char|char_wb] [--sublinear-tf]

Defaults are scikit-learn's own (analyzer "char", raw term frequencies): the untuned setup a team would start from,
which gives the issue's reference figure (about 93.2% top-1 on CLINC150). --char-analyzer char_wb --sublinear-tf is a
slightly stronger variant (about 93.5% there).

The last line of output is one JSON object with the keys of `voc suggest eval` that apply here: top1, top3 (ranked by
decision_function), macroF1 (top-1, averaged over the labels of train and test, a label without a hit scoring 0, as
`voc suggest eval` does), n, trainSeconds (vectorising + fitting), p50Ms/p99Ms (one text at a time), featureCount, labels.
Not part of the test suite.
"""
import argparse
import csv
import json
import sys
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.svm import LinearSVC


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def read(path, text_column, label_column):
    try:
        with open(path, encoding="utf-8-sig", newline="") as file:
            reader = csv.DictReader(file)
            header = reader.fieldnames or []
            for column in (text_column, label_column):
                if column not in header:
                    fail(f"{path}: no column '{column}'; the header has: {', '.join(header)}.")
            rows = [(row[text_column] or "", (row[label_column] or "").strip()) for row in reader]
    except OSError as error:
        fail(f"{path}: {error.strerror}.")
    return [r[0] for r in rows], [r[1] for r in rows]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--label-column", default="label")
    parser.add_argument("--char-analyzer", choices=["char", "char_wb"], default="char")
    parser.add_argument("--sublinear-tf", action="store_true", help="use 1 + log(tf) instead of raw term frequencies")
    args = parser.parse_args()

    train_x, train_y = read(args.train, args.text_column, args.label_column)
    test_x, test_y = read(args.test, args.text_column, args.label_column)

    model = make_pipeline(
        FeatureUnion([
            ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=args.sublinear_tf)),
            ("char", TfidfVectorizer(analyzer=args.char_analyzer, ngram_range=(2, 5), sublinear_tf=args.sublinear_tf)),
        ]),
        LinearSVC(C=1.0),
    )
    started = time.perf_counter()
    model.fit(train_x, train_y)
    train_seconds = time.perf_counter() - started

    classes = model.classes_
    scores = model.decision_function(test_x)
    if scores.ndim == 1:  # two classes: one score, positive for classes[1]
        scores = np.column_stack([-scores, scores])
    ranked = np.argsort(-scores, axis=1)[:, :3]
    top1 = [classes[r[0]] for r in ranked]
    n = len(test_y)
    top1_share = sum(p == g for p, g in zip(top1, test_y)) / n
    top3_share = sum(g in classes[r] for r, g in zip(ranked, test_y)) / n
    labels = sorted(set(train_y) | set(test_y))
    macro_f1 = f1_score(test_y, top1, labels=labels, average="macro", zero_division=0)

    for text in test_x[:50]:  # warm-up, as voc does
        model.decision_function([text])
    elapsed = []
    for text in test_x:
        started = time.perf_counter()
        model.decision_function([text])
        elapsed.append((time.perf_counter() - started) * 1000)
    elapsed.sort()

    def percentile(q):  # nearest rank, as voc does
        return elapsed[min(len(elapsed) - 1, max(0, int(np.ceil(q * len(elapsed))) - 1))]

    features = sum(len(v.vocabulary_) for _, v in model.steps[0][1].transformer_list)
    print(f"train {args.train}: {len(train_x)} texts, {len(classes)} labels, {features} features, trained in {train_seconds:.2f} s")
    print(f"test  {args.test}: {n} texts")
    print(f"  top-1 {top1_share:.2%}   top-3 {top3_share:.2%}   macro-F1 {macro_f1:.4f}")
    print(f"  latency per text: p50 {percentile(0.5):.3f} ms, p99 {percentile(0.99):.3f} ms")
    print(json.dumps({
        "top1": round(top1_share, 4), "top3": round(top3_share, 4), "macroF1": round(float(macro_f1), 4), "n": n,
        "trainSeconds": round(train_seconds, 3), "p50Ms": round(percentile(0.5), 4), "p99Ms": round(percentile(0.99), 4),
        "featureCount": features, "labels": len(classes),
    }, separators=(",", ":")))


if __name__ == "__main__":
    main()
