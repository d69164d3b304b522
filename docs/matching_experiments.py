#!/usr/bin/env python3
"""Third- and fourth-round matcher experiments of docs/matching.md, on the TUNE part only.

Replicates the trainer (examples/train_matching.rs: depth-2 boosted trees, 100 rounds, rate 0.1,
leaves of 10) with scikit-learn over the tune dump, computes leave-one-pair-out cross-validated
pair probabilities, and reports the measure-level threshold criterion min(P - 0.85, R - 0.75)
for the shipped features, extra features and link rules.

    cargo run --no-default-features --example eval_matching -- --dump-tune /tmp/tune.tsv
    python3 docs/matching_experiments.py /tmp/tune.tsv          # needs numpy, scikit-learn, jieba
    python3 docs/matching_experiments.py /tmp/tune.tsv --pos    # fourth round: action/object features
                                    # (add --default-dict for jieba without the project's words)
    python3 docs/matching_experiments.py /tmp/tune.tsv --curve  # learning curve of the shipped features

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


def cv_probabilities(rows, x, y, train_pairs=None):
    """Leave-one-pair-out probabilities, with the engine's fixed rules (verbatim tier, profiles).
    `train_pairs(held_out, others)`, when given, picks the pairs the held-out pair is scored from."""
    pairs = np.array([r["pair"] for r in rows])
    out = np.zeros(len(rows))
    for p in sorted(set(pairs)):
        train = pairs != p
        if train_pairs is not None:
            train = np.isin(pairs, list(train_pairs(p, sorted(set(pairs) - {p}))))
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


# Fourth round: what the measure does to what (jieba part-of-speech tags).
CLAUSE = re.compile(r"[，,；;。：:！？!?\n]")
# Verbs that carry no action of their own (copula, modal, light verbs).
LIGHT_VERBS = {"是", "可", "有", "要", "会", "能", "将", "为", "使", "让", "进行", "开展", "加以", "予以", "给予"}
GOAL = re.compile(r"到20\d\d|目标|力争|愿景|基本(形成|建成|实现)|取得.*成效|全面(建成|实现)|显著|明显")
# Coarse action classes (a verb may sit in two): is "整合专项资金" the same action as "安排专项资金"?
ACTIONS = {
    "establish": "建立 设立 成立 组建 设置 建成 搭建 构建 创建 新建 筹建 健全",
    "improve": "完善 健全 改进 优化 深化 改革 调整 规范 提升 提高 强化 加强",
    "implement": "推行 实施 推进 落实 推广 执行 开展 实行 推动 促进 加快 全面推开",
    "fund": "安排 投入 筹集 整合 统筹 设立 补助 奖励 补贴 支持 扶持 融资",
    "evaluate": "考核 评估 评价 监督 检查 督查 督导 考评",
    "publicize": "宣传 引导 培训 动员",
    "lead": "领导 协调 组织 负责 牵头",
}
ACTION_CLASS = collections.defaultdict(set)
for _cls, _words in ACTIONS.items():
    for _w in _words.split():
        ACTION_CLASS[_w].add(_cls)


def load_project_terms():
    """Give Python jieba the engine's own words (src/tokenize.rs): assets/dict/policy_terms.txt with
    their tags, and the instrument forms of up to four characters as nouns (without the engine's
    rule that skips a form holding a dictionary term), so that 农业转移人口 is one noun here too."""
    import os
    import jieba
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "assets", "dict")
    terms = set()
    for line in open(os.path.join(root, "policy_terms.txt"), encoding="utf-8"):
        parts = line.split()
        if parts:
            terms.add(parts[0])
            jieba.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None,
                           parts[2] if len(parts) > 2 else None)
    for line in open(os.path.join(root, "instruments.txt"), encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        for form in filter(None, map(str.strip, line.split("|"))):
            if form not in terms and len(form) <= 4:
                jieba.add_word(form, None, "n")


def parse_actions(text):
    """Per text: verbs (v, two characters or more, light verbs gone), verbal nouns (vn), nouns (n*),
    each clause's head verb (its first verb), verb-object pairs (a noun or verbal noun and the
    nearest verb before it in its clause) and, per object, the verbs that govern it."""
    import jieba.posseg as posseg
    verbs, vns, nouns, heads, vo = set(), set(), set(), [], set()
    gov = collections.defaultdict(set)
    phrase_heads, modifiers = set(), set()
    for clause in CLAUSE.split(text):
        verb, run = None, []
        for tok in list(posseg.cut(clause)) + [None]:
            # a run of nouns / verbal nouns (的 inside) is a phrase: the last is its head
            if tok is not None and (tok.flag == "vn" or tok.flag[0] == "n") and len(tok.word) >= 2:
                run.append(tok.word)
            elif not (tok is not None and tok.word == "的" and run):
                if run:
                    phrase_heads.add(run[-1])
                    modifiers.update(run[:-1])
                run = []
            if tok is None:
                break
            w, f = tok.word, tok.flag
            if f == "v" and w not in LIGHT_VERBS and len(w) >= 2:
                verbs.add(w)
                if verb is None:
                    heads.append(w)
                verb = w
            elif f == "vn" or (f[0] == "n" and len(w) >= 2):
                (vns if f == "vn" else nouns).add(w)
                if verb:
                    vo.add((verb, w))
                    gov[w].add(verb)
    return dict(verbs=verbs, vns=vns, nouns=nouns, heads=heads, vo=vo, gov=gov,
                phrase_heads=phrase_heads, modifiers=modifiers)


def jaccard(a, b):
    return len(a & b) / len(a | b) if a | b else 0.0


def action_features(rows):
    """Candidate-pair features of the fourth round, one column each, by name."""
    import jieba
    jieba.setLogLevel(logging.ERROR)
    if "--default-dict" not in sys.argv:
        load_project_terms()
    texts = {}
    for r in rows:
        texts[r["a"]], texts[r["b"]] = r["a_text"], r["b_text"]
    info = {k: parse_actions(t) for k, t in texts.items()}
    df = collections.Counter(w for i in info.values() for w in i["nouns"] | i["vns"] | i["verbs"])
    n = len(texts)
    idf = lambda w: math.log((n + 1) / (df[w] + 1)) + 1
    classes = lambda ws: set().union(*(ACTION_CLASS.get(w, set()) for w in ws)) if ws else set()
    cols = collections.defaultdict(list)
    for r in rows:
        a, b = info[r["a"]], info[r["b"]]
        objs_a, objs_b = a["nouns"] | a["vns"], b["nouns"] | b["vns"]
        shared_objs, shared_verbs = objs_a & objs_b, a["verbs"] & b["verbs"]
        obj_mass = max(sum(map(idf, objs_a)), sum(map(idf, objs_b)))
        shared_w = sorted(map(idf, shared_objs), reverse=True)
        heads_a, heads_b = set(a["heads"]), set(b["heads"])
        governed = [w for w in shared_objs if a["gov"][w] and b["gov"][w]]
        ga, gb = bool(GOAL.search(r["a_text"])), bool(GOAL.search(r["b_text"]))
        cols["verb_jaccard"].append(jaccard(a["verbs"], b["verbs"]))
        cols["verb_vn_jaccard"].append(jaccard(a["verbs"] | a["vns"], b["verbs"] | b["vns"]))
        cols["verb_idf_coverage"].append(
            sum(map(idf, shared_verbs)) / max(sum(map(idf, a["verbs"])), sum(map(idf, b["verbs"])), 1e-9))
        cols["head_verb_equal"].append(float(bool(heads_a and heads_b) and a["heads"][0] == b["heads"][0]))
        cols["clause_heads_shared"].append(
            len(heads_a & heads_b) / max(len(heads_a), len(heads_b)) if heads_a and heads_b else 0.0)
        cols["object_coverage"].append(sum(shared_w) / obj_mass if obj_mass else 0.0)
        cols["object_coverage_beyond_first"].append(sum(shared_w[1:]) / obj_mass if obj_mass else 0.0)
        cols["only_objects_shared"].append(
            float(bool(shared_objs) and not shared_verbs and bool(a["verbs"]) and bool(b["verbs"])))
        cols["verb_object_jaccard"].append(jaccard(a["vo"], b["vo"]))
        cols["shared_object_other_verb"].append(
            sum(not (a["gov"][w] & b["gov"][w]) for w in governed) / len(governed) if governed else -1.0)
        cols["goal_either"].append(float(ga or gb))
        cols["goal_mismatch"].append(float(ga != gb))
        ca, cb = classes(a["verbs"] | a["vns"]), classes(b["verbs"] | b["vns"])
        cols["action_class_jaccard"].append(jaccard(ca, cb))
        # the target-group family: 农业转移人口 shared as a modifier, the phrase heads differ
        only_mod = {w for w in shared_objs if w not in a["phrase_heads"] and w not in b["phrase_heads"]}
        cols["phrase_head_coverage"].append(sum(map(idf, shared_objs - only_mod)) / max(obj_mass, 1e-9))
        cols["shared_only_modifiers"].append(float(bool(shared_objs) and shared_objs == only_mod))
        mods = a["modifiers"] | b["modifiers"]
        cols["modifier_idf_jaccard"].append(
            sum(map(idf, a["modifiers"] & b["modifiers"])) / max(sum(map(idf, mods)), 1e-9))
        cols["shared_object_same_action_class"].append(
            sum(bool(classes(a["gov"][w]) & classes(b["gov"][w])) for w in governed) / len(governed)
            if governed else -1.0)
    return {k: np.array(v)[:, None] for k, v in cols.items()}


def veto(feature, condition, exempt):
    """Drop a link whose pair meets `condition` on `feature`, links >= `exempt` exempt."""
    def rule(prob, th):
        return [not (condition(v) and p < exempt) for p, v in zip(prob, feature[:, 0])]
    return rule


def fourth_round(rows, positive, x, y, base):
    feats = action_features(rows)
    # how the engine's own links (in-sample) differ: to a labelled partner, or of a false-positive A
    linked = np.array([r["linked"] == "1" for r in rows])
    false_a = np.array([not positive.get((r["pair"], r["a"]), False) for r in rows])
    for name in ("verb_jaccard", "head_verb_equal", "only_objects_shared", "goal_either"):
        col = feats[name][:, 0]
        print(f"links with {name} > 0: {np.mean(col[linked & y] > 0):.2f} of {int((linked & y).sum())} "
              f"to a labelled partner, {np.mean(col[linked & false_a] > 0):.2f} of "
              f"{int((linked & false_a).sum())} of false-positive A measures", flush=True)
    for name, col in feats.items():
        prob = cv_probabilities(rows, np.hstack([x, col]), y)
        print("+", name, *criterion(rows, prob, positive), flush=True)
    groups = {
        "verbs": ["verb_jaccard", "verb_vn_jaccard", "verb_idf_coverage", "head_verb_equal",
                  "clause_heads_shared"],
        "objects": ["object_coverage", "object_coverage_beyond_first", "shared_object_other_verb",
                    "verb_object_jaccard", "only_objects_shared"],
        "goal": ["goal_either", "goal_mismatch"],
        "phrases": ["phrase_head_coverage", "shared_only_modifiers", "modifier_idf_jaccard"],
        "all": list(feats),
    }
    for name, cols in groups.items():
        prob = cv_probabilities(rows, np.hstack([x] + [feats[c] for c in cols]), y)
        print("+ group", name, *criterion(rows, prob, positive), flush=True)
    for name, cond in [("only_objects_shared", lambda v: v > 0.5), ("goal_mismatch", lambda v: v > 0.5),
                       ("verb_jaccard", lambda v: v == 0), ("clause_heads_shared", lambda v: v == 0)]:
        for exempt in (0.3, 0.4, 0.5, 9.0):
            rule = veto(feats[name], cond, exempt)
            print(f"veto {name} below {exempt}", *criterion(rows, base, positive, rule), flush=True)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rows, positive = load(args[0] if args else "/tmp/tune.tsv")
    x = np.array([[float(r[f]) for f in FEATURES] for r in rows])
    y = np.array([r["positive"] == "1" for r in rows])
    base = cv_probabilities(rows, x, y)
    print("shipped features", *criterion(rows, base, positive))
    if "--curve" in sys.argv:
        import random
        for k in (4, 8, 12):
            for seed in range(3):
                rnd = random.Random(seed)
                prob = cv_probabilities(rows, x, y, lambda p, others: rnd.sample(others, min(k, len(others))))
                print(f"trained on {k} pairs, draw {seed}", *criterion(rows, prob, positive), flush=True)
        return
    if "--pos" in sys.argv:
        fourth_round(rows, positive, x, y, base)
        return
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
