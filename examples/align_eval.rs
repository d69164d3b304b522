//! Alignment quality on the labelled sections: precision / recall / F1 of co-row section pairs
//! per split, and the four-plan and Tianjin figures of issue 12.
//!
//! `cargo run --release --no-default-features --example align_eval -- [LABEL_DIR] [--pairs]`
//! (default `tests/fixtures/alignment`; `--pairs`: one line per labelled pair too; `--why`: the
//! four-plan view's linked units kept apart; `--units`: its units, their sub-sections and the row
//! of each linked measure's best partners). Plans are looked up in the seeds and in
//! `LABEL_DIR/docs/` when it exists.

use std::path::PathBuf;
use std::time::Instant;

use duizhao::align::{Params, align_with};
use duizhao::align_eval::{Labels, Metric, Score, evaluate};
use duizhao::comparison::Comparison;
use duizhao::corpus::{default_seed_dir, load_paths};
use duizhao::matching::Analysis;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--") && !a.contains('='))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/alignment")
        });
    let mut paths = vec![default_seed_dir()];
    if dir.join("docs").is_dir() {
        paths.push(dir.join("docs"));
    }
    let corpus = load_paths(&paths);
    let analysis = Analysis::build(&corpus.plans);
    let index = |name: &str| corpus.plans.iter().position(|p| p.name == name);
    let four: Vec<usize> = ["淄博市", "济南市市中区", "西咸新区", "四川省"]
        .iter()
        .filter_map(|n| index(n))
        .collect();
    if four.len() == 4 {
        let table = Comparison::build(&corpus, &analysis, &four);
        let per = table.partners_in_row(&analysis);
        let (all, inrow) = per.iter().fold((0, 0), |(a, b), (x, y)| (a + x, b + y));
        println!(
            "four-plan view: {} rows, {:.1} % empty cells, partners in own row {}/{} = {:.1} %",
            table.rows.len(),
            100.0 * table.empty_share(),
            inrow,
            all,
            100.0 * inrow as f64 / all.max(1) as f64
        );
        for (c, (a, b)) in table.columns.iter().zip(&per) {
            println!("  {}: {b}/{a}", c.name);
        }
        // Per column: sections shown, of which out of reading order (moved) and apart from
        // their parent (detached).
        for (c, col) in table.columns.iter().enumerate() {
            let secs: Vec<&duizhao::comparison::CellSection> = table
                .rows
                .iter()
                .filter_map(|r| r.cells[c].as_ref())
                .flat_map(|x| x.sections.iter())
                .collect();
            println!(
                "  {}: {} sections shown, {} moved, {} detached",
                col.name,
                secs.len(),
                secs.iter().filter(|s| s.moved).count(),
                secs.iter().filter(|s| s.detached).count()
            );
        }
        // Parts of split units sitting apart from their parent.
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.cells.iter().enumerate() {
                for s in cell.iter().flat_map(|x| x.sections.iter()) {
                    if s.detached {
                        println!(
                            "  row {r} {}: {} (part of {})",
                            table.columns[c].name,
                            s.heading,
                            s.parent.as_deref().unwrap_or("")
                        );
                    }
                }
            }
        }
    }
    if let (Some(a), Some(b)) = (index("天津市东丽区"), index("天津市中北镇")) {
        let table = Comparison::build(&corpus, &analysis, &[a, b]);
        let per = table.partners_in_row(&analysis);
        let both = table
            .rows
            .iter()
            .filter(|r| r.cells.iter().all(Option::is_some))
            .count();
        println!(
            "Tianjin pair: {} rows, {} filled on both sides, {:.1} % empty, partners in row {:?}",
            table.rows.len(),
            both,
            100.0 * table.empty_share(),
            per
        );
    }
    // Eight plans: the seeds' first eight distinct plans with sections.
    let eight: Vec<usize> = (0..corpus.plans.len())
        .filter(|&i| corpus.plans[i].sections.len() >= 3)
        .take(8)
        .collect();
    let start = Instant::now();
    let cpu_start = thread_cpu_ms();
    let runs = 20;
    for _ in 0..runs {
        std::hint::black_box(align_with(
            &corpus.plans,
            &eight,
            &analysis,
            &[],
            &params_from_args(&args),
        ));
    }
    let cpu = match (cpu_start, thread_cpu_ms()) {
        (Some(a), Some(b)) => format!(", {:.2} ms CPU", (b - a) / runs as f64),
        _ => String::new(),
    };
    println!(
        "aligning {} plans: {:.2} ms wall{cpu}",
        eight.len(),
        start.elapsed().as_secs_f64() * 1000.0 / runs as f64
    );
    // The engine_seeds workload (benches/engine.rs): analysis, units of every plan, every pair.
    let seeds = load_paths(&[default_seed_dir()]);
    let start = Instant::now();
    let seed_analysis = Analysis::build(&seeds.plans);
    let analysis_ms = start.elapsed().as_secs_f64() * 1000.0;
    let t_units = Instant::now();
    let units: Vec<Vec<duizhao::align::Unit>> = seeds
        .plans
        .iter()
        .enumerate()
        .map(|(i, p)| duizhao::align::units(p, i, &seed_analysis))
        .collect();
    let units_ms = t_units.elapsed().as_secs_f64() * 1000.0;
    let start = Instant::now();
    let mut rows = 0;
    let mut pairs = 0;
    for i in 0..units.len() {
        for j in i + 1..units.len() {
            rows += duizhao::align::align_units(&[&units[i], &units[j]], &[]).len();
            pairs += 1;
        }
    }
    if args.iter().any(|a| a == "--time") {
        // Best of ten runs of units + every pair, for a steadier figure on a busy machine.
        let mut best = f64::MAX;
        let mut best_cpu = f64::MAX;
        for _ in 0..10 {
            let cpu = thread_cpu_ms();
            let start = Instant::now();
            let units: Vec<Vec<duizhao::align::Unit>> = seeds
                .plans
                .iter()
                .enumerate()
                .map(|(i, p)| duizhao::align::units(p, i, &seed_analysis))
                .collect();
            let mut n = 0;
            for i in 0..units.len() {
                for j in i + 1..units.len() {
                    n += duizhao::align::align_units_with(
                        &[&units[i], &units[j]],
                        &[],
                        &params_from_args(&args),
                    )
                    .len();
                }
            }
            std::hint::black_box(n);
            best = best.min(start.elapsed().as_secs_f64() * 1000.0);
            if let (Some(a), Some(b)) = (cpu, thread_cpu_ms()) {
                best_cpu = best_cpu.min(b - a);
            }
        }
        println!(
            "engine_seeds align step (units + all pairs), best of 10: {best:.1} ms wall, {best_cpu:.1} ms CPU"
        );
    }
    println!(
        "engine_seeds (one run, this profile): analysis {analysis_ms:.1} ms, units {units_ms:.1} ms, {pairs} pair alignments {:.1} ms ({rows} rows)",
        start.elapsed().as_secs_f64() * 1000.0
    );
    if args.iter().any(|a| a == "--set") {
        let p = params_from_args(&args);
        println!("with --set {p:?}");
        println!(
            "  four-plan: {}",
            align_with_params(&corpus, &analysis, &four, &p)
        );
        let tj: Vec<usize> = ["天津市东丽区", "天津市中北镇"]
            .iter()
            .filter_map(|n| index(n))
            .collect();
        println!(
            "  Tianjin: {}",
            align_with_params(&corpus, &analysis, &tj, &p)
        );
        println!(
            "  eight plans: {}",
            align_with_params(&corpus, &analysis, &eight, &p)
        );
        // Views nobody tuned on: three and five consecutive seed plans with sections, from
        // every fourth plan on (shares pooled over the views).
        let with_sections: Vec<usize> = (0..corpus.plans.len())
            .filter(|&i| corpus.plans[i].sections.len() >= 3)
            .collect();
        for k in [3, 5] {
            let (mut shares, mut empties, mut views) = (0.0, 0.0, 0);
            for start in (0..with_sections.len().saturating_sub(k)).step_by(4) {
                let view = &with_sections[start..start + k];
                let rows = duizhao::align::align_with(&corpus.plans, view, &analysis, &[], &p);
                let cells = rows.len() * k;
                let filled: usize = rows.iter().map(|r| r.filled()).sum();
                shares += own_row_share(&corpus, &analysis, view, &rows);
                empties += (cells - filled) as f64 / cells.max(1) as f64;
                views += 1;
            }
            println!(
                "  {views} views of {k} consecutive plans: mean partners in own row {:.1} %, mean empty {:.1} %",
                100.0 * shares / f64::from(views.max(1)),
                100.0 * empties / f64::from(views.max(1))
            );
        }
    }
    if args.iter().any(|a| a == "--why") {
        why_not_in_row(&corpus, &analysis, &four, &params_from_args(&args));
    }
    if args.iter().any(|a| a == "--units") {
        dump_units(&corpus, &analysis, &four, &params_from_args(&args));
    }
    match Labels::load(&dir) {
        Ok(labels) => report(&corpus, &analysis, &labels, &args),
        Err(e) => println!("no labels: {e}"),
    }
    if args.iter().any(|a| a == "--grid")
        && let Ok(labels) = Labels::load(&dir)
    {
        grid(&corpus, &analysis, &labels, &four);
    }
}

/// The figures on the labels: both metrics per split, the strict test (test pairs whose plans
/// are in no tune pair), and with `--pairs` / `--dump` the TUNE pairs' details (never the test
/// pairs': they are not tuned on).
fn report(corpus: &duizhao::corpus::Corpus, analysis: &Analysis, labels: &Labels, args: &[String]) {
    let tune_plans: std::collections::HashSet<&String> = labels
        .pairs
        .iter()
        .filter(|p| p.split == "tune")
        .flat_map(|p| p.plans.iter())
        .collect();
    for (metric, name) in [
        (
            Metric::Units,
            "units (one outline level, main-category gold)",
        ),
        (
            Metric::TaskUnits,
            "units, task sections only (both main categories not 概况/指导思想/目标/保障)",
        ),
        (
            Metric::Sections,
            "sections (every level, any-category gold; first metric)",
        ),
    ] {
        println!("metric: {name}");
        let (splits, pairs) = evaluate(corpus, analysis, labels, &params_from_args(args), metric);
        let show_test = args.iter().any(|a| a == "--test");
        for (split, s) in &splits {
            if (split != "test" && !split.ends_with("holdout")) || show_test {
                line(split, s);
            }
        }
        if !show_test {
            println!("  (test split hidden: pass --test to print it; never tune on it)");
        } else {
            let mut strict = Score::default();
            for (id, split, s) in &pairs {
                let pair = labels.pairs.iter().find(|p| p.pair_id == *id);
                if split == "test"
                    && pair.is_some_and(|p| p.plans.iter().all(|n| !tune_plans.contains(n)))
                {
                    strict.add(s);
                }
            }
            line("strict test", &strict);
        }
        if args.iter().any(|a| a == "--pairs") {
            for (id, split, s) in pairs.iter().filter(|p| p.1 == "tune" || p.1 == "audit") {
                println!(
                    "  {id} [{split}] P={:.3} R={:.3} F1={:.3} (pred {}, correct {}, gold {}, gold found {})",
                    s.precision(),
                    s.recall(),
                    s.f1(),
                    s.predicted,
                    s.correct,
                    s.gold,
                    s.gold_found
                );
            }
        }
    }
    audit_views(corpus, analysis, labels, args);
    if args.iter().any(|a| a == "--dump") {
        for pair in labels
            .pairs
            .iter()
            .filter(|p| (p.split == "tune" || p.split == "audit") && !p.holdout)
        {
            let Ok(idx) = pair
                .plans
                .iter()
                .map(|n| corpus.plans.iter().position(|p| p.name == *n).ok_or(()))
                .collect::<Result<Vec<usize>, ()>>()
            else {
                continue;
            };
            let rows = align_with(&corpus.plans, &idx, analysis, &[], &params_from_args(args));
            let (sides, _) = duizhao::align_eval::unit_items(corpus, labels, pair, &idx, &rows);
            for (k, items) in sides.iter().enumerate() {
                for it in items {
                    println!(
                        "DUMP\t{}\t{k}\t{}\t{}\t{}\t{}",
                        pair.pair_id,
                        it.number,
                        it.title,
                        it.row.map_or(-1, |r| r.min(9999) as i64),
                        it.categories.join("|")
                    );
                }
            }
        }
    }
}

/// The comparison of each labelled group of three plans or more (the `audit` split), as a user
/// sees it: empty cells and shared measures with a partner in their own row, pooled per half
/// (the holdout half only with `--test`, and only pooled); per group for the tuning half.
fn audit_views(
    corpus: &duizhao::corpus::Corpus,
    analysis: &Analysis,
    labels: &Labels,
    args: &[String],
) {
    let show_test = args.iter().any(|a| a == "--test");
    for holdout in [false, true] {
        let (mut cells, mut empty, mut all, mut inrow, mut groups) = (0usize, 0usize, 0, 0, 0);
        for pair in labels.pairs.iter().filter(|p| p.holdout == holdout) {
            if pair.plans.len() < 3 {
                continue;
            }
            let Some(idx) = pair
                .plans
                .iter()
                .map(|n| corpus.plans.iter().position(|p| p.name == *n))
                .collect::<Option<Vec<usize>>>()
            else {
                println!("  {}: a plan is missing", pair.pair_id);
                continue;
            };
            if args.iter().any(|a| a == "--set") && !holdout {
                println!(
                    "  with --set, {}: {}",
                    pair.pair_id,
                    align_with_params(corpus, analysis, &idx, &params_from_args(args))
                );
            }
            let table = Comparison::build(corpus, analysis, &idx);
            let n = table.rows.len() * idx.len();
            let filled: usize = table
                .rows
                .iter()
                .map(|r| r.cells.iter().filter(|c| c.is_some()).count())
                .sum();
            let (a, b) = table
                .partners_in_row(analysis)
                .iter()
                .fold((0, 0), |(a, b), (x, y)| (a + x, b + y));
            if !holdout {
                println!(
                    "  view {}: {} rows, {:.1} % empty cells, partners in own row {b}/{a} = {:.1} %",
                    pair.pair_id,
                    table.rows.len(),
                    100.0 * table.empty_share(),
                    100.0 * b as f64 / a.max(1) as f64
                );
            }
            cells += n;
            empty += n - filled;
            all += a;
            inrow += b;
            groups += 1;
        }
        if groups > 0 && (!holdout || show_test) {
            println!(
                "  {} groups' views: {groups}, {:.1} % empty cells ({empty}/{cells}), partners in own row {inrow}/{all} = {:.1} %",
                if holdout { "holdout" } else { "tuning-half" },
                100.0 * empty as f64 / cells.max(1) as f64,
                100.0 * inrow as f64 / all.max(1) as f64
            );
        }
    }
}

/// CPU time of this thread (Linux `/proc/thread-self/schedstat`), steadier than wall time on a
/// shared machine.
fn thread_cpu_ms() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e6)
}

/// The row of each measure (flat index) of `plans` aligned into `rows`, as the comparison shows
/// them (a split unit's parts in their own rows; see `comparison::cell_measures_in`).
fn measure_rows(
    corpus: &duizhao::corpus::Corpus,
    analysis: &Analysis,
    plans: &[usize],
    rows: &[duizhao::align::Row],
) -> std::collections::HashMap<usize, usize> {
    let mut out = std::collections::HashMap::new();
    for (k, &pi) in plans.iter().enumerate() {
        let listed: std::collections::HashSet<usize> = rows
            .iter()
            .flat_map(|r| r.cells[k].iter().copied())
            .collect();
        for (r, row) in rows.iter().enumerate() {
            for &sid in &row.cells[k] {
                for m in duizhao::comparison::cell_measures_in(&corpus.plans[pi], sid, &listed) {
                    if let Some(f) = analysis.flat_index(pi, m.index) {
                        out.insert(f, r);
                    }
                }
            }
        }
    }
    out
}

/// Share of the measures of `plans` (aligned into `rows`) with a shared partner in another of
/// them whose partner sits in their own row: the four-plan goal of issue 12, from units.
fn own_row_share(
    corpus: &duizhao::corpus::Corpus,
    analysis: &Analysis,
    plans: &[usize],
    rows: &[duizhao::align::Row],
) -> f64 {
    let units: Vec<Vec<duizhao::align::Unit>> = plans
        .iter()
        .map(|&p| duizhao::align::units(&corpus.plans[p], p, analysis))
        .collect();
    let row_of = measure_rows(corpus, analysis, plans, rows);
    // As `Comparison::partners_in_row`: per other compared plan, its best-scoring partner; the
    // measure counts as in its row when one of those is.
    let plan_of = |m: usize| analysis.measures.get(m).map(|e| e.plan);
    let (mut all, mut inrow) = (0usize, 0usize);
    for us in &units {
        for u in us {
            for (m, partners) in &u.links {
                let mut best: std::collections::HashMap<usize, (f32, usize)> =
                    std::collections::HashMap::new();
                for &(o, score) in partners {
                    let (Some(r), Some(p)) = (row_of.get(&o), plan_of(o)) else {
                        continue;
                    };
                    let e = best.entry(p).or_insert((score, *r));
                    if score > e.0 {
                        *e = (score, *r);
                    }
                }
                if best.is_empty() {
                    continue;
                }
                all += 1;
                if best.values().any(|(_, r)| row_of.get(m) == Some(r)) {
                    inrow += 1;
                }
            }
        }
    }
    inrow as f64 / all.max(1) as f64
}

/// A unit's place: (compared plan, unit index, row).
type Place = (usize, usize, usize);

/// The unit pairs of different rows with the most shared-measure links between them in the
/// four-plan view (what keeps partners out of their own row).
fn why_not_in_row(
    corpus: &duizhao::corpus::Corpus,
    analysis: &Analysis,
    plans: &[usize],
    params: &Params,
) {
    let rows = duizhao::align::align_with(&corpus.plans, plans, analysis, &[], params);
    let units: Vec<Vec<duizhao::align::Unit>> = plans
        .iter()
        .map(|&p| duizhao::align::units(&corpus.plans[p], p, analysis))
        .collect();
    let row_of = measure_rows(corpus, analysis, plans, &rows);
    let mut where_: std::collections::HashMap<usize, (usize, usize, usize)> =
        std::collections::HashMap::new();
    for (k, us) in units.iter().enumerate() {
        for (ui, u) in us.iter().enumerate() {
            for &m in &u.measures {
                let r = row_of.get(&m).copied().unwrap_or(usize::MAX);
                where_.insert(m, (k, ui, r));
            }
        }
    }
    let mut count: std::collections::HashMap<(Place, Place), usize> =
        std::collections::HashMap::new();
    for us in &units {
        for u in us {
            for (m, partners) in &u.links {
                let Some(&a) = where_.get(m) else { continue };
                for &(o, _) in partners {
                    if let Some(&b) = where_.get(&o)
                        && a.0 != b.0
                        && a.2 != b.2
                    {
                        *count.entry((a, b)).or_default() += 1;
                    }
                }
            }
        }
    }
    let mut v: Vec<_> = count.into_iter().collect();
    v.sort_by_key(|y| std::cmp::Reverse(y.1));
    let title = |(k, ui, r): (usize, usize, usize)| {
        let sid = units[k][ui].section_id;
        let t = corpus.plans[plans[k]]
            .all_sections()
            .into_iter()
            .find(|s| s.section_id == sid)
            .map(|s| format!("{}{}", s.number, s.title))
            .unwrap_or_default();
        format!(
            "{}:u{ui}:row{r}:{:?}:{t}",
            corpus.plans[plans[k]].name, units[k][ui].kind
        )
    };
    for (row, r) in rows.iter().enumerate() {
        println!("WHYROW {row} {:?} {:?}", r.kind, r.cells);
    }
    for ((a, b), n) in v.iter().take(30) {
        println!("WHY {n}\t{}\t{}", title(*a), title(*b));
    }
}

/// The default constants with `--set NAME=VALUE[,NAME=VALUE…]` applied (to try a setting
/// without rebuilding; names as the fields of [`Params`]).
fn params_from_args(args: &[String]) -> Params {
    let mut p = Params::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a != "--set" {
            continue;
        }
        for kv in it.next().map(String::as_str).unwrap_or("").split(',') {
            let Some((k, v)) = kv.split_once('=') else {
                continue;
            };
            let x: f32 = v.parse().unwrap_or(0.0);
            match k {
                "min_affinity" => p.min_affinity = x,
                "min_group" => p.min_group = x,
                "merge_extra" => p.merge_extra = x,
                "max_cell_units" => p.max_cell_units = x as usize,
                "cross_penalty" => p.cross_penalty = x,
                "attach" => p.attach = x,
                "w_title" => p.w_title = x,
                "w_link" => p.w_link = x,
                "link_any" => p.link_any = x,
                "kind_mismatch" => p.kind_mismatch = x,
                "min_link" => p.min_link = x,
                "kind_bonus" => p.kind_bonus = x,
                "framing" => p.framing = x != 0.0,
                "closed_framing" => p.closed_framing = x != 0.0,
                "backbone" => p.backbone = x != 0.0,
                "match_bar" => p.match_bar = x,
                "backbone_pairs" => p.backbone_pairs = x != 0.0,
                "refine" => p.refine = x != 0.0,
                "refine_cell_units" => p.refine_cell_units = x as usize,
                "refine_crossings" => p.refine_crossings = x as usize,
                "anneal_rounds" => p.anneal_rounds = x as usize,
                "anneal_empty" => p.anneal_empty = x,
                "anneal_max_iters" => p.anneal_max_iters = x as usize,
                "profile_apart" => p.profile_apart = x != 0.0,
                "split" => p.split = x != 0.0,
                "split_min_links" => p.split_min_links = x as usize,
                "split_free" => p.split_free = x != 0.0,
                "anneal_apart" => p.anneal_apart = x,
                "mix_cost" => p.mix_cost = x,
                "mix_bar" => p.mix_bar = x,
                "attach_framing" => p.attach_framing = x != 0.0,
                "split_greedy" => p.split_greedy = x != 0.0,
                _ => eprintln!("unknown constant {k}"),
            }
        }
    }
    p
}

fn line(split: &str, s: &Score) {
    println!(
        "  {split}: {} pairs, P={:.3} R={:.3} F1={:.3} (predicted {}, correct {}, gold {}, gold found {}, unmatched sections {})",
        s.pairs,
        s.precision(),
        s.recall(),
        s.f1(),
        s.predicted,
        s.correct,
        s.gold,
        s.gold_found,
        s.unmatched
    );
}

/// Search the constants on the TUNE pairs only; print the best settings with their four-plan
/// figures.
fn grid(corpus: &duizhao::corpus::Corpus, analysis: &Analysis, labels: &Labels, four: &[usize]) {
    let tune = Labels {
        pairs: labels
            .pairs
            .iter()
            .filter(|p| p.split == "tune")
            .cloned()
            .collect(),
        sections: labels.sections.clone(),
    };
    let mut results = Vec::new();
    // Start from the previous round's constants (the objective's constraint is measured there).
    let base = Params {
        min_affinity: 0.05,
        min_group: 0.04,
        merge_extra: 0.0,
        max_cell_units: 3,
        cross_penalty: 0.05,
        attach: 0.0,
        w_title: 0.3,
        w_link: 1.5,
        link_any: 0.3,
        kind_mismatch: 0.35,
        min_link: 0.0,
        kind_bonus: 0.0,
        framing: false,
        closed_framing: false,
        backbone: false,
        match_bar: 0.2,
        backbone_pairs: false,
        refine: false,
        refine_cell_units: 3,
        refine_crossings: 0,
        anneal_rounds: 0,
        anneal_empty: 0.5,
        anneal_max_iters: 0,
        profile_apart: false,
        split: false,
        split_min_links: 2,
        split_free: false,
        anneal_apart: 0.0,
        mix_cost: 0.0,
        mix_bar: 0.1,
        attach_framing: true,
        split_greedy: true,
    };
    let base_rows = duizhao::align::align_with(&corpus.plans, four, analysis, &[], &base);
    let own_floor = own_row_share(corpus, analysis, four, &base_rows);
    let tianjin: Vec<usize> = ["天津市东丽区", "天津市中北镇"]
        .iter()
        .filter_map(|n| corpus.plans.iter().position(|p| p.name == *n))
        .collect();
    let tj_rows = duizhao::align::align_with(&corpus.plans, &tianjin, analysis, &[], &base);
    let tj_floor = own_row_share(corpus, analysis, &tianjin, &tj_rows);
    println!("grid: Tianjin own-row floor {:.1} %", 100.0 * tj_floor);
    println!("grid: own-row floor {:.1} %", 100.0 * own_floor);
    let axes: Vec<(&str, Vec<f32>)> = vec![
        ("min_affinity", vec![0.03, 0.05, 0.08, 0.12]),
        ("min_group", vec![0.02, 0.04, 0.06, 0.08, 0.12]),
        ("w_link", vec![0.5, 0.8, 1.5, 2.5]),
        ("link_any", vec![0.0, 0.15, 0.3, 0.5]),
        ("attach", vec![0.0, 0.03, 0.06, 0.1, 1.0]),
        ("max_cell_units", vec![1.0, 2.0, 3.0, 4.0, 5.0, 8.0]),
        ("cross_penalty", vec![0.0, 0.02, 0.05, 0.1, 0.2]),
        ("w_title", vec![0.0, 0.15, 0.3, 0.6, 1.0]),
        ("kind_mismatch", vec![0.1, 0.35, 0.6, 1.0]),
        ("min_link", vec![0.0, 0.5, 0.7, 0.85]),
        ("kind_bonus", vec![0.0, 0.03, 0.06, 0.1, 0.2, 0.4]),
    ];
    let set = |p: &mut Params, axis: &str, v: f32| match axis {
        "min_affinity" => p.min_affinity = v,
        "min_group" => p.min_group = v,
        "w_link" => p.w_link = v,
        "link_any" => p.link_any = v,
        "attach" => p.attach = v,
        "max_cell_units" => p.max_cell_units = v as usize,
        "cross_penalty" => p.cross_penalty = v,
        "w_title" => p.w_title = v,
        "kind_mismatch" => p.kind_mismatch = v,
        "kind_bonus" => p.kind_bonus = v,
        _ => p.min_link = v,
    };
    // Coordinate ascent from the defaults: two sweeps over the axes, keeping the best value of
    // each axis (ties: the earlier setting).
    // The objective: tune F1, among settings that keep the four-plan view's product goals
    // (partners in their own row no lower than at the start, in the four-plan view and in the
    // Tianjin pair; empty cells ≤ 30 %);
    // others score 0.
    let f1 = |params: &Params| {
        let rows = duizhao::align::align_with(&corpus.plans, four, analysis, &[], params);
        let cells = rows.len() * four.len();
        let filled: usize = rows.iter().map(|r| r.filled()).sum();
        let empty = (cells - filled) as f64 / cells.max(1) as f64;
        let tj = duizhao::align::align_with(&corpus.plans, &tianjin, analysis, &[], params);
        if own_row_share(corpus, analysis, four, &rows) < own_floor - 1e-9
            || own_row_share(corpus, analysis, &tianjin, &tj) < tj_floor - 1e-9
            || empty > 0.30
        {
            return (0.0, 0.0, 0.0);
        }
        let (splits, _) = evaluate(corpus, analysis, &tune, params, Metric::Units);
        splits.first().map_or((0.0, 0.0, 0.0), |(_, s)| {
            (s.f1(), s.precision(), s.recall())
        })
    };
    let mut best = base;
    let mut best_f1 = f1(&best);
    println!("grid start: tune F1={:.3}", best_f1.0);
    for sweep in 0..2 {
        for (axis, values) in &axes {
            for &v in values {
                let mut p = best;
                set(&mut p, axis, v);
                let r = f1(&p);
                results.push((r.0, r.1, r.2, p));
                if r.0 > best_f1.0 + 1e-9 {
                    best = p;
                    best_f1 = r;
                    println!(
                        "  sweep {sweep} {axis}={v}: tune F1={:.3} P={:.3} R={:.3}",
                        r.0, r.1, r.2
                    );
                }
            }
        }
    }
    results.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (f1, p, r, params) in results.iter().take(15) {
        let rows = align_with_params(corpus, analysis, four, params);
        println!("tune F1={f1:.3} P={p:.3} R={r:.3} four-plan {rows}  {params:?}");
    }
}

fn align_with_params(
    corpus: &duizhao::corpus::Corpus,
    analysis: &Analysis,
    four: &[usize],
    params: &Params,
) -> String {
    let rows = duizhao::align::align_with(&corpus.plans, four, analysis, &[], params);
    let cells: usize = rows.len() * four.len();
    let filled: usize = rows.iter().map(|r| r.filled()).sum();
    // Measures per filled cell: the largest, and the mean.
    let mut per_cell: std::collections::HashMap<(usize, usize), usize> = Default::default();
    for (m, r) in measure_rows(corpus, analysis, four, &rows) {
        if let Some(e) = analysis.measures.get(m) {
            *per_cell.entry((r, e.plan)).or_default() += 1;
        }
    }
    let largest = per_cell.values().max().copied().unwrap_or(0);
    let mean = per_cell.values().sum::<usize>() as f64 / per_cell.len().max(1) as f64;
    format!(
        "{} rows, {:.1} % empty (without the preamble row), partners in own row {:.1} %, measures per cell: largest {largest}, mean {mean:.1}",
        rows.len(),
        100.0 * (cells - filled) as f64 / cells.max(1) as f64,
        100.0 * own_row_share(corpus, analysis, four, &rows)
    )
}

/// The four-plan view's units: per unit its sections, measures, sub-sections below its main
/// section, and the rows of its linked measures' best partners (row: count).
fn dump_units(
    corpus: &duizhao::corpus::Corpus,
    analysis: &Analysis,
    plans: &[usize],
    params: &Params,
) {
    let rows = duizhao::align::align_with(&corpus.plans, plans, analysis, &[], params);
    let row_of = measure_rows(corpus, analysis, plans, &rows);
    let units: Vec<Vec<duizhao::align::Unit>> = plans
        .iter()
        .map(|&p| duizhao::align::units(&corpus.plans[p], p, analysis))
        .collect();
    let plan_of = |m: usize| analysis.measures.get(m).map(|e| e.plan);
    for (k, us) in units.iter().enumerate() {
        let plan = &corpus.plans[plans[k]];
        let all = plan.all_sections();
        for (ui, u) in us.iter().enumerate() {
            let main = all.iter().find(|s| s.section_id == u.section_id);
            let heads: Vec<String> = u
                .sections
                .iter()
                .filter_map(|sid| all.iter().find(|s| s.section_id == *sid))
                .map(|s| {
                    format!(
                        "{}{}",
                        s.label,
                        s.title.chars().take(14).collect::<String>()
                    )
                })
                .collect();
            let own_row = row_of
                .get(u.measures.first().unwrap_or(&usize::MAX))
                .copied();
            let mut hist: std::collections::BTreeMap<usize, usize> = Default::default();
            let mut seq = String::new();
            // Flat indexes of the first measure of each sub-section of the main section.
            let child_starts: Vec<usize> = main
                .map(|s| {
                    s.children
                        .iter()
                        .filter_map(|c| {
                            c.walk()
                                .iter()
                                .flat_map(|x| x.measures.iter())
                                .next()
                                .and_then(|m| analysis.flat_index(plans[k], m.index))
                        })
                        .collect()
                })
                .unwrap_or_default();
            for &m in &u.measures {
                if child_starts.contains(&m) {
                    seq.push('|');
                }
                let Some((_, partners)) = u.links.iter().find(|l| l.0 == m) else {
                    seq.push('.');
                    continue;
                };
                let mut best: std::collections::HashMap<usize, (f32, usize)> = Default::default();
                for &(o, score) in partners {
                    let (Some(r), Some(p)) = (row_of.get(&o), plan_of(o)) else {
                        continue;
                    };
                    if p == plans[k] {
                        continue;
                    }
                    let e = best.entry(p).or_insert((score, *r));
                    if score > e.0 {
                        *e = (score, *r);
                    }
                }
                let rs: std::collections::BTreeSet<usize> = best.values().map(|v| v.1).collect();
                if rs.is_empty() {
                    seq.push('.');
                    continue;
                }
                for r in &rs {
                    *hist.entry(*r).or_default() += 1;
                }
                if row_of.get(&m).is_some_and(|o| rs.contains(o)) {
                    seq.push('+');
                } else {
                    seq.push_str(&format!("{}", rs.iter().next().copied().unwrap_or(0)));
                }
            }
            let subs = main.map_or(0, |s| s.children.len());
            println!(
                "UNIT {}\tu{ui}\trow{:?}\t{:?}\t{}m\t{}sub\t{}\t{:?}\t{}",
                plan.name,
                own_row,
                u.kind,
                u.measures.len(),
                subs,
                heads.join(" / "),
                hist,
                seq
            );
        }
    }
}
