//! The comparison engine on the seeds: known shared measures, boilerplate, families, alignment,
//! precision/recall floors on the hand-labelled sample in `tests/fixtures/measure_pairs.tsv`, and
//! on the TEST part of the exhaustively labelled pairs in
//! `tests/fixtures/measure_pairs_exhaustive/`; memory with many copies of one sentence.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::path::PathBuf;
use std::sync::OnceLock;

use duizhao::align::{Pin, align};
use duizhao::corpus::{Corpus, load_paths};
use duizhao::match_eval;
use duizhao::matching::{Analysis, Model, Status, Tier, match_spans};

fn setup() -> &'static (Corpus, Analysis) {
    static SETUP: OnceLock<(Corpus, Analysis)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let corpus = load_paths(&[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds")]);
        let analysis = Analysis::build(&corpus.plans);
        (corpus, analysis)
    })
}

fn plan_index(name: &str) -> usize {
    setup().0.plans.iter().position(|p| p.name == name).unwrap()
}

/// Flat index of the first measure of `plan` whose normalised text contains `needle`.
fn measure(plan: &str, needle: &str) -> usize {
    let (corpus, analysis) = setup();
    let pi = plan_index(plan);
    let mi = corpus.plans[pi]
        .measures()
        .iter()
        .position(|m| m.norm.contains(needle))
        .unwrap();
    analysis.flat_index(pi, mi).unwrap()
}

fn link(a: usize, b: usize) -> Option<Tier> {
    setup().1.link(a, b).map(|l| l.tier)
}

#[test]
fn tianjin_pilots_share_the_smart_heating_passage_verbatim() {
    let a = measure("天津市东丽区", "智慧供暖");
    let b = measure("天津市中北镇", "智慧供暖");
    assert_eq!(link(a, b), Some(Tier::Verbatim));
    let analysis = &setup().1;
    assert_eq!(analysis.status[a], Status::Shared);
    let family = analysis.family_of[a].unwrap();
    assert_eq!(analysis.family_of[b], Some(family));
    assert!(
        analysis.families[family].plans.len() >= 3,
        "智慧供暖 is in many pilots"
    );
    // Every member is the heating measure itself, not a sentence sharing one generic clause
    // with it (山西省孝义市's 提升居民生活质量 used to join through a weak paraphrase link).
    let (corpus, _) = setup();
    for &m in &analysis.families[family].members {
        let e = &analysis.measures[m];
        let norm = &corpus.plans[e.plan].measures()[e.index].norm;
        assert!(
            norm.contains("供暖"),
            "{} joined the heating family: {norm}",
            corpus.plans[e.plan].name
        );
    }
}

/// A family member must match the family's centre itself, clearly: a verbatim copy or a
/// paraphrase at the model's precision-oriented `family_threshold` (not a chain A≈B≈C, not a
/// weak link).
#[test]
fn family_members_match_their_centre_clearly() {
    let analysis = &setup().1;
    let bar = Model::shipped().family_threshold;
    assert!(bar >= Model::shipped().threshold);
    let mut paraphrase_members = 0;
    for f in &analysis.families {
        let centre = f.representative;
        assert!(f.members.contains(&centre));
        for &m in f.members.iter().filter(|&&m| m != centre) {
            let l = analysis
                .link(centre, m)
                .unwrap_or_else(|| panic!("member {m} is not linked to its centre {centre}"));
            assert!(
                l.tier == Tier::Verbatim || l.score >= bar,
                "member {m} joined centre {centre} at {:?} {:.3} < {bar:.3}",
                l.tier,
                l.score
            );
            paraphrase_members += usize::from(l.tier == Tier::Paraphrase);
        }
    }
    assert!(paraphrase_members > 0, "families hold paraphrases too");
}

/// A place profile (隶属…, 面积…平方公里) describes a pilot and is never linked as a paraphrase.
#[test]
fn place_profiles_are_never_paraphrase_partners() {
    let (corpus, analysis) = setup();
    let mut profiles = 0;
    for (pi, p) in corpus.plans.iter().enumerate() {
        for (mi, m) in p.measures().iter().enumerate() {
            if !(m.norm.contains("隶属") && m.norm.contains("平方公里")) {
                continue;
            }
            profiles += 1;
            let i = analysis.flat_index(pi, mi).unwrap();
            for l in analysis.partners(i) {
                assert_eq!(l.tier, Tier::Verbatim, "{} linked to {}", m.norm, l.other);
            }
        }
    }
    assert!(profiles >= 2, "{profiles} place profiles in the seeds");
}

#[test]
fn points_based_settlement_measures_are_paraphrases() {
    // 中北镇's 积分入户 and 成都's 居住证积分入户制度: the same instrument in other words.
    let a = measure("天津市中北镇", "积分入户");
    let b = measure("四川省成都市", "居住证积分入户制度");
    assert_eq!(link(a, b), Some(Tier::Paraphrase));
    assert_eq!(setup().1.status[a], Status::Shared);
}

#[test]
fn boilerplate_is_flagged_not_shared() {
    let analysis = &setup().1;
    let target = measure("北京市房山区", "到2020年,常住人口城镇化率达到75%");
    assert_eq!(
        analysis.status[target],
        Status::Boilerplate,
        "target formula"
    );
    let ideology = measure("西咸新区", "习近平新时代中国特色社会主义思想");
    assert_eq!(analysis.status[ideology], Status::Boilerplate);
    // 加强组织领导 style measures never make a 保障 measure shared.
    let (corpus, _) = setup();
    for (pi, p) in corpus.plans.iter().enumerate() {
        for (mi, m) in p.measures().iter().enumerate() {
            if m.norm.contains("领导小组") {
                let flat = analysis.flat_index(pi, mi).unwrap();
                assert_eq!(analysis.status[flat], Status::Boilerplate, "{}", m.norm);
                assert!(analysis.family_of[flat].is_none());
            }
        }
    }
}

#[test]
fn families_are_sorted_by_diffusion_and_hold_distinct_plans() {
    let analysis = &setup().1;
    assert!(analysis.families.len() > 50);
    for w in analysis.families.windows(2) {
        assert!(w[0].plans.len() >= w[1].plans.len());
    }
    for f in &analysis.families {
        assert!(f.plans.len() >= 2);
        assert!(
            f.members
                .iter()
                .all(|&m| analysis.status[m] == Status::Shared)
        );
    }
}

struct Counts {
    predicted: usize,
    correct: usize,
    positives: usize,
    found: usize,
}

/// Precision and recall of "counted as shared" and of each tier on the labelled sample.
fn evaluate() -> (Counts, Counts, Counts) {
    let (corpus, analysis) = setup();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/measure_pairs.tsv"
    ))
    .unwrap();
    let find = |plan: &str, norm: &str| {
        let pi = corpus.plans.iter().position(|p| p.name == plan)?;
        let mi = corpus.plans[pi]
            .measures()
            .iter()
            .position(|m| m.norm == norm)?;
        analysis.flat_index(pi, mi)
    };
    let mut shared = Counts {
        predicted: 0,
        correct: 0,
        positives: 0,
        found: 0,
    };
    let mut verbatim = Counts {
        predicted: 0,
        correct: 0,
        positives: 0,
        found: 0,
    };
    let mut paraphrase = Counts {
        predicted: 0,
        correct: 0,
        positives: 0,
        found: 0,
    };
    let mut rows = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (label, a, b) = (f[0], find(f[1], f[5]), find(f[3], f[6]));
        let (Some(a), Some(b)) = (a, b) else {
            panic!("fixture pair not found: {line}")
        };
        rows += 1;
        let counted = !analysis.measures[a].boilerplate && !analysis.measures[b].boilerplate;
        let tier = link(a, b).filter(|_| counted);
        let positive = label == "verbatim" || label == "paraphrase";
        shared.positives += usize::from(positive);
        shared.predicted += usize::from(tier.is_some());
        shared.correct += usize::from(tier.is_some() && positive);
        shared.found += usize::from(tier.is_some() && positive);
        for (c, t, l) in [
            (&mut verbatim, Tier::Verbatim, "verbatim"),
            (&mut paraphrase, Tier::Paraphrase, "paraphrase"),
        ] {
            c.positives += usize::from(label == l);
            c.predicted += usize::from(tier == Some(t));
            // A tier's prediction is right when the pair is a shared measure at all.
            c.correct += usize::from(tier == Some(t) && positive);
            c.found += usize::from(label == l && tier.is_some());
        }
    }
    assert!(rows >= 150, "the sample has {rows} pairs");
    (shared, verbatim, paraphrase)
}

#[test]
fn precision_and_recall_on_the_labelled_sample() {
    let (shared, verbatim, paraphrase) = evaluate();
    let p = |c: &Counts| c.correct as f64 / c.predicted.max(1) as f64;
    let r = |c: &Counts| c.found as f64 / c.positives.max(1) as f64;
    eprintln!(
        "shared P={:.2} R={:.2}; verbatim P={:.2} R={:.2}; paraphrase P={:.2} R={:.2}",
        p(&shared),
        r(&shared),
        p(&verbatim),
        r(&verbatim),
        p(&paraphrase),
        r(&paraphrase)
    );
    // Floors lowered in precision and raised in recall with the learned scorer (issue 13): on
    // this candidate-mined sample it trades P 0.8 → 0.69 for R 0.7 → 0.95; on the exhaustive
    // test pairs (`precision_and_recall_on_the_exhaustive_test_pairs`) recall rises 0.34 → 0.73.
    assert!(p(&shared) >= 0.65, "shared precision {:.2}", p(&shared));
    assert!(r(&shared) >= 0.9, "shared recall {:.2}", r(&shared));
    assert!(p(&verbatim) >= 0.8 && r(&verbatim) >= 0.9);
    assert!(p(&paraphrase) >= 0.6 && r(&paraphrase) >= 0.85);
}

#[test]
fn alignment_puts_comparable_sections_side_by_side() {
    let (corpus, analysis) = setup();
    let compared = [plan_index("天津市东丽区"), plan_index("天津市中北镇")];
    let rows = align(&corpus.plans, &compared, analysis, &[]);
    let title = |k: usize, sid: usize| {
        corpus.plans[compared[k]]
            .all_sections()
            .into_iter()
            .find(|s| s.section_id == sid)
            .unwrap()
            .title
            .clone()
    };
    // The shared 推广智慧供暖 sections share a row, as do the two 总体目标.
    let row_with = |k: usize, t: &str| {
        rows.iter()
            .position(|r| r.cells[k].iter().any(|&s| title(k, s) == t))
            .unwrap()
    };
    assert_eq!(row_with(0, "推广智慧供暖"), row_with(1, "推广智慧供暖"));
    assert_eq!(row_with(0, "总体目标"), row_with(1, "总体目标"));
    // Each column keeps its reading order outside the cells marked moved.
    for k in 0..2 {
        let order: Vec<usize> = rows
            .iter()
            .filter(|r| !r.moved[k])
            .flat_map(|r| r.cells[k].iter().copied())
            .collect();
        assert!(
            order.windows(2).all(|w| w[0] < w[1]),
            "column {k} out of order: {order:?}"
        );
    }
    // A pin overrides similarity.
    let a_sid = corpus.plans[compared[0]].sections[0].section_id;
    let b_sid = corpus.plans[compared[1]].sections[2].children[0].section_id;
    let pin = Pin {
        plan_a: 0,
        section_a: a_sid,
        plan_b: 1,
        section_b: b_sid,
    };
    let rows = align(&corpus.plans, &compared, analysis, &[pin]);
    assert!(
        rows.iter()
            .any(|r| r.cells[0].contains(&a_sid) && r.cells[1].contains(&b_sid))
    );
}

#[test]
fn ppp_template_links_the_pilots_that_copy_it() {
    let (corpus, analysis) = setup();
    // The national notice's PPP sentence, copied into ~30 pilot plans.
    let needle = "政府和社会资本合作(PPP)模式,加大财税、价格、土地、金融等方面的支持力度";
    let holders: Vec<usize> = corpus
        .plans
        .iter()
        .enumerate()
        .filter_map(|(pi, p)| {
            let mi = p.measures().iter().position(|m| m.norm.contains(needle))?;
            analysis.flat_index(pi, mi)
        })
        .collect();
    assert!(holders.len() >= 20, "{} pilots hold it", holders.len());
    let first = holders[0];
    let plans = analysis.linked_plans(first);
    let linked = holders[1..]
        .iter()
        .filter(|&&h| plans.contains(&analysis.measures[h].plan))
        .count();
    assert!(
        linked + 2 >= holders.len(),
        "linked to {linked} of {} other pilots",
        holders.len() - 1
    );
    assert!(
        analysis
            .partners(first)
            .iter()
            .all(|l| l.tier == Tier::Verbatim || l.score > 0.0)
    );
}

#[test]
fn homestead_measures_of_zibo_and_jinan_are_linked() {
    // 淄博市 is Traditional with pinyin notes and half-width punctuation; 济南市市中区 is
    // Simplified with full-width punctuation.
    let pairs = [
        // Reclaimed idle homesteads put to commercial construction use.
        (
            "有偿收回的闲置宅基地",
            "有偿收回的闲置宅基地及宅基地增减挂钩节余指标",
        ),
        // The same measure in both: idle homesteads taken back for compensation turned into
        // collective commercial construction land.
        ("有偿收回的闲置宅基地", "村庄内零星"),
    ];
    // Both are the same measure to the scorer; the weaker one (0.84 against 0.94) may be pruned
    // from the partners shown (PARTNER_MARGIN), so only the best must stay linked.
    for (a_needle, b_needle) in pairs {
        let a = measure("淄博市", a_needle);
        let b = measure("济南市市中区", b_needle);
        let scored = setup().1.score_pair(a, b);
        assert!(scored.is_some(), "{a_needle} / {b_needle} not matched");
        let ex = setup().1.explain(&setup().0.plans, a, b).unwrap();
        assert!(!ex.spans_a.is_empty() && !ex.spans_b.is_empty());
        if let Some(l) = setup().1.link(a, b) {
            assert_eq!(ex.tier, Some(l.tier));
        }
    }
    // The partner shown first in 济南市市中区 is the closest one: the conversion to commercial
    // construction land, not the measure that only shares the idle homesteads.
    let a = measure("淄博市", "有偿收回的闲置宅基地");
    let best = measure("济南市市中区", "村庄内零星");
    let plan_b = setup().1.measures[best].plan;
    assert_eq!(
        setup().1.link_to_plan(a, plan_b).map(|l| l.other),
        Some(best)
    );
}

#[test]
fn spans_mark_the_shared_words_in_both_original_texts() {
    let (corpus, analysis) = setup();
    let a = measure("淄博市", "有偿收回的闲置宅基地");
    let b = measure(
        "济南市市中区",
        "有偿收回的闲置宅基地及宅基地增减挂钩节余指标",
    );
    let ex = analysis.explain(&corpus.plans, a, b).unwrap();
    let text = |i: usize| {
        let m = &analysis.measures[i];
        corpus.plans[m.plan].measures()[m.index].text.clone()
    };
    let (ta, tb) = (text(a), text(b));
    let marked_a: Vec<&str> = ex.spans_a.iter().map(|r| &ta[r.clone()]).collect();
    let marked_b: Vec<&str> = ex.spans_b.iter().map(|r| &tb[r.clone()]).collect();
    // The Traditional original is marked where the Simplified one matches.
    assert!(
        marked_a.iter().any(|t| t.contains("閑置宅基地")),
        "{marked_a:?}"
    );
    assert!(
        marked_b.iter().any(|t| t.contains("闲置宅基地")),
        "{marked_b:?}"
    );
    assert!(ex.score > 0.0 && ex.score <= 1.0);
    // The function is symmetric in what it marks.
    let (sb, sa) = match_spans(&tb, &ta);
    assert_eq!((sa, sb), (ex.spans_a, ex.spans_b));
}

#[test]
fn boilerplate_keeps_its_partners() {
    let (corpus, analysis) = setup();
    // A formula measure: never counted as shared, but still linked to the plans using it.
    let mut checked = 0;
    for (i, m) in analysis.measures.iter().enumerate() {
        if analysis.status[i] != Status::Boilerplate || analysis.partners(i).is_empty() {
            continue;
        }
        assert!(analysis.shared_links(i).is_empty());
        assert!(analysis.family_of[i].is_none());
        let plans = analysis.linked_plans(i);
        assert!(!plans.contains(&m.plan) && !plans.is_empty());
        checked += 1;
    }
    assert!(
        checked > 50,
        "only {checked} formula measures keep partners"
    );
    let _ = corpus;
}

#[test]
fn links_stay_linear_in_the_copies_of_one_sentence() {
    // Two plans that each repeat one sentence thousands of times. Linking every copy to every
    // copy would make 2 × 4000 × 4000 = 32 million links (over 500 MB); one copy per other
    // plan keeps it to one link per copy.
    let dir = tempfile::tempdir().unwrap();
    let sentence_a = "推广单井循环采集浅层地能无燃烧为建筑物智慧供暖技术,有效提高可再生能源比例。";
    let sentence_b =
        "探索推广单井循环采集浅层地能无燃烧为建筑物智慧供暖技术,有效提高可再生能源比例。";
    let copies = 4000;
    for (name, place, s) in [("a.txt", "甲市", sentence_a), ("b.txt", "乙市", sentence_b)] {
        let mut text = format!("{place}新型城镇化综合试点实施方案\n一、推广智慧供暖\n");
        for _ in 0..copies {
            text.push_str(s);
        }
        text.push('\n');
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let corpus = load_paths(&[dir.path().to_path_buf()]);
    assert_eq!(corpus.plans.len(), 2);
    let analysis = Analysis::build(&corpus.plans);
    let n = analysis.measures.len();
    assert!(n >= 2 * copies, "{n} measures");
    let links: usize = analysis.link_count();
    assert!(links <= 2 * n, "{links} links for {n} measures");
    // Every copy still knows its partner in the other plan, and the tier is verbatim.
    let linked = (0..n)
        .filter(|&i| {
            let other = 1 - analysis.measures[i].plan;
            analysis
                .link_to_plan(i, other)
                .is_some_and(|l| l.tier == Tier::Verbatim)
        })
        .count();
    assert!(linked >= 2 * copies, "{linked} of {n} measures linked");
    for i in [n / 3, n - 1] {
        assert_eq!(analysis.status[i], Status::Shared);
    }
}

/// Floors on the TEST part of the exhaustive label set (never used for tuning). Measured
/// figures are in docs/matching.md; the floors sit a little below them.
#[test]
fn precision_and_recall_on_the_exhaustive_test_pairs() {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/measure_pairs_exhaustive");
    let set = match_eval::load_label_set(&dir).unwrap();
    let corpus = load_paths(&match_eval::corpus_paths(&dir));
    let analysis = Analysis::build(&corpus.plans);
    let test = match_eval::evaluate(&corpus, &analysis, &set, "test");
    eprint!(
        "{}",
        match_eval::format_reports(std::slice::from_ref(&test))
    );
    assert!(
        test.pairs >= 5 && test.measures >= 150,
        "{} pairs, {} A measures",
        test.pairs,
        test.measures
    );
    assert!(
        test.unresolved.len() * 50 <= test.measures,
        "unresolved: {:?}",
        test.unresolved
    );
    let floors = EXHAUSTIVE_TEST_FLOORS;
    assert!(
        test.shared.precision() >= floors.0,
        "shared P {:.3}",
        test.shared.precision()
    );
    assert!(
        test.shared.recall() >= floors.1,
        "shared R {:.3}",
        test.shared.recall()
    );
    assert!(
        test.verbatim.recall() >= floors.2,
        "verbatim R {:.3}",
        test.verbatim.recall()
    );
    assert!(
        test.paraphrase.recall() >= floors.3,
        "paraphrase R {:.3}",
        test.paraphrase.recall()
    );
    let (right, links) = test.partner_links;
    let partner_p = right as f64 / links.max(1) as f64;
    assert!(
        partner_p >= EXHAUSTIVE_TEST_PARTNER_LINK_FLOOR,
        "partner-link P {partner_p:.3} ({right}/{links})"
    );
}

/// (shared precision, shared recall, verbatim recall, paraphrase recall) floors on the test part
/// (measured: 0.709, 0.746, 1.000, 0.728).
const EXHAUSTIVE_TEST_FLOORS: (f64, f64, f64, f64) = (0.69, 0.72, 0.95, 0.70);
/// Floor of the share of links from test A measures into plan B that point at a labelled
/// partner (measured: 0.350).
const EXHAUSTIVE_TEST_PARTNER_LINK_FLOOR: f64 = 0.33;

/// The second coders' blind labels (`second_coder/`) cover exactly the A measures of the pairs
/// they code (the whole test part), every partner they name is a measure of the corpus, and the
/// two readings agree well enough for the labels to measure a matcher by (kappa of the
/// measure-level decision measured 0.785 lenient, 0.804 strict; the floor is "substantial").
#[test]
fn a_second_coder_agrees_with_the_first_on_the_test_pairs() {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/measure_pairs_exhaustive");
    let first = match_eval::load_label_set(&dir).unwrap();
    let second = match_eval::load_label_set(&dir.join("second_coder")).unwrap();
    assert!(second.rows.iter().all(|r| r.split == "test"));
    let (lenient, strict, unmatched) = match_eval::coder_agreement(&first, &second);
    assert!(
        unmatched.is_empty(),
        "coded by one coder only: {unmatched:?}"
    );
    assert!(lenient.measures >= 800, "{} A measures", lenient.measures);
    assert!(
        lenient.kappa >= 0.6 && strict.kappa >= 0.6,
        "{lenient:?} {strict:?}"
    );
    // A borderline call never makes the strict reading more generous than the lenient one.
    assert!(strict.shared.positives <= lenient.shared.positives);
    let corpus = load_paths(&match_eval::corpus_paths(&dir));
    let analysis = Analysis::build(&corpus.plans);
    let report = match_eval::evaluate(&corpus, &analysis, &second, "test");
    // The five A measures the importer no longer finds (docs/matching.md) are the only ones.
    assert!(report.unresolved.len() <= 5, "{:?}", report.unresolved);
    assert_eq!(report.measures + report.unresolved.len(), lenient.measures);
}

#[test]
fn reuse_report_ranks_the_plan_that_copied_most_first() {
    let (corpus, _) = setup();
    let a = plan_index("天津市东丽区");
    let report = duizhao::reuse::reuse_report(&corpus.plans, a).unwrap();
    assert!(report.total_chars > 1000);
    let top = &report.rows[0];
    assert_eq!(top.name, "天津市中北镇");
    assert!(top.share > 0.0 && top.share <= 1.0);
    for w in report.rows.windows(2) {
        assert!(w[0].found_chars >= w[1].found_chars);
    }
    // The smart-heating passage is among what it copied, found in a measure of 中北镇.
    let heating = top
        .passages
        .iter()
        .find(|p| p.text.contains("智慧供暖"))
        .unwrap();
    assert!(
        heating
            .other_measure_id
            .starts_with(&corpus.plans[top.plan].plan_id)
    );
    assert!(heating.chars >= duizhao::reuse::REUSE_MIN_CHARS);
    // 淄博市 (Traditional) and 济南市市中区 (Simplified) share passages despite the script.
    let zibo = duizhao::reuse::reuse_report(&corpus.plans, plan_index("淄博市")).unwrap();
    let jinan = zibo.rows.iter().find(|r| r.name == "济南市市中区").unwrap();
    assert!(jinan.share > 0.05, "淄博 in 济南: {:.3}", jinan.share);
}
