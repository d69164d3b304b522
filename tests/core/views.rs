//! The view-models of the search, families, overview and targets views on the seeds, without
//! egui (this file builds with `--no-default-features`).
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use crate::common;
use std::time::Instant;

use duizhao::collate::{SegmentKind, collate_family, family_rows};
use duizhao::corpus::Corpus;
use duizhao::matching::Analysis;
use duizhao::overview::Overview;
use duizhao::search::{MatchKind, search};
use duizhao::target_table::TargetTable;

fn setup() -> (&'static Corpus, &'static Analysis) {
    (common::seed_corpus(), common::seed_analysis())
}

fn plan_index(name: &str) -> usize {
    setup().0.plans.iter().position(|p| p.name == name).unwrap()
}

// ---- search ----

#[test]
fn zhaijidi_is_found_in_zibo_and_jinan_with_ranges_on_the_word() {
    let (corpus, _) = setup();
    let result = search(&corpus.plans, "宅基地", 10_000);
    assert_eq!(result.shown, result.total);
    for name in ["淄博市", "济南市市中区"] {
        let hits = result.plan_hits(plan_index(name)).unwrap();
        assert!(!hits.hits.is_empty(), "{name}");
        for hit in &hits.hits {
            assert_eq!(hit.kind, MatchKind::Phrase);
            assert!(!hit.byte_ranges_in_text.is_empty());
            for r in &hit.byte_ranges_in_text {
                assert_eq!(&hit.text[r.clone()], "宅基地", "{name}: {}", hit.text);
            }
            assert_eq!(hit.kwic.matched, "宅基地");
        }
    }
    let total: usize = result.hits_by_plan.iter().map(|p| p.total).sum();
    assert_eq!(total, result.total);
}

#[test]
fn a_traditional_query_finds_simplified_text_and_a_simplified_one_finds_traditional_text() {
    let (corpus, _) = setup();
    let jinan = plan_index("济南市市中区");
    let zibo = plan_index("淄博市");
    let traditional = search(&corpus.plans, "戶籍", 10_000);
    let simplified = search(&corpus.plans, "户籍", 10_000);
    assert_eq!(traditional.total, simplified.total);
    assert!(traditional.plan_hits(jinan).is_some());
    let nongcun = search(&corpus.plans, "農村", 10_000);
    let zibo_hits = nongcun.plan_hits(zibo).unwrap();
    // 淄博市 is written in Traditional: the highlight is the Traditional word.
    let hit = &zibo_hits.hits[0];
    assert_eq!(&hit.text[hit.byte_ranges_in_text[0].clone()], "農村");
    let jinan_hit = &nongcun.plan_hits(jinan).unwrap().hits[0];
    assert_eq!(
        &jinan_hit.text[jinan_hit.byte_ranges_in_text[0].clone()],
        "农村"
    );
    // Full-width letters fold too.
    assert_eq!(
        search(&corpus.plans, "ＰＰＰ", 10).total,
        search(&corpus.plans, "PPP", 10).total
    );
}

#[test]
fn a_spaced_query_matches_measures_with_all_its_words_after_the_phrase_hits() {
    let (corpus, _) = setup();
    let result = search(&corpus.plans, "宅基地 退出", 10_000);
    let kinds: Vec<MatchKind> = result
        .hits_by_plan
        .iter()
        .flat_map(|p| p.hits.iter().map(|h| h.kind))
        .collect();
    assert!(kinds.contains(&MatchKind::Phrase));
    assert!(kinds.contains(&MatchKind::AllWords));
    for p in &result.hits_by_plan {
        let first_word_hit = p.hits.iter().position(|h| h.kind == MatchKind::AllWords);
        if let Some(k) = first_word_hit {
            assert!(p.hits[k..].iter().all(|h| h.kind == MatchKind::AllWords));
        }
        for h in p.hits.iter().filter(|h| h.kind == MatchKind::AllWords) {
            let marked: Vec<&str> = h
                .byte_ranges_in_text
                .iter()
                .map(|r| &h.text[r.clone()])
                .collect();
            assert!(
                marked.contains(&"宅基地") && marked.contains(&"退出"),
                "{marked:?}"
            );
        }
    }
}

#[test]
fn a_phrase_found_nowhere_falls_back_to_its_jieba_words() {
    let (corpus, _) = setup();
    // Both words are common, the made-up phrase is not.
    let phrase = search(&corpus.plans, "户籍农民", 10_000);
    assert!(phrase.total > 0);
    assert!(
        phrase
            .hits_by_plan
            .iter()
            .flat_map(|p| &p.hits)
            .all(|h| h.kind == MatchKind::AllWords)
    );
}

#[test]
fn section_titles_are_searched_and_the_limit_keeps_the_count() {
    let (corpus, _) = setup();
    let result = search(&corpus.plans, "城乡融合", 5);
    assert_eq!(result.shown, 5);
    assert!(result.total > 5 && result.truncated());
    let all = search(&corpus.plans, "城乡融合", 100_000);
    assert!(
        all.hits_by_plan
            .iter()
            .flat_map(|p| &p.hits)
            .any(|h| h.measure_index.is_none() && h.section_id.is_some())
    );
    assert_eq!(search(&corpus.plans, "  ", 10).total, 0);
}

#[test]
fn search_results_are_deterministic() {
    let (corpus, _) = setup();
    assert_eq!(
        search(&corpus.plans, "农村", 300),
        search(&corpus.plans, "农村", 300)
    );
}

// ---- families ----

#[test]
fn families_are_listed_most_widely_adopted_first_and_filter_by_text_and_plan() {
    let (corpus, analysis) = setup();
    let rows = family_rows(&corpus.plans, analysis);
    assert_eq!(rows.len(), analysis.families.len());
    assert!(rows.windows(2).all(|w| w[0].plan_count >= w[1].plan_count));
    assert!(rows.iter().any(|r| r.matches("智慧供暖")));
    assert!(rows.iter().any(|r| r.matches("天津市中北镇")));
    assert!(rows.iter().all(|r| r.matches(" ")));
    assert!(!rows.iter().any(|r| r.matches("不存在的词语组合")));
}

#[test]
fn every_member_text_and_plan_name_of_a_family_finds_its_row() {
    // Rows keep each distinct member text once: no member's wording may be lost.
    let (corpus, analysis) = setup();
    let rows = family_rows(&corpus.plans, analysis);
    let mut checked = 0;
    for row in &rows {
        let family = &analysis.families[row.family_id];
        for &flat in &family.members {
            let m = &analysis.measures[flat];
            let measure = corpus.plans[m.plan].measures()[m.index];
            assert!(
                row.matches(&measure.norm),
                "family {}: {}",
                row.family_id,
                measure.norm
            );
            checked += 1;
        }
        for name in &row.plan_names {
            assert!(row.matches(name), "family {}: {name}", row.family_id);
        }
    }
    assert!(checked > rows.len(), "families with several members");
}

#[test]
fn the_smart_heating_family_marks_what_each_pilot_words_differently() {
    let (corpus, analysis) = setup();
    let rows = family_rows(&corpus.plans, analysis);
    // The family holding 天津市东丽区's smart-heating measure (other pilots' 智慧供暖 sentences
    // may form families of their own).
    let (row, family) = rows
        .iter()
        .filter(|r| r.matches("智慧供暖"))
        .filter_map(|r| Some((r, collate_family(&corpus.plans, analysis, r.family_id)?)))
        .find(|(_, f)| f.members.iter().any(|m| m.plan_name == "天津市东丽区"))
        .expect("a 智慧供暖 family with 天津市东丽区");
    assert_eq!(family.members.len(), row.member_count);
    assert!(
        family
            .members
            .windows(2)
            .all(|w| (w[0].plan_index, w[0].measure_index) <= (w[1].plan_index, w[1].measure_index))
    );
    let rep = family.members.iter().find(|m| m.representative).unwrap();
    assert!(rep.texts_of(SegmentKind::Differing).is_empty());
    assert!(rep.missing_words.is_empty());
    for m in &family.members {
        // Segments cover the text in order.
        let covered: String = m
            .segments
            .iter()
            .map(|s| &m.text[s.byte_range.clone()])
            .collect();
        assert_eq!(covered, m.text);
        assert!(!m.texts_of(SegmentKind::Common).is_empty());
    }
    let differing = family
        .members
        .iter()
        .find(|m| !m.texts_of(SegmentKind::Differing).is_empty())
        .expect("some member words it differently");
    assert!(differing.common_share < 1.0 && differing.common_share > 0.0);
    // 吉林省梨树县 adds 探索 in front of the sentence 天津市东丽区 has: whichever wording the
    // representative has, the other one is marked — as a differing word or as a missing one.
    let member = |name: &str| {
        family
            .members
            .iter()
            .find(|m| m.plan_name == name)
            .unwrap_or_else(|| panic!("{name} in the family"))
    };
    let (lishu, dongli) = (member("吉林省梨树县"), member("天津市东丽区"));
    if rep.text.starts_with("探索") {
        assert!(lishu.texts_of(SegmentKind::Differing).is_empty());
        assert_eq!(dongli.missing_words, vec!["探索".to_string()]);
    } else {
        assert_eq!(lishu.texts_of(SegmentKind::Differing), vec!["探索"]);
        assert!(dongli.missing_words.is_empty());
    }
}

#[test]
fn a_collated_member_marks_a_word_the_representative_lacks() {
    let (corpus, analysis) = setup();
    // Find a family where a member's differing run is a whole word absent from the representative.
    let mut seen = 0;
    for f in analysis.families.iter().take(40) {
        let family = collate_family(&corpus.plans, analysis, f.family_id).unwrap();
        let rep = family.members.iter().find(|m| m.representative).unwrap();
        for m in &family.members {
            for d in m.texts_of(SegmentKind::Differing) {
                if d.chars().count() >= 2 && !rep.text.contains(d) {
                    seen += 1;
                }
            }
        }
    }
    assert!(seen > 0);
}

// ---- overview ----

#[test]
fn the_overview_is_symmetric_and_orders_every_plan_once() {
    let (corpus, analysis) = setup();
    let o = Overview::build(&corpus.plans, analysis);
    let n = corpus.plans.len();
    assert_eq!(o.len(), 63);
    for a in 0..n {
        assert_eq!(o.count(a, a), 0, "the diagonal is 0");
        assert_eq!(o.directed(a, a), 0);
        for b in 0..n {
            assert_eq!(o.count(a, b), o.count(b, a));
            assert!(o.directed(a, b) <= o.shared_any[a]);
        }
    }
    let mut order = o.order.clone();
    order.sort_unstable();
    assert_eq!(order, (0..n).collect::<Vec<_>>());
    assert_eq!(o, Overview::build(&corpus.plans, analysis), "deterministic");
}

#[test]
fn the_overview_counts_equal_a_count_of_every_measure_partner_list() {
    // The row-by-row u16 counting gives what the first version counted from every measure's
    // shared partners into two dense u32 matrices, on the seeds.
    let (corpus, analysis) = setup();
    let n = corpus.plans.len();
    let mut directed = vec![vec![0u32; n]; n];
    let mut shared_any = vec![0u32; n];
    let mut counted = vec![0u32; n];
    for (flat, entry) in analysis.measures.iter().enumerate() {
        let a = entry.plan;
        if analysis.status[flat] != duizhao::matching::Status::Boilerplate {
            counted[a] += 1;
        }
        let mut plans: Vec<usize> = analysis
            .shared_links(flat)
            .iter()
            .map(|l| analysis.measures[l.other].plan)
            .filter(|&b| b != a)
            .collect();
        plans.sort_unstable();
        plans.dedup();
        if !plans.is_empty() {
            shared_any[a] += 1;
        }
        for b in plans {
            directed[a][b] += 1;
        }
    }
    let o = Overview::build(&corpus.plans, analysis);
    let mut nonzero = 0;
    for (a, row) in directed.iter().enumerate() {
        for (b, &ab) in row.iter().enumerate() {
            assert_eq!(o.directed(a, b), ab, "{a} → {b}");
            assert_eq!(o.count(a, b), ab.max(directed[b][a]));
            nonzero += usize::from(ab > 0);
        }
    }
    assert!(nonzero > 100, "{nonzero} pairs share measures");
    assert_eq!(o.shared_any, shared_any);
    assert_eq!(o.counted, counted);
    // The image of the whole matrix: at one plan a texel it is the matrix in display order.
    let blocks = o.block_counts(1024);
    assert_eq!((blocks.block, blocks.side), (1, n));
    let (r, c) = (5, 9);
    assert_eq!(blocks.max[r * n + c], o.count(o.order[r], o.order[c]));
    // Two plans a texel: each texel the largest of its four cells.
    let half = o.block_counts(n.div_ceil(2));
    assert_eq!(half.block, 2);
    let most = (10..12)
        .flat_map(|r| (20..22).map(move |c| (r, c)))
        .map(|(r, c)| o.count(o.order[r], o.order[c]))
        .max()
        .unwrap();
    assert_eq!(half.max[5 * half.side + 10], most);
}

#[test]
fn dongli_and_zhongbei_share_measures_in_the_overview() {
    let (corpus, analysis) = setup();
    let o = Overview::build(&corpus.plans, analysis);
    let (a, b) = (plan_index("天津市东丽区"), plan_index("天津市中北镇"));
    assert!(o.count(a, b) > 0);
    assert!(o.max_count >= o.count(a, b));
    // The clustered order puts the two Tianjin pilots close together.
    let pos = |p: usize| o.order.iter().position(|&x| x == p).unwrap();
    assert!(pos(a).abs_diff(pos(b)) <= 3, "{} vs {}", pos(a), pos(b));
}

// ---- targets ----

#[test]
fn the_target_table_has_an_urbanisation_rate_row_across_plans() {
    let (corpus, _) = setup();
    let t = TargetTable::build(&[], &corpus.plans);
    assert_eq!(t.plans.len(), 63);
    assert_eq!(t.cells.len(), t.indicators.len());
    let row = t
        .indicators
        .iter()
        .position(|i| i.contains("城镇化率"))
        .unwrap();
    let filled: Vec<usize> = (0..t.plans.len())
        .filter(|&c| !t.cell(row, c).is_empty())
        .collect();
    assert!(filled.len() >= 5, "{filled:?}");
    let cell = &t.cell(row, filled[0])[0];
    assert!(cell.value_text.ends_with('%'));
    assert!(cell.measure_index.is_some());
    assert!(cell.sentence.contains('%') || cell.sentence.contains('％'));
    let with_targets = t.columns_with_targets();
    assert!(with_targets.len() >= filled.len() && with_targets.len() < 63);
    // Rows with more plans come first.
    let plans_in = |r: usize| t.cells[r].iter().filter(|c| !c.is_empty()).count();
    assert!((1..t.indicators.len()).all(|r| plans_in(r - 1) >= plans_in(r)));
}

#[test]
fn a_target_table_of_two_plans_has_two_columns_in_the_order_asked() {
    let (corpus, _) = setup();
    let (a, b) = (plan_index("济南市市中区"), plan_index("淄博市"));
    let t = TargetTable::build(&[a, b], &corpus.plans);
    assert_eq!(
        t.plans,
        vec!["济南市市中区".to_owned(), "淄博市".to_owned()]
    );
    assert!(!t.indicators.is_empty());
    let cell = t.cells.iter().flatten().flatten().next().unwrap();
    let plan = &corpus.plans[if t.cell(0, 0).is_empty() { b } else { a }];
    let mi = cell.measure_index.unwrap();
    assert!(plan.measures().get(mi).is_some() || corpus.plans[a].measures().get(mi).is_some());
    assert!(!cell.label().is_empty());
}

// ---- timings ----

/// Timings of every view-model on the seeds; run with `--ignored --nocapture`.
#[test]
#[ignore]
fn timings_on_the_seeds() {
    let (corpus, analysis) = setup();
    let measures: usize = corpus.plans.iter().map(|p| p.measures().len()).sum();
    for q in ["农村", "宅基", "宅基地 退出", "智慧供暖"] {
        let t = Instant::now();
        let r = search(&corpus.plans, q, 2000);
        println!(
            "search {q:?} over {measures} measures: {:?} ({} hits)",
            t.elapsed(),
            r.total
        );
    }
    let t = Instant::now();
    let rows = family_rows(&corpus.plans, analysis);
    println!("family rows ({}): {:?}", rows.len(), t.elapsed());
    let largest = analysis
        .families
        .iter()
        .max_by_key(|f| f.members.len())
        .unwrap();
    let t = Instant::now();
    let c = collate_family(&corpus.plans, analysis, largest.family_id).unwrap();
    println!(
        "collate largest family ({} members): {:?}",
        c.members.len(),
        t.elapsed()
    );
    let t = Instant::now();
    let o = Overview::build(&corpus.plans, analysis);
    println!("overview ({} plans): {:?}", o.len(), t.elapsed());
    let n = 500;
    let similarity: Vec<Vec<f32>> = (0..n)
        .map(|a| {
            (0..n)
                .map(|b| ((a * 7 + b * 7) % 31) as f32 / 31.0)
                .collect()
        })
        .collect();
    let t = Instant::now();
    let order = duizhao::overview::cluster_order(&similarity);
    println!("cluster order of {} plans: {:?}", order.len(), t.elapsed());
    let t = Instant::now();
    let table = TargetTable::build(&[], &corpus.plans);
    println!(
        "target table ({} indicators × {} plans): {:?}",
        table.indicators.len(),
        table.plans.len(),
        t.elapsed()
    );
    for (i, row) in table.indicators.iter().zip(&table.cells).take(8) {
        println!(
            "  {i}: {} plans",
            row.iter().filter(|c| !c.is_empty()).count()
        );
    }
}

#[test]
fn a_tagged_measure_is_listed_in_its_themes_row_even_when_no_rule_proposes_it() {
    use duizhao::comparison::{Comparison, MeasureTag, Options, RowMode};
    use duizhao::themes::{Codebook, Rule, Theme};
    let (corpus, analysis) = setup();
    let compared = [plan_index("淄博市"), plan_index("西咸新区")];
    let codebook = Codebook {
        name: "测试".into(),
        themes: vec![Theme {
            theme_id: "宅基地".into(),
            name: "宅基地改革".into(),
            // A rule no measure satisfies: only the researcher's tag can fill the row.
            rules: vec![Rule {
                any: vec!["不存在的词语组合".into()],
                ..Rule::default()
            }],
            ..Theme::default()
        }],
    };
    let by_theme = |tags: Vec<MeasureTag>| {
        Comparison::build_with(
            corpus,
            analysis,
            &compared,
            &Options {
                mode: RowMode::Theme {
                    codebook: codebook.clone(),
                    tags,
                },
                pins: Vec::new(),
            },
        )
    };
    assert!(by_theme(Vec::new()).rows.is_empty());
    let zibo = &corpus.plans[compared[0]];
    let measure = &zibo.measures()[3];
    let table = by_theme(vec![MeasureTag {
        theme_id: "宅基地".into(),
        plan_id: zibo.plan_id.clone(),
        measure_id: measure.measure_id.clone(),
    }]);
    assert_eq!(table.rows.len(), 1);
    let row = &table.rows[0];
    assert_eq!(
        row.theme.as_ref().map(|t| t.name.as_str()),
        Some("宅基地改革")
    );
    let cell = row.cells[0]
        .as_ref()
        .expect("淄博市 has the tagged measure");
    let ids: Vec<&str> = cell
        .measures
        .iter()
        .map(|m| m.measure_id.as_str())
        .collect();
    assert_eq!(ids, [measure.measure_id.as_str()]);
    assert!(row.cells[1].as_ref().is_none_or(|c| c.measures.is_empty()));
}
