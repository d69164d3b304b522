//! The comparison engine on the seeds: known shared measures, boilerplate, families, alignment,
//! and precision/recall floors on the hand-labelled sample in `tests/fixtures/measure_pairs.tsv`.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::path::PathBuf;
use std::sync::OnceLock;

use duizhao::align::{Pin, align};
use duizhao::corpus::{Corpus, load_paths};
use duizhao::matching::{Analysis, Status, Tier};

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
    setup().1.links[a]
        .iter()
        .find(|l| l.other == b)
        .map(|l| l.tier)
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
    assert!(p(&shared) >= 0.78, "shared precision {:.2}", p(&shared));
    assert!(r(&shared) >= 0.65, "shared recall {:.2}", r(&shared));
    assert!(p(&verbatim) >= 0.8 && r(&verbatim) >= 0.9);
    assert!(p(&paraphrase) >= 0.75 && r(&paraphrase) >= 0.5);
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
