#!/usr/bin/env python3
"""Third-round matcher experiments of docs/matching.md, on the TUNE part only.

Replicates the trainer (examples/train_matching.rs: depth-2 boosted trees, 100 rounds, rate 0.1,
leaves of 10) with scikit-learn over the tune dump, computes leave-one-pair-out cross-validated
pair probabilities, and reports the measure-level threshold criterion min(P - 0.85, R - 0.75)
for the shipped features, extra features and link rules.

    cargo run --no-default-features --example eval_matching -- --dump-tune /tmp/tune.tsv
    python3 docs/matching_experiments.py /tmp/tune.tsv          # needs numpy, scikit-learn, jieba

The dump holds tune pairs only (the test part is never written), so nothing here reads the test
labels. Analysis aid, not part of the build.
"""

import collections
import csv
import logging
import math
import re
import sys

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier

FEATURES = [
    "jaccard", "containment", "cosine", "clause_cosine", "term_containment", "shared_specific",
    "shared_instruments", "length_ratio", "boilerplate", "quantitative", "bigram_containment",
    "bigram_dice", "same_kind", "profile", "baseline_target", "number_jaccard", "shared_rarest",
    "term_coverage_max",
]
HAN = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def load(path):
    rows = list(csv.DictReader(open(path, encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE))
    mpath = path[: -len(".tsv")] + ".measures.tsv" if path.endswith(".tsv") else path + ".measures.tsv"
    measures = list(csv.DictReader(open(mpath, encoding="utf-8"), delimiter="\t"))
    return rows, {(m["pair"], m["a"]): m["positive"] == "1" for m in measures}


def cv_probabilities(rows, x, y):
    """Leave-one-pair-out probabilities, with the engine's fixed rules (verbatim tier, profiles)."""
    pairs = np.array([r["pair"] for r in rows])
    out = np.zeros(len(rows))
    for p in sorted(set(pairs)):
        train = pairs != p
        m = GradientBoostingClassifier(
            n_estimators=100, learning_rate=0.1, max_depth=2, min_samples_leaf=10, random_state=0
        ).fit(x[train], y[train])
        out[~train] = m.predict_proba(x[~train])[:, 1]
    verbatim = (x[:, 0] >= 0.6) | (x[:, 1] >= 0.85)
    profile = x[:, 13] > 0.5
    return np.where(verbatim, 2.0, np.where(profile, 0.0, out))


def measure_level(rows, prob, positive, th, keep=None):
    """(P, R) over A measures: predicted shared with B when some kept pair reaches `th`."""
    pred = {(r["pair"], r["a"]) for i, (r, p) in enumerate(zip(rows, prob))
            if p >= th and (keep is None or keep[i])}
    tp = sum(positive.get(k, False) for k in pred)
    return tp / max(1, len(pred)), tp / max(1, sum(positive.values()))


def criterion(rows, prob, positive, rule=None):
    best, p_at_r60 = None, 0.0
    for th in np.arange(0.03, 0.70, 0.01):
        keep = rule(prob, th) if rule else None
        p, r = measure_level(rows, prob, positive, th, keep)
        if r >= 0.60:
            p_at_r60 = max(p_at_r60, p)
        c = min(p - 0.85, r - 0.75)
        if best is None or c > best[0]:
            best = (round(c, 3), round(th, 2), round(p, 3), round(r, 3))
    return best, round(p_at_r60, 3)


def mutual_best(rows, margin, exempt):
    """Keep a link within `margin` of the best link of both its measures between the plans."""
    def rule(prob, th):
        best_a, best_b = collections.defaultdict(float), collections.defaultdict(float)
        for r, p in zip(rows, prob):
            if p >= th:
                ka, kb = (r["pair"], r["a"]), (r["pair"], r["b"])
                best_a[ka], best_b[kb] = max(best_a[ka], p), max(best_b[kb], p)
        return [p >= exempt or (p + margin >= best_a[(r["pair"], r["a"])]
                                and p + margin >= best_b[(r["pair"], r["b"])])
                for r, p in zip(rows, prob)]
    return rule


def bigrams(t):
    s = "".join(c for c in t if HAN.match(c))
    return {s[i:i + 2] for i in range(len(s) - 1)}


def dice(a, b):
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def generic_coverage(rows, top_k):
    """IDF of shared jieba terms over the heavier measure's mass, the top_k most frequent gone."""
    import jieba
    jieba.setLogLevel(logging.ERROR)
    texts = {}
    for r in rows:
        texts[r["a"]], texts[r["b"]] = r["a_text"], r["b_text"]
    toks = {i: {w for w in jieba.lcut("".join(c for c in t if HAN.match(c))) if len(w) >= 2}
            for i, t in texts.items()}
    df = collections.Counter(w for ws in toks.values() for w in ws)
    top = {w for w, _ in df.most_common(top_k)}
    n = len(texts)
    idf = lambda w: math.log((n + 1) / (df[w] + 1)) + 1
    out = []
    for r in rows:
        a, b = toks[r["a"]] - top, toks[r["b"]] - top
        mass = max(sum(map(idf, a)), sum(map(idf, b)))
        out.append(sum(map(idf, a & b)) / mass if mass > 0 else 0.0)
    return np.array(out)[:, None]


def main():
    rows, positive = load(sys.argv[1] if len(sys.argv) > 1 else "/tmp/tune.tsv")
    x = np.array([[float(r[f]) for f in FEATURES] for r in rows])
    y = np.array([r["positive"] == "1" for r in rows])
    base = cv_probabilities(rows, x, y)
    print("shipped features", *criterion(rows, base, positive))
    for k in (0, 30, 100, 200, 400):
        prob = cv_probabilities(rows, np.hstack([x, generic_coverage(rows, k)]), y)
        print(f"+ coverage beyond the {k} most frequent terms", *criterion(rows, prob, positive))
    if "a_head" in rows[0]:
        heads = np.array([[dice(bigrams(r["a_head"]), bigrams(r["b_head"]))] for r in rows])
        prob = cv_probabilities(rows, np.hstack([x, heads]), y)
        print("+ heading path similarity", *criterion(rows, prob, positive))
    for margin in (0.0, 0.05, 0.1, 0.2):
        for exempt in (0.3, 0.4, 0.5, 9.0):
            rule = mutual_best(rows, margin, exempt)
            print(f"mutual best m {margin} h {exempt}", *criterion(rows, base, positive, rule))


if __name__ == "__main__":
    main()
