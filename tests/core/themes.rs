//! Codebooks and rules on the real seeds: the bundled codebooks parse, the 宅基地 theme finds
//! exactly the measures that mention 宅基地, rules ignore script, `none` excludes and `all`
//! requires; and `duizhao code` prints the matrix.
#![allow(clippy::unwrap_used)] // tests fail loudly by design

use crate::common;
use common::duizhao;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use duizhao::corpus::Corpus;
use duizhao::themes::{
    Codebook, CodebookError, CodedSegment, CodingIndex, Matrix, Rule, Theme, bundled_codebooks,
};

fn seeds() -> &'static Corpus {
    common::seed_corpus()
}

fn index() -> &'static CodingIndex {
    static I: OnceLock<CodingIndex> = OnceLock::new();
    I.get_or_init(|| CodingIndex::new(&seeds().plans))
}

fn urban_rural() -> Codebook {
    Codebook::load_or_bundled("urban_rural_integration").unwrap()
}

fn rule(any: &[&str], all: &[&str], none: &[&str]) -> Rule {
    let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect();
    Rule {
        any: v(any),
        all: v(all),
        none: v(none),
    }
}

/// Measure ids whose normalised text contains `word`, computed without the rule engine.
fn measures_containing(word: &str) -> BTreeSet<String> {
    seeds()
        .plans
        .iter()
        .flat_map(|p| p.measures())
        .filter(|m| m.norm.contains(word))
        .map(|m| m.measure_id.clone())
        .collect()
}

#[test]
fn both_bundled_codebooks_parse_validate_and_have_rules_for_every_leaf() {
    let books = bundled_codebooks();
    let names: Vec<&str> = books.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        vec!["policy_instruments.ron", "urban_rural_integration.ron"]
    );
    for (name, book) in &books {
        let errors: Vec<_> = book
            .validate()
            .into_iter()
            .filter(|p| p.is_error())
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        for t in &book.themes {
            if book.children(&t.theme_id).is_empty() {
                assert!(
                    !t.rules.is_empty(),
                    "{name}: leaf {} has no rules",
                    t.theme_id
                );
            }
        }
        // Each root is followed by its children.
        let order = book.depth_first();
        assert_eq!(order.len(), book.themes.len());
        assert_eq!(order[0].0, 0);
        assert_eq!(order[1].0, 1);
    }
    let ur = &books[1].1;
    assert_eq!(ur.children("shiyanqu").len(), 11);
    assert_eq!(ur.children("xinxing_chengzhenhua").len(), 4);
    let pi = &books[0].1;
    for parent in ["supply", "demand", "environment"] {
        assert!(pi.children(parent).len() >= 4, "{parent}");
    }
}

#[test]
fn every_leaf_theme_of_both_codebooks_finds_something_in_the_seeds() {
    for (name, book) in bundled_codebooks() {
        for t in &book.themes {
            if !t.rules.is_empty() {
                assert!(
                    index().theme_hits(t) > 0,
                    "{name}: {} finds nothing",
                    t.theme_id
                );
            }
        }
    }
}

#[test]
fn the_zhaijidi_theme_finds_exactly_the_measures_that_mention_zhaijidi() {
    let book = urban_rural();
    let proposals = index().propose(&book);
    let found: BTreeSet<String> = proposals
        .iter()
        .filter(|p| p.theme_id == "zhaijidi")
        .map(|p| p.measure_id.clone())
        .collect();
    let expected = measures_containing("宅基地");
    assert_eq!(found, expected);
    let plans_with = |ids: &BTreeSet<String>, name: &str| {
        let plan = seeds().plans.iter().find(|p| p.name == name).unwrap();
        ids.iter()
            .filter(|id| id.starts_with(&format!("{}/", plan.plan_id)))
            .count()
    };
    // 淄博市 is written in Traditional characters (宅基地 is the same there) and 济南市市中区 in
    // Simplified; both have 宅基地 measures and the rule finds all of them.
    assert!(plans_with(&found, "淄博市") > 0);
    assert!(plans_with(&found, "济南市市中区") > 0);
    // Plans that never mention the word get nothing.
    for plan in &seeds().plans {
        if !plan.normalized_text().contains("宅基地") {
            assert_eq!(plans_with(&found, &plan.name), 0, "{}", plan.name);
        }
    }
    assert_eq!(
        index().theme_hits(book.theme("zhaijidi").unwrap()),
        expected.len()
    );
}

#[test]
fn a_traditional_rule_term_finds_simplified_text_and_the_other_way_round() {
    // 淄博市 writes 鄉村振興 (Traditional); 济南市市中区 writes 乡村振兴.
    let simplified = measures_containing("乡村振兴");
    let zibo = seeds().plans.iter().find(|p| p.name == "淄博市").unwrap();
    // (The file writes pinyin notes after some characters, `鄉(xiāng)村振興`; the display text has
    // them removed.)
    assert!(zibo.measures().iter().any(|m| m.text.contains("鄉村振興")));
    assert!(
        simplified
            .iter()
            .any(|id| id.starts_with(&format!("{}/", zibo.plan_id)))
    );
    let by_trad: BTreeSet<String> = index()
        .rule_matches(&rule(&["鄉村振興"], &[], &[]))
        .into_iter()
        .map(str::to_string)
        .collect();
    let by_simp: BTreeSet<String> = index()
        .rule_matches(&rule(&["乡村振兴"], &[], &[]))
        .into_iter()
        .map(str::to_string)
        .collect();
    assert_eq!(by_trad, simplified);
    assert_eq!(by_simp, simplified);
}

#[test]
fn a_none_term_excludes_and_an_all_term_requires() {
    let base = index().rule_hits(&rule(&["宅基地"], &[], &[]));
    let without_exit = index().rule_hits(&rule(&["宅基地"], &[], &["退出"]));
    let with_exit = index().rule_hits(&rule(&["宅基地"], &["退出"], &[]));
    assert!(with_exit > 0 && without_exit > 0);
    assert_eq!(without_exit + with_exit, base);
    assert_eq!(with_exit, {
        let a = measures_containing("宅基地");
        let b = measures_containing("退出");
        a.intersection(&b).count()
    });
    // A rule with only `none` terms proposes nothing rather than everything.
    assert_eq!(index().rule_hits(&rule(&[], &[], &["宅基地"])), 0);
}

#[test]
fn a_word_only_term_does_not_match_inside_longer_words() {
    let substring = index().rule_hits(&rule(&["税收"], &[], &[]));
    let word = index().rule_hits(&rule(&["=税收"], &[], &[]));
    assert!(word <= substring && word > 0, "{word} {substring}");
}

#[test]
fn parent_rows_count_the_distinct_segments_of_their_subtree() {
    let book = urban_rural();
    let segments: Vec<CodedSegment> = index()
        .propose(&book)
        .iter()
        .map(CodedSegment::from)
        .collect();
    let m = Matrix::build(&book, &seeds().plans, &segments);
    assert_eq!(m.plans.len(), 63);
    assert_eq!(m.themes.len(), book.themes.len());
    let row = |id: &str| m.themes.iter().position(|t| t == id).unwrap();
    let parent = row("xinxing_chengzhenhua");
    for col in 0..m.plans.len() {
        let kids: Vec<usize> = book
            .children("xinxing_chengzhenhua")
            .iter()
            .map(|k| m.counts[row(&k.theme_id)][col])
            .collect();
        let max = kids.iter().copied().max().unwrap();
        let sum: usize = kids.iter().sum();
        assert!(m.counts[parent][col] >= max && m.counts[parent][col] <= sum);
        assert!((0.0..=1.0).contains(&m.shares[parent][col]));
    }
}

#[test]
fn a_broken_codebook_file_is_an_error_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.ron");
    std::fs::write(
        &p,
        "Codebook(\n    name: \"x\",\n    themes: [ Theme(theme_id: 3) ],\n)",
    )
    .unwrap();
    let e = Codebook::load(&p).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("bad.ron:3:"), "{msg}");
    let p2 = dir.path().join("dup.ron");
    std::fs::write(
        &p2,
        r##"Codebook(themes: [Theme(theme_id: "a", color: "#000001"), Theme(theme_id: "a", parent: Some("zz"))])"##,
    )
    .unwrap();
    let e = Codebook::load(&p2).unwrap_err();
    assert!(matches!(e, CodebookError::Invalid { .. }));
    let msg = e.to_string();
    assert!(
        msg.contains("dup.ron") && msg.contains("\"a\"") && msg.contains("zz"),
        "{msg}"
    );
    let e = Codebook::load_or_bundled("no_such_codebook").unwrap_err();
    assert!(e.to_string().contains("urban_rural_integration"), "{e}");
}

#[test]
fn a_codebook_saved_and_loaded_is_equal() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cb.ron");
    let mut book = urban_rural();
    book.themes.push(Theme {
        theme_id: "extra".into(),
        name: "额外".into(),
        color: [1, 2, 3],
        rules: vec![rule(&["=税收"], &["财政"], &["减免"])],
        ..Theme::default()
    });
    book.save(&p, false).unwrap();
    assert_eq!(Codebook::load(&p).unwrap(), book);
}

#[test]
fn code_json_has_a_zhaijidi_row_nonzero_exactly_for_plans_mentioning_zhaijidi() {
    let (ok, out, err) = duizhao(&["code", "--codebook", "urban_rural_integration", "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let themes = v["themes"].as_array().unwrap();
    let plans = v["plans"].as_array().unwrap();
    let counts = v["counts"].as_array().unwrap();
    assert_eq!(plans.len(), 63);
    assert_eq!(themes.len(), urban_rural().themes.len());
    assert_eq!(counts.len(), themes.len());
    assert!(counts.iter().all(|r| r.as_array().unwrap().len() == 63));
    let row = themes.iter().position(|t| t == "宅基地制度改革").unwrap();
    for (k, plan) in seeds().plans.iter().enumerate() {
        assert_eq!(v["plan_ids"][k], plan.plan_id.as_str());
        let mentions = plan.measures().iter().any(|m| m.norm.contains("宅基地"));
        let n = counts[row][k].as_u64().unwrap();
        assert_eq!(n > 0, mentions, "{}", plan.name);
    }
}

#[test]
fn code_with_a_missing_codebook_or_project_names_it() {
    let (ok, _, err) = duizhao(&["code", "--codebook", "nope.ron"]);
    assert!(!ok);
    assert!(err.contains("nope.ron"), "{err}");
    let (ok, _, err) = duizhao(&["code", "--project", "missing.duizhao.ron"]);
    assert!(!ok);
    assert!(err.contains("missing.duizhao.ron"), "{err}");
    let (ok, out, err) = duizhao(&["code", "--codebook", "policy_instruments"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("供给型政策工具") && out.contains("T1"),
        "{out}"
    );
    assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds").is_dir());
}

#[test]
fn tags_by_hand_put_measures_in_their_themes_by_theme_row() {
    use duizhao::comparison::{Comparison, Options, RowMode, measure_tags};
    use duizhao::project::{Tag, TagOrigin};
    let corpus = seeds();
    let analysis = duizhao::matching::Analysis::build(&corpus.plans);
    let zibo = corpus
        .plans
        .iter()
        .position(|p| p.name == "淄博市")
        .unwrap();
    let jinan = corpus
        .plans
        .iter()
        .position(|p| p.name == "济南市市中区")
        .unwrap();
    let plan = &corpus.plans[zibo];
    // A whole section tagged (a passage tag, no measure): every measure inside it is listed.
    let section = plan
        .all_sections()
        .into_iter()
        .find(|s| s.measures.len() >= 2)
        .unwrap();
    let range = section.span.start - plan.span.start..section.span.end - plan.span.start;
    let tag = |theme: &str, measure_id: Option<String>, byte_range, orphaned| Tag {
        tag_id: 1,
        theme_id: theme.to_owned(),
        plan_id: plan.plan_id.clone(),
        measure_id,
        byte_range,
        quote: String::new(),
        memo: String::new(),
        origin: TagOrigin::Manual,
        orphaned,
        coder: String::new(),
        tagged_at: String::new(),
    };
    let codebook = urban_rural();
    let theme = codebook.themes.last().unwrap().theme_id.clone();
    let tags = vec![
        tag(&theme, None, range.clone(), false),
        // An orphaned tag (its text is gone) places nothing.
        tag(
            &theme,
            Some(plan.measures()[0].measure_id.clone()),
            0..3,
            true,
        ),
    ];
    let listed = measure_tags(corpus, &tags);
    let want: Vec<&str> = section
        .measures
        .iter()
        .map(|m| m.measure_id.as_str())
        .collect();
    let got: Vec<&str> = listed.iter().map(|t| t.measure_id.as_str()).collect();
    for id in &want {
        assert!(got.contains(id), "{id} not in {got:?}");
    }
    assert!(
        !got.contains(&plan.measures()[0].measure_id.as_str())
            || want.contains(&plan.measures()[0].measure_id.as_str())
    );
    // The by-theme row of the theme lists them.
    let table = Comparison::build_with(
        corpus,
        &analysis,
        &[zibo, jinan],
        &Options {
            mode: RowMode::Theme {
                codebook,
                tags: listed,
            },
            pins: Vec::new(),
        },
    );
    let row = table
        .rows
        .iter()
        .find(|r| r.theme.as_ref().is_some_and(|t| t.theme_id == theme))
        .expect("the theme's row");
    let cell = row.cells[0].as_ref().expect("淄博市's cell");
    for id in &want {
        assert!(cell.measures.iter().any(|m| m.measure_id == *id), "{id}");
    }
}

/// Does `term` (as written in a codebook) occur in a measure, evaluated directly: a word of its
/// jieba words, or (unless `=term`) a substring of its normalised text.
fn occurs_directly(term: &str, norm: &str, words: &[&str]) -> bool {
    let word_only = term.starts_with('=');
    let t = duizhao::normalize::normalize_str(term.trim_start_matches('='));
    !t.is_empty() && (words.contains(&t.as_str()) || (!word_only && norm.contains(&t)))
}

#[test]
fn the_indexed_proposals_and_hit_counts_equal_a_measure_by_measure_evaluation() {
    // The index matches each distinct text once through one automaton of every term; this
    // evaluates every rule on every measure with plain substring and word tests.
    let tokenizer = duizhao::tokenize::Tokenizer::global();
    for (_, book) in bundled_codebooks() {
        let mut want = Vec::new();
        let mut hits = vec![0usize; book.themes.len()];
        let ranked: Vec<&Theme> = book.depth_first().into_iter().map(|(_, t)| t).collect();
        for (rank, theme) in ranked.iter().enumerate() {
            for plan in &seeds().plans {
                for m in plan.measures() {
                    let words = tokenizer.words(&m.norm);
                    let present = |t: &String| {
                        let t = duizhao::normalize::normalize_str(t.trim_start_matches('='));
                        !t.is_empty()
                    };
                    let first = theme.rules.iter().position(|r| {
                        let positive = r.any.iter().chain(&r.all).any(present);
                        let ok = |t: &String| occurs_directly(t, &m.norm, &words);
                        positive
                            && (r.any.iter().all(|t| !present(t)) || r.any.iter().any(ok))
                            && r.all.iter().filter(|t| present(t)).all(ok)
                            && !r.none.iter().filter(|t| present(t)).any(ok)
                    });
                    if let Some(k) = first {
                        want.push((rank, theme.theme_id.clone(), m.measure_id.clone(), k));
                    }
                }
            }
            let k = book
                .themes
                .iter()
                .position(|t| t.theme_id == theme.theme_id)
                .unwrap();
            hits[k] = want.iter().filter(|w| w.0 == rank).count();
        }
        let got: Vec<(usize, String, String, usize)> = index()
            .propose(&book)
            .into_iter()
            .map(|p| {
                let rank = ranked
                    .iter()
                    .position(|t| t.theme_id == p.theme_id)
                    .unwrap();
                (rank, p.theme_id, p.measure_id, p.rule_index)
            })
            .collect();
        assert!(!want.is_empty(), "{}: nothing proposed", book.name);
        assert_eq!(got, want, "{}", book.name);
        let lists: Vec<&[Rule]> = book.themes.iter().map(|t| t.rules.as_slice()).collect();
        assert_eq!(index().hits_of_all(&lists), hits, "{}", book.name);
        for (theme, &n) in book.themes.iter().zip(&hits) {
            assert_eq!(index().theme_hits(theme), n, "{}", theme.theme_id);
        }
        assert!(index().text_count() < index().measure_count());
    }
}
