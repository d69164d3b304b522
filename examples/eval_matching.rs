//! Precision and recall of shared-measure matching on the exhaustively labelled plan pairs.
//!
//! `cargo run --no-default-features --example eval_matching -- [--labels DIR] [--misses N] [--test] [--second DIR] [--dump-tune FILE] [--dump-test FILE] [PATH…]`
//!
//! DIR defaults to `tests/fixtures/measure_pairs_exhaustive`; the corpus defaults to the seeds
//! plus DIR/docs. Prints counted-as-shared precision/recall and per-tier recall for the tune
//! part (with `--test` also the test part and both: for reporting only), and (with `--misses N`) N missed positives and false positives
//! of the TUNE part for error analysis (the test part is never inspected for tuning).
//! `--second DIR` (e.g. `DIR/second_coder`): a second coder's blind labels of some pairs; prints
//! how far the two coders agree and the engine's figures against each coder on those pairs.

use std::path::PathBuf;

use duizhao::corpus::Corpus;
use duizhao::corpus::load_paths;
use duizhao::match_eval::{
    LabelSet, coder_agreement, corpus_paths, evaluate, examples, format_reports, load_label_set,
};
use duizhao::matching::{Analysis, FEATURES};

/// Write every candidate pair of one split (features, label, the engine's link) as TSV for
/// error analysis, FILE.measures.tsv (the split's A measures and their labels) and FILE.all.tsv
/// (every measure of the corpus with its plan, reading order and section path, no labels: the
/// context features of `docs/matching_experiments.py --context`). `--dump-tune` writes the tune
/// part; `--dump-test` the test part, for one final measurement of a method chosen on tune
/// (`docs/matching_experiments.py --e5 … --test FILE`), never for choosing.
fn dump_split(
    corpus: &Corpus,
    analysis: &Analysis,
    set: &LabelSet,
    split: &str,
    path: &std::path::Path,
) -> Result<(), String> {
    let (ex, measures) = examples(corpus, analysis, set, split);
    let text = |flat: usize| {
        let m = &analysis.measures[flat];
        corpus.plans[m.plan]
            .measures()
            .get(m.index)
            .map(|x| x.text.replace(['\t', '\n'], " "))
            .unwrap_or_default()
    };
    // Heading path (normalised titles, outermost first) of a measure's section.
    let head = |flat: usize| {
        let m = &analysis.measures[flat];
        let plan = &corpus.plans[m.plan];
        let sid = plan.measures().get(m.index).and_then(|x| x.section_id);
        fn find(s: &[duizhao::outline::Section], id: usize, path: &mut Vec<String>) -> bool {
            for x in s {
                path.push(x.title_norm.clone());
                if x.section_id == id || find(&x.children, id, path) {
                    return true;
                }
                path.pop();
            }
            false
        }
        let mut path = Vec::new();
        if let Some(id) = sid {
            find(&plan.sections, id, &mut path);
        }
        path.join("/").replace(['\t', '\n'], " ")
    };
    let mut out = format!(
        "pair\ta\tb\tpositive\tverbatim\t{}\tlinked\ttier\tscore\ta_bp\tb_bp\ta_text\tb_text\ta_head\tb_head\n",
        FEATURES.join("\t")
    );
    for e in &ex {
        let link = analysis.link(e.a, e.b);
        let feats: Vec<String> = e.features.iter().map(|f| format!("{f:.4}")).collect();
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            e.pair_id,
            e.a,
            e.b,
            u8::from(e.positive),
            u8::from(e.verbatim),
            feats.join("\t"),
            u8::from(link.is_some()),
            link.map_or("-".to_string(), |l| format!("{:?}", l.tier)),
            link.map_or(0.0, |l| l.score),
            u8::from(analysis.measures[e.a].boilerplate),
            u8::from(analysis.measures[e.b].boilerplate),
            text(e.a),
            text(e.b),
            head(e.a),
            head(e.b),
        ));
    }
    let mut m_out = String::from("pair\ta\tplan_b\tpositive\n");
    for m in &measures {
        m_out.push_str(&format!("{}\t{}\t{}\t{}\n", m.0, m.1, m.2, u8::from(m.3)));
    }
    // Every measure of the corpus (flat index, plan, reading order, section path, text) for
    // context features (neighbours, section bodies, whole plans). No labels in it.
    let mut all = String::from("flat\tplan\tindex\tsections\tboilerplate\trep\ttext\thead\n");
    for (flat, m) in analysis.measures.iter().enumerate() {
        let plan = &corpus.plans[m.plan];
        let sid = plan.measures().get(m.index).and_then(|x| x.section_id);
        fn ids(s: &[duizhao::outline::Section], id: usize, path: &mut Vec<usize>) -> bool {
            for x in s {
                path.push(x.section_id);
                if x.section_id == id || ids(&x.children, id, path) {
                    return true;
                }
                path.pop();
            }
            false
        }
        let mut path = Vec::new();
        if let Some(id) = sid {
            ids(&plan.sections, id, &mut path);
        }
        let norm = plan
            .measures()
            .get(m.index)
            .map(|x| x.norm.replace(['\t', '\n'], " "))
            .unwrap_or_default();
        all.push_str(&format!(
            "{flat}\t{}\t{}\t{}\t{}\t{}\t{norm}\t{}\n",
            m.plan,
            m.index,
            path.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("/"),
            u8::from(m.boilerplate),
            m.rep,
            head(flat),
        ));
    }
    std::fs::write(path, out).map_err(|e| format!("{}: {e}", path.display()))?;
    let apath = path.with_extension("all.tsv");
    std::fs::write(&apath, all).map_err(|e| format!("{}: {e}", apath.display()))?;
    let mpath = path.with_extension("measures.tsv");
    std::fs::write(&mpath, m_out).map_err(|e| format!("{}: {e}", mpath.display()))?;
    Ok(())
}

/// The second coder's agreement with the first, and the engine against both on the pairs the
/// second coded (all of them test pairs: printed for reporting, never used for tuning).
fn print_second_coder(
    corpus: &Corpus,
    analysis: &Analysis,
    first: &LabelSet,
    dir: &std::path::Path,
) -> Result<(), String> {
    let second = load_label_set(dir)?;
    let (lenient, strict, unmatched) = coder_agreement(first, &second);
    for u in &unmatched {
        eprintln!("coded by one coder only: {u}");
    }
    println!(
        "\nsecond coder ({}): the second against the first as reference",
        dir.display()
    );
    println!("reading    A measures  shared P  shared R  kappa   links P  links R");
    for (name, a) in [("lenient", lenient), ("strict", strict)] {
        println!(
            "{name:<10} {:>10}  {:>8.3}  {:>8.3}  {:>5.3}  {:>8.3}  {:>7.3}",
            a.measures,
            a.shared.precision(),
            a.shared.recall(),
            a.kappa,
            a.links.precision(),
            a.links.recall()
        );
    }
    let pairs: std::collections::HashSet<&str> =
        second.rows.iter().map(|r| r.pair_id.as_str()).collect();
    let mut same_pairs = first.clone();
    same_pairs
        .rows
        .retain(|r| pairs.contains(r.pair_id.as_str()));
    same_pairs
        .pairs
        .retain(|p| pairs.contains(p.pair_id.as_str()));
    for (name, set) in [("first coder", &same_pairs), ("second coder", &second)] {
        println!("\nthe engine against the {name} on these pairs:");
        let reports: Vec<_> = ["test"]
            .iter()
            .map(|s| evaluate(corpus, analysis, set, s))
            .collect();
        print!("{}", format_reports(&reports));
    }
    Ok(())
}

fn main() -> Result<(), String> {
    let mut labels =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/measure_pairs_exhaustive");
    let mut misses = 0usize;
    let mut dump: Option<PathBuf> = None;
    let mut dump_test: Option<PathBuf> = None;
    let mut show_test = false;
    let mut second: Option<PathBuf> = None;
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--labels" => labels = PathBuf::from(args.next().ok_or("--labels DIR")?),
            "--misses" => {
                misses = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--misses N")?
            }
            "--test" => show_test = true,
            "--second" => second = Some(PathBuf::from(args.next().ok_or("--second DIR")?)),
            "--dump-tune" => dump = Some(PathBuf::from(args.next().ok_or("--dump-tune FILE")?)),
            "--dump-test" => {
                dump_test = Some(PathBuf::from(args.next().ok_or("--dump-test FILE")?))
            }
            _ => paths.push(PathBuf::from(a)),
        }
    }
    if paths.is_empty() {
        paths = corpus_paths(&labels);
    }
    let set = load_label_set(&labels)?;
    let t = std::time::Instant::now();
    let corpus = load_paths(&paths);
    for e in &corpus.errors {
        eprintln!("warning: {e}");
    }
    let analysis = Analysis::build(&corpus.plans);
    // A fingerprint of the whole corpus's links (no labels read): whether a change to the
    // engine moved any link at all, test part included, without printing test figures.
    let score_sum: f64 = (0..analysis.measures.len())
        .flat_map(|i| analysis.partners(i))
        .map(|l| f64::from(l.score))
        .sum();
    eprintln!(
        "{} plans, {} measures, analysis in {:.2?}; {} links, score sum {score_sum:.4}",
        corpus.plans.len(),
        analysis.measures.len(),
        t.elapsed(),
        analysis.link_count()
    );
    // The test part is printed only when asked: error analysis and choices use the tune part.
    let splits: &[&str] = if show_test {
        &["tune", "test", "all"]
    } else {
        &["tune"]
    };
    let reports: Vec<_> = splits
        .iter()
        .map(|s| evaluate(&corpus, &analysis, &set, s))
        .collect();
    print!("{}", format_reports(&reports));
    if !show_test {
        println!("(test part hidden: pass --test to print it; never tune on it)");
    }
    for r in &reports {
        for u in r.unresolved.iter().take(5) {
            eprintln!("unresolved ({}): {u}", r.split);
        }
    }
    if let Some(dir) = second {
        print_second_coder(&corpus, &analysis, &set, &dir)?;
    }
    if let Some(path) = dump {
        dump_split(&corpus, &analysis, &set, "tune", &path)?;
    }
    if let Some(path) = dump_test {
        dump_split(&corpus, &analysis, &set, "test", &path)?;
    }
    if misses > 0 {
        let tune = &reports[0];
        println!("\nmissed positives (tune):");
        for (pair, tier, a, b) in tune.misses.iter().take(misses) {
            println!("  {pair} {tier}\n    A: {a}\n    B: {b}");
        }
        println!("\nfalse positives (tune):");
        for (pair, id, a, b) in tune.false_positives.iter().take(misses) {
            println!("  {pair} {id}\n    A: {a}\n    B: {b}");
        }
    }
    Ok(())
}
