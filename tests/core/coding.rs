//! Team coding on the real seeds: coders recorded on tags (old projects migrated), merging a
//! colleague's project (nothing dropped, conflicts listed, bad files refused), agreement
//! figures against worked examples and hand computation, undo/redo of every coding action, and
//! the exports made for statistics read back.
#![allow(clippy::unwrap_used)] // tests fail loudly by design

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use duizhao::agreement::{self, cohen_kappa, krippendorff_alpha, percent_agreement};
use duizhao::corpus::{Corpus, load_paths};
use duizhao::export::{self, Coding, Format, Source, TableKind};
use duizhao::history::{Edit, History};
use duizhao::matching::Analysis;
use duizhao::plan::Plan;
use duizhao::project::{Project, SCHEMA_VERSION, Tag};
use duizhao::themes::{Codebook, CodingIndex, Matrix, Theme};
use proptest::prelude::*;

fn urban_rural() -> Codebook {
    Codebook::load_or_bundled("urban_rural_integration").unwrap()
}

/// The 市中区 seed copied into a folder under `name`, with its corpus.
fn seed_as(dir: &Path, name: &str) -> (PathBuf, Corpus) {
    let dst = dir.join(name);
    std::fs::copy(common::seed("05_"), &dst).unwrap();
    let corpus = load_paths(std::slice::from_ref(&dst));
    assert!(corpus.errors.is_empty(), "{:?}", corpus.errors);
    (dst, corpus)
}

/// A tag of `coder` with `theme` on measure `k` of `plan`.
fn tag(plan: &Plan, k: usize, theme: &str, coder: &str) -> Tag {
    let measures = plan.measures();
    let mut t = Tag::for_measure(plan, measures[k], theme).unwrap();
    t.coder = coder.into();
    t
}

fn key(t: &Tag) -> (String, String, String, usize, usize) {
    (
        t.coder.clone(),
        t.theme_id.clone(),
        t.plan_id.clone(),
        t.byte_range.start,
        t.byte_range.end,
    )
}

// ---------------------------------------------------------------- coders and migration

#[test]
fn new_tags_carry_the_coder_and_time_and_a_schema_1_file_loads_with_empty_coders() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, corpus) = seed_as(dir.path(), "市中区.txt");
    let plan = &corpus.plans[0];
    let mut project = Project::new(urban_rural());
    project.add_document(&doc).unwrap();
    project.coder = "王".into();
    let id = project.add_tag(Tag::for_measure(plan, plan.measures()[0], "zhaijidi").unwrap());
    let t = project.tags.iter().find(|t| t.tag_id == id).unwrap();
    assert_eq!(t.coder, "王");
    assert_eq!(t.tagged_at.len(), "2026-12-01T20:00:00Z".len());
    assert!(t.tagged_at.ends_with('Z') && t.tagged_at.starts_with("20"));
    // Another coder's tag on the same passage is a tag of its own.
    project.coder = "李".into();
    let id2 = project.add_tag(Tag::for_measure(plan, plan.measures()[0], "zhaijidi").unwrap());
    assert_ne!(id, id2);
    assert_eq!(project.tags.len(), 2);
    // The coder and time are saved; the session's coder is not.
    let path = dir.path().join("p.duizhao.ron");
    project.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(&format!("schema_version: {SCHEMA_VERSION}")));
    assert!(text.contains("coder: \"王\"") && text.contains("tagged_at: \"20"));
    let back = Project::load(&path).unwrap();
    assert_eq!(back.tags, project.tags);
    assert_eq!(back.coder, "");

    // A schema 1 file (before coders): loads, tags get empty coders, saving writes schema 2.
    let v1 = r#"Project(
    schema_version: 1,
    documents: [],
    codebook: Codebook(name: "old", themes: [Theme(theme_id: "a", name: "甲", color: (1, 2, 3))]),
    tags: [Tag(tag_id: 7, theme_id: "a", plan_id: "plan#1", byte_range: (start: 0, end: 6), quote: "城乡", memo: "旧", origin: Manual, orphaned: false)],
    rejected: [],
    pins: [],
    view: ViewState(compared_plans: [], selected_plan: None, selected_theme: None, selected_tag: None),
)"#;
    let old = dir.path().join("v1.duizhao.ron");
    std::fs::write(&old, v1).unwrap();
    let p = Project::load(&old).unwrap();
    assert_eq!(p.tags.len(), 1);
    assert_eq!(
        (p.tags[0].coder.as_str(), p.tags[0].tagged_at.as_str()),
        ("", "")
    );
    assert_eq!(p.tags[0].memo, "旧");
    assert_eq!(std::fs::read_to_string(&old).unwrap(), v1, "loading wrote");
    let again = dir.path().join("v2.duizhao.ron");
    p.save(&again).unwrap();
    assert_eq!(Project::load(&again).unwrap().tags, p.tags);
}

// ---------------------------------------------------------------- merge

/// Two coders' projects on the same document under different file names.
fn two_coders() -> (tempfile::TempDir, PathBuf, PathBuf, Corpus) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("wang")).unwrap();
    std::fs::create_dir(dir.path().join("li")).unwrap();
    let (doc_w, corpus_w) = seed_as(&dir.path().join("wang"), "市中区方案.txt");
    let (doc_l, corpus_l) = seed_as(&dir.path().join("li"), "shizhong.txt");
    let (pw, pl) = (&corpus_w.plans[0], &corpus_l.plans[0]);
    let mut wang = Project::new(urban_rural());
    wang.add_document(&doc_w).unwrap();
    for k in [0, 1, 2] {
        wang.add_tag(tag(pw, k, "zhaijidi", "王"));
    }
    let mut li = Project::new(urban_rural());
    li.add_document(&doc_l).unwrap();
    for k in [1, 2, 3] {
        li.add_tag(tag(pl, k, "zhaijidi", "李"));
    }
    // The same tag in both (a tag of 李 that 王 also holds, e.g. from an earlier merge) with
    // another memo, and a theme renamed by 李.
    let shared = tag(pw, 5, "huji_qianxi", "李");
    let id = wang.add_tag(shared);
    wang.set_memo(id, "王的备注");
    let id = li.add_tag(tag(pl, 5, "huji_qianxi", "李"));
    li.set_memo(id, "李的备注");
    li.codebook.themes[0].name = "改名".into();
    let p_w = dir.path().join("wang/王.duizhao.ron");
    let p_l = dir.path().join("li/李.duizhao.ron");
    wang.save(&p_w).unwrap();
    li.save(&p_l).unwrap();
    (dir, p_w, p_l, corpus_w)
}

#[test]
fn merging_keeps_both_coders_tags_maps_documents_by_content_and_lists_conflicts() {
    let (_dir, p_w, p_l, corpus) = two_coders();
    let before = std::fs::read(&p_l).unwrap();
    let (merged, report) = duizhao::merge::merge_files(&p_w, &p_l).unwrap();
    assert_eq!(report.documents_matched, 1);
    assert!(report.documents_added.is_empty());
    assert_eq!(merged.documents.len(), 1);
    // 3 of 王 + 1 shared + 3 of 李 (the shared one already present).
    assert_eq!(merged.tags.len(), 7);
    assert_eq!(report.tags_added, 3);
    assert_eq!(report.tags_present, 1);
    assert_eq!(report.coders, vec!["李".to_owned()]);
    // 李's plan ids now name 王's file, so the tags land on the loaded plan.
    let plan_id = &corpus.plans[0].plan_id;
    assert!(merged.tags.iter().all(|t| &t.plan_id == plan_id));
    assert!(merged.tags.iter().all(|t| {
        t.measure_id
            .as_deref()
            .is_some_and(|m| m.starts_with(&format!("{plan_id}/")))
    }));
    // Tag ids stay unique.
    let ids: BTreeSet<u64> = merged.tags.iter().map(|t| t.tag_id).collect();
    assert_eq!(ids.len(), merged.tags.len());
    // Both memos kept; the theme name difference listed, ours kept.
    let memo = &merged
        .tags
        .iter()
        .find(|t| t.theme_id == "huji_qianxi")
        .unwrap()
        .memo;
    assert!(
        memo.contains("王的备注") && memo.contains("李的备注"),
        "{memo}"
    );
    assert!(
        report
            .conflicts
            .iter()
            .any(|c| matches!(c, duizhao::merge::MergeConflict::Memo { .. }))
    );
    assert!(report.conflicts.iter().any(|c| matches!(
        c,
        duizhao::merge::MergeConflict::Theme(t) if t.field == "name" && t.theirs == "改名"
    )));
    assert_ne!(merged.codebook.themes[0].name, "改名");
    // Merging again changes nothing (idempotent).
    let mut twice = merged.clone();
    let r2 = twice.merge_from(&Project::load(&p_l).unwrap(), "李");
    assert_eq!(r2.tags_added, 0);
    assert_eq!(twice.tags, merged.tags);
    assert_eq!(
        std::fs::read(&p_l).unwrap(),
        before,
        "the colleague's file changed"
    );
}

#[test]
fn cli_merge_writes_the_union_and_refuses_damaged_or_foreign_files_changing_nothing() {
    let (dir, p_w, p_l, _) = two_coders();
    let out = dir.path().join("merged.duizhao.ron");
    let (ok, stdout, stderr) = common::duizhao(&[
        "merge",
        "--project",
        p_w.to_str().unwrap(),
        "--from",
        p_l.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("3 tags added"), "{stdout}");
    assert!(stdout.contains("conflicts"), "{stdout}");
    assert_eq!(Project::load(&out).unwrap().tags.len(), 7);

    let mine = std::fs::read(&p_w).unwrap();
    let bad = dir.path().join("bad.duizhao.ron");
    let full = std::fs::read_to_string(&p_l).unwrap();
    std::fs::write(&bad, &full[..full.len() / 2]).unwrap();
    let codebook =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/codebooks/policy_instruments.ron");
    for (from, what) in [
        (bad.as_path(), "damaged"),
        (codebook.as_path(), "not a duizhao project"),
    ] {
        let (ok, _, stderr) = common::duizhao(&[
            "merge",
            "--project",
            p_w.to_str().unwrap(),
            "--from",
            p_l.to_str().unwrap(),
            "--from",
            from.to_str().unwrap(),
        ]);
        assert!(!ok);
        assert!(stderr.contains(what), "{stderr}");
        assert!(
            stderr.contains(from.file_name().unwrap().to_str().unwrap()),
            "{stderr}"
        );
        assert_eq!(std::fs::read(&p_w).unwrap(), mine, "the project changed");
    }
    // Into itself: refused.
    let (ok, _, stderr) = common::duizhao(&[
        "merge",
        "--project",
        p_w.to_str().unwrap(),
        "--from",
        p_w.to_str().unwrap(),
    ]);
    assert!(!ok && stderr.contains("into itself"), "{stderr}");
    assert_eq!(std::fs::read(&p_w).unwrap(), mine);
}

fn seed_corpus() -> &'static (tempfile::TempDir, PathBuf, Corpus) {
    static C: OnceLock<(tempfile::TempDir, PathBuf, Corpus)> = OnceLock::new();
    C.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let (doc, corpus) = seed_as(dir.path(), "市中区.txt");
        (dir, doc, corpus)
    })
}

const CODERS: [&str; 3] = ["王", "李", ""];
const THEMES: [&str; 3] = ["zhaijidi", "huji_qianxi", "jiti_rushi"];

fn tag_set() -> impl Strategy<Value = Vec<(usize, usize, usize, String)>> {
    prop::collection::vec((0usize..30, 0usize..3, 0usize..3, "[a-z备注]{0,3}"), 0..25)
}

fn project_of(tags: &[(usize, usize, usize, String)], coder_of_file: usize) -> Project {
    let (_, doc, corpus) = seed_corpus();
    let plan = &corpus.plans[0];
    let mut p = Project::new(urban_rural());
    p.add_document(doc).unwrap();
    for (m, c, t, memo) in tags {
        let mut x = tag(
            plan,
            m % plan.measures().len(),
            THEMES[*t],
            CODERS[(c + coder_of_file) % 3],
        );
        x.memo = memo.clone();
        x.tagged_at = "2026-01-01T00:00:00Z".into();
        let id = p.add_tag(x);
        // add_tag gives the empty coder the session's (empty) one: same key.
        let _ = id;
    }
    p
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Merging keeps every tag of both sides (by coder, theme, plan and range; tags without a
    /// coder on their side are attributed to their file's name), and nothing else.
    #[test]
    fn merging_keeps_every_tag_of_both(a in tag_set(), b in tag_set()) {
        let ours = project_of(&a, 0);
        let theirs = project_of(&b, 1);
        let mut merged = ours.clone();
        merged.merge_from(&theirs, "同事");
        let got: BTreeSet<_> = merged.tags.iter().map(key).collect();
        let mut want: BTreeSet<_> = ours.tags.iter().map(key).collect();
        for t in &theirs.tags {
            let mut k = key(t);
            if k.0.is_empty() {
                k.0 = "同事".into();
            }
            want.insert(k);
        }
        prop_assert_eq!(&got, &want);
        prop_assert_eq!(merged.tags.len(), want.len());
        // Every memo of theirs survives on its tag.
        for t in &theirs.tags {
            let coder = if t.coder.is_empty() { "同事" } else { t.coder.as_str() };
            let m = merged.tags.iter().find(|x| x.coder == coder && x.theme_id == t.theme_id && x.byte_range == t.byte_range).unwrap();
            prop_assert!(m.memo.contains(&t.memo));
        }
        // Our tags are untouched apart from memos gaining theirs.
        for t in &ours.tags {
            prop_assert!(merged.tags.iter().any(|x| x.tag_id == t.tag_id && key(x) == key(t) && x.memo.starts_with(&t.memo)));
        }
    }
}

// ---------------------------------------------------------------- agreement: worked examples

/// Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
/// Communication, University of Pennsylvania, section C ("Nominal data, any number of
/// observers, missing data"): 4 observers, 12 units, 40 pairable values; α = 0.743.
#[test]
fn krippendorff_2011_nominal_example_with_missing_values_gives_0_743() {
    let n = None;
    let rows: [[Option<u32>; 12]; 4] = [
        [
            Some(1),
            Some(2),
            Some(3),
            Some(3),
            Some(2),
            Some(1),
            Some(4),
            Some(1),
            Some(2),
            n,
            n,
            n,
        ],
        [
            Some(1),
            Some(2),
            Some(3),
            Some(3),
            Some(2),
            Some(2),
            Some(4),
            Some(1),
            Some(2),
            Some(5),
            n,
            Some(3),
        ],
        [
            n,
            Some(3),
            Some(3),
            Some(3),
            Some(2),
            Some(3),
            Some(4),
            Some(2),
            Some(2),
            Some(5),
            Some(1),
            n,
        ],
        [
            Some(1),
            Some(2),
            Some(3),
            Some(3),
            Some(2),
            Some(4),
            Some(4),
            Some(1),
            Some(2),
            Some(5),
            Some(1),
            n,
        ],
    ];
    let units: Vec<Vec<Option<u32>>> = (0..12)
        .map(|u| rows.iter().map(|r| r[u]).collect())
        .collect();
    let alpha = krippendorff_alpha(&units).unwrap();
    assert!((alpha - 0.743).abs() < 0.0005, "{alpha}");
    // κ is for two coders only.
    assert_eq!(cohen_kappa(&units), None);
}

/// Krippendorff (2011), section A ("Binary data, two observers, no missing data"): α = 0.095.
/// Cohen's κ of the same data, by hand: p_o = 6/10; coder A says 1 twice, B four times, so
/// p_e = 0.2·0.4 + 0.8·0.6 = 0.56 and κ = (0.6 − 0.56) / (1 − 0.56) = 0.0909.
#[test]
fn krippendorff_2011_binary_two_observer_example_gives_0_095() {
    let a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
    let b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    let units: Vec<Vec<Option<u32>>> = a
        .iter()
        .zip(&b)
        .map(|(x, y)| vec![Some(*x), Some(*y)])
        .collect();
    assert!((krippendorff_alpha(&units).unwrap() - 0.095).abs() < 0.0005);
    assert!((cohen_kappa(&units).unwrap() - 0.04 / 0.44).abs() < 1e-12);
    assert!((percent_agreement(&units).unwrap() - 0.6).abs() < 1e-12);
}

/// Cohen's κ, the worked example of Wikipedia's "Cohen's kappa" article (section "Simple
/// example", 50 grant proposals read by two readers: 20 yes–yes, 5 yes–no, 10 no–yes, 15
/// no–no): p_o = 0.7, p_e = 0.5·0.6 + 0.5·0.4 = 0.5, κ = 0.4.
#[test]
fn cohen_kappa_of_the_grant_proposal_example_is_0_4() {
    let mut units = Vec::new();
    for (a, b, n) in [(1, 1, 20), (1, 0, 5), (0, 1, 10), (0, 0, 15)] {
        units.extend(std::iter::repeat_n(vec![Some(a), Some(b)], n));
    }
    assert!((cohen_kappa(&units).unwrap() - 0.4).abs() < 1e-12);
    assert!((percent_agreement(&units).unwrap() - 0.7).abs() < 1e-12);
}

#[test]
fn undefined_cases_are_none_not_nan() {
    // No items.
    assert_eq!(krippendorff_alpha(&[]), None);
    assert_eq!(cohen_kappa(&[]), None);
    assert_eq!(percent_agreement(&[]), None);
    // Units with one value only are not pairable.
    let lonely = vec![vec![Some(1), None], vec![None, Some(0)]];
    assert_eq!(krippendorff_alpha(&lonely), None);
    assert_eq!(percent_agreement(&lonely), None);
    // One category only: perfect but uninformative agreement; κ and α undefined.
    let same = vec![vec![Some(0), Some(0)]; 8];
    assert_eq!(cohen_kappa(&same), None);
    assert_eq!(krippendorff_alpha(&same), None);
    assert_eq!(percent_agreement(&same), Some(1.0));
}

// ---------------------------------------------------------------- agreement on a project

/// 王 tags measures 0, 1, 2 and 李 measures 1, 2, 3 of 市中区 with 宅基地; 张 codes only measure
/// 0 of 淄博 (another plan, so 张 has no values in 市中区).
fn agreement_fixture() -> (Corpus, Project) {
    let corpus = load_paths(&[common::seed("05_"), common::seed("02_")]);
    let mut p = Project::new(urban_rural());
    let sz = corpus
        .plans
        .iter()
        .find(|p| p.plan_id.starts_with("05_"))
        .unwrap();
    let zb = corpus
        .plans
        .iter()
        .find(|p| p.plan_id.starts_with("02_"))
        .unwrap();
    for k in [0, 1, 2] {
        p.add_tag(tag(sz, k, "zhaijidi", "王"));
    }
    for k in [1, 2, 3] {
        p.add_tag(tag(sz, k, "zhaijidi", "李"));
    }
    p.add_tag(tag(zb, 0, "huji_qianxi", "张"));
    (corpus, p)
}

#[test]
fn agreement_on_a_project_equals_the_hand_computation() {
    let (corpus, project) = agreement_fixture();
    let sz = corpus
        .plans
        .iter()
        .find(|p| p.plan_id.starts_with("05_"))
        .unwrap();
    let coded = agreement::from_project(&project, &corpus.plans);
    let r = agreement::agreement(&project.codebook, &corpus.plans, &coded);
    assert_eq!(r.coders, vec!["张", "李", "王"]);
    let theme = r
        .figures
        .iter()
        .find(|f| f.scope == "theme" && f.id == "zhaijidi")
        .unwrap();
    // Units: the N measures of 市中区 (淄博 has one coder only: not pairable).
    let n = sz.measures().len() as f64;
    assert_eq!(theme.units, sz.measures().len());
    assert_eq!(theme.disagreements, 2); // measures 0 and 3
    // Percent: N − 2 of N units agree.
    assert!((theme.percent.unwrap() - 100.0 * (n - 2.0) / n).abs() < 1e-9);
    // κ is for two coders; three coded here.
    assert_eq!(theme.kappa, None);
    // α: coincidences o_11 = 4 (measures 1, 2), o_01 = o_10 = 2 (measures 0, 3),
    // o_00 = 2(N − 4); n_1 = 6, n_0 = 2N − 6, n = 2N;
    // α = 1 − (n − 1)(o_01 + o_10) / (2 n_0 n_1).
    let alpha = 1.0 - (2.0 * n - 1.0) * 4.0 / (2.0 * (2.0 * n - 6.0) * 6.0);
    assert!(
        (theme.alpha.unwrap() - alpha).abs() < 1e-9,
        "{:?} vs {alpha}",
        theme.alpha
    );
    // The same data between 王 and 李 alone gives κ: p_o = (N − 2)/N, each says 1 three times,
    // p_e = (3/N)² + ((N − 3)/N)².
    let two: Vec<_> = coded.iter().filter(|c| c.coder != "张").cloned().collect();
    let r2 = agreement::agreement(&project.codebook, &corpus.plans, &two);
    let t2 = r2
        .figures
        .iter()
        .find(|f| f.scope == "theme" && f.id == "zhaijidi")
        .unwrap();
    let (p_o, p_e) = ((n - 2.0) / n, (3.0 / n).powi(2) + ((n - 3.0) / n).powi(2));
    assert!((t2.kappa.unwrap() - (p_o - p_e) / (1.0 - p_e)).abs() < 1e-9);
    // A theme nobody used: agreement 100 %, κ and α undefined (one category only).
    let unused = r2
        .figures
        .iter()
        .find(|f| f.scope == "theme" && f.id == "huji_qianxi")
        .unwrap();
    assert_eq!(unused.percent, Some(100.0));
    assert_eq!((unused.kappa, unused.alpha), (None, None));
    // The disagreements name the measures and who said what.
    let ds: Vec<_> = r
        .disagreements
        .iter()
        .map(|d| {
            (
                d.measure_index,
                d.with_theme.clone(),
                d.without_theme.clone(),
            )
        })
        .collect();
    assert_eq!(
        ds,
        vec![
            (0, vec!["王".to_owned()], vec!["李".to_owned()]),
            (3, vec!["李".to_owned()], vec!["王".to_owned()]),
        ]
    );
    // Per plan: 淄博 has no pairable unit.
    let zb = r
        .figures
        .iter()
        .find(|f| f.scope == "plan" && f.id.starts_with("02_"))
        .unwrap();
    assert_eq!((zb.units, zb.percent, zb.alpha), (0, None, None));
}

#[test]
fn cli_agreement_merges_projects_and_prints_json() {
    let (_dir, p_w, p_l, _) = two_coders();
    let (ok, stdout, stderr) = common::duizhao(&[
        "agreement",
        "--project",
        p_w.to_str().unwrap(),
        "--project",
        p_l.to_str().unwrap(),
        "--json",
    ]);
    assert!(ok, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["coders"], serde_json::json!(["李", "王"]));
    let theme = v["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["scope"] == "theme" && f["id"] == "zhaijidi")
        .unwrap();
    // 王: 0, 1, 2; 李: 1, 2, 3 → two disagreements.
    assert_eq!(theme["disagreements"], 2);
    assert!(theme["kappa"].as_f64().unwrap() > 0.0);
    // The project files are not written.
    assert!(
        Project::load(&p_w)
            .unwrap()
            .tags
            .iter()
            .all(|t| t.coder == "王" || t.theme_id == "huji_qianxi")
    );
    let (ok, text, _) = common::duizhao(&[
        "agreement",
        "--project",
        p_w.to_str().unwrap(),
        "--project",
        p_l.to_str().unwrap(),
    ]);
    assert!(
        ok && text.contains("kappa") && text.contains("alpha"),
        "{text}"
    );
}

// ---------------------------------------------------------------- undo / redo

fn ron(p: &Project) -> String {
    p.to_ron_string(None).unwrap()
}

/// Apply `edit` through a history; undo must give back the exact project, redo the changed one.
fn check_undo(project: &mut Project, edit: Edit, corpus: &Corpus) {
    let mut history = History::new(project);
    let before = ron(project);
    history.apply(project, edit.clone(), Some(corpus)).unwrap();
    let after = ron(project);
    assert_ne!(before, after, "{edit:?} changed nothing");
    assert!(history.undo(project).is_some());
    assert_eq!(ron(project), before, "undo of {edit:?}");
    assert!(history.redo(project).is_some());
    assert_eq!(ron(project), after, "redo of {edit:?}");
    assert!(history.undo(project).is_some());
    assert_eq!(ron(project), before);
    assert!(history.undo(project).is_none());
    // Leave the project changed for the next action.
    history.redo(project);
}

#[test]
fn undo_restores_the_exact_project_for_every_coding_action() {
    let corpus = load_paths(&[common::seed("05_"), common::seed("02_")]);
    let book = urban_rural();
    let proposals = CodingIndex::new(&corpus.plans).propose(&book);
    let plan = &corpus.plans[0];
    let mut p = Project::new(book);
    p.coder = "王".into();
    check_undo(&mut p, Edit::Tag(tag(plan, 0, "zhaijidi", "")), &corpus);
    check_undo(&mut p, Edit::Tag(tag(plan, 4, "huji_qianxi", "")), &corpus);
    let id = p.tags[0].tag_id;
    check_undo(
        &mut p,
        Edit::Memo {
            tag_id: id,
            memo: "备注\n两行".into(),
        },
        &corpus,
    );
    check_undo(&mut p, Edit::Untag(id), &corpus);
    let m = p.tags[0].measure_id.clone().unwrap();
    check_undo(
        &mut p,
        Edit::UntagMeasure {
            theme_id: "huji_qianxi".into(),
            measure_id: m,
        },
        &corpus,
    );
    // The two themes with the most proposals.
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for x in &proposals {
        *counts.entry(x.theme_id.as_str()).or_default() += 1;
    }
    let mut by_count: Vec<(&str, usize)> = counts.into_iter().collect();
    by_count.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    assert!(by_count.len() >= 2 && by_count[1].1 >= 3, "{by_count:?}");
    let theme = by_count[0].0.to_owned();
    let open = p.open_proposals(&proposals);
    let one = open.iter().find(|x| x.theme_id == theme).unwrap().clone();
    check_undo(&mut p, Edit::Accept(one), &corpus);
    let other = open
        .iter()
        .find(|x| x.theme_id == by_count[1].0)
        .unwrap()
        .clone();
    check_undo(&mut p, Edit::Reject(other.clone()), &corpus);
    check_undo(
        &mut p,
        Edit::AcceptAll {
            theme_id: theme.clone(),
            proposals: proposals.clone(),
        },
        &corpus,
    );
    check_undo(
        &mut p,
        Edit::RejectAll {
            theme_id: other.theme_id.clone(),
            proposals: proposals.clone(),
        },
        &corpus,
    );
    let mut renamed = p.codebook.themes[1].clone();
    renamed.name = "新名字".into();
    check_undo(&mut p, Edit::PutTheme(renamed), &corpus);
    check_undo(
        &mut p,
        Edit::PutTheme(Theme {
            theme_id: "new".into(),
            name: "新主题".into(),
            ..Theme::default()
        }),
        &corpus,
    );
    // Deleting a theme with tags and children: all of it comes back.
    assert!(p.tags.iter().any(|t| t.theme_id == theme));
    check_undo(&mut p, Edit::DeleteTheme(theme), &corpus);
}

#[test]
fn changes_made_in_place_are_recorded_typing_merges_and_history_survives_a_save() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, corpus) = seed_as(dir.path(), "市中区.txt");
    let plan = &corpus.plans[0];
    let mut p = Project::new(urban_rural());
    p.add_document(&doc).unwrap();
    let mut h = History::new(&p);
    let start = ron(&p);
    let id = p.add_tag(tag(plan, 0, "zhaijidi", "王"));
    assert!(h.record(&p));
    let tagged = ron(&p);
    // Typing a memo letter by letter is one step.
    for memo in ["宅", "宅基", "宅基地"] {
        p.set_memo(id, memo);
        h.record(&p);
    }
    assert_eq!(h.undo_len(), 2);
    // Saved in between: the history still undoes.
    let path = dir.path().join("p.duizhao.ron");
    p.save(&path).unwrap();
    assert!(h.undo(&mut p).is_some());
    assert_eq!(ron(&p), tagged);
    assert!(h.undo(&mut p).is_some());
    assert_eq!(ron(&p), start);
    // A new change after undo drops the redo stack.
    p.codebook.themes[0].name = "x".into();
    h.record(&p);
    assert!(h.redo(&mut p).is_none());
    assert!(h.redo_kind().is_none());
}

// ---------------------------------------------------------------- exports for statistics

fn engine() -> &'static (Corpus, Analysis, Project) {
    static E: OnceLock<(Corpus, Analysis, Project)> = OnceLock::new();
    E.get_or_init(|| {
        let (corpus, mut project) = agreement_fixture();
        let id = project.tags[0].tag_id;
        project.set_memo(id, "=HYPERLINK(\"x\") 备注, with \"quotes\"");
        let id = project.tags[4].tag_id;
        project.set_memo(id, "李的备注");
        let analysis = Analysis::default();
        (corpus, analysis, project)
    })
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    r.records()
        .map(|x| {
            x.unwrap()
                .iter()
                .map(|s| s.trim_start_matches('\u{feff}').to_owned())
                .collect()
        })
        .collect()
}

fn xlsx_rows(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => format!("{i}"),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The rows of `table` from a CSV and from an XLSX written by the exporter, checked equal.
fn written(kind: TableKind, source: &Source) -> Vec<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("t.csv");
    export::export(&[kind], Format::Csv, source, &csv_path, false).unwrap();
    let xlsx_path = dir.path().join("t.xlsx");
    export::export(&[kind], Format::Xlsx, source, &xlsx_path, false).unwrap();
    let from_csv = csv_rows(&csv_path);
    let from_xlsx = xlsx_rows(&xlsx_path, kind.name());
    // The XLSX sheet may carry a title row above the header: compare from the header on.
    let header = from_xlsx
        .iter()
        .position(|r| r == &from_csv[0])
        .unwrap_or_else(|| panic!("{:?}\n{:?}", from_xlsx.first(), from_csv[0]));
    let xs: Vec<Vec<String>> = from_xlsx[header..].to_vec();
    assert_eq!(xs.len(), from_csv.len(), "{kind:?}");
    for (a, b) in xs.iter().zip(&from_csv) {
        // Text that looks like a formula is neutralised in both; compare without the guard.
        let strip = |s: &String| s.trim_start_matches('\'').to_owned();
        assert_eq!(
            a.iter().map(strip).collect::<Vec<_>>(),
            b.iter().map(strip).collect::<Vec<_>>(),
            "{kind:?}"
        );
    }
    from_csv
}

#[test]
fn theme_by_plan_exports_equal_the_engines_matrix_with_attributes_and_split_paths() {
    let (corpus, analysis, project) = engine();
    let coding = Coding::from_project(project, corpus);
    let plans: Vec<usize> = (0..corpus.plans.len()).collect();
    let source = Source {
        corpus,
        analysis,
        plans: &plans,
        coding: Some(&coding),
    };
    let matrix = Matrix::build(&project.codebook, &corpus.plans, &project.segments());
    let paths = coding.theme_paths();
    for (kind, presence) in [
        (TableKind::ThemeCounts, false),
        (TableKind::ThemePresence, true),
    ] {
        let rows = written(kind, &source);
        assert_eq!(
            &rows[0][..6],
            ["plan", "plan_id", "province", "level", "date", "file"]
        );
        assert_eq!(rows.len(), corpus.plans.len() + 1);
        for (pi, plan) in corpus.plans.iter().enumerate() {
            let row = &rows[pi + 1];
            assert_eq!(row[0], plan.name);
            assert_eq!(row[1], plan.plan_id);
            assert_eq!(row[2], plan.province.clone().unwrap_or_default());
            assert_eq!(row[5], plan.source);
            for (ti, theme_id) in matrix.themes.iter().enumerate() {
                assert_eq!(rows[0][6 + ti], paths[theme_id]);
                let n = matrix.counts[ti][pi];
                let want = if presence { usize::from(n > 0) } else { n };
                assert_eq!(
                    row[6 + ti],
                    want.to_string(),
                    "{kind:?} {theme_id} {}",
                    plan.name
                );
            }
        }
    }
    // Long form: one row per plan × theme, the path split into theme_1, theme_2.
    let rows = written(TableKind::ThemePlan, &source);
    assert_eq!(rows.len(), 1 + corpus.plans.len() * matrix.themes.len());
    let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    let (t1, t2, count, present) = (col("theme_1"), col("theme_2"), col("count"), col("present"));
    let mut total = 0;
    for row in &rows[1..] {
        let ti = matrix
            .themes
            .iter()
            .position(|t| *t == row[col("theme_id")])
            .unwrap();
        let pi = corpus
            .plans
            .iter()
            .position(|p| p.plan_id == row[1])
            .unwrap();
        assert_eq!(row[count], matrix.counts[ti][pi].to_string());
        assert_eq!(
            row[present],
            usize::from(matrix.counts[ti][pi] > 0).to_string()
        );
        let path = &paths[&row[col("theme_id")]];
        let joined = if row[t2].is_empty() {
            row[t1].clone()
        } else {
            format!("{} > {}", row[t1], row[t2])
        };
        assert!(path.starts_with(&joined), "{path} vs {joined}");
        total += row[count].parse::<usize>().unwrap();
    }
    assert!(total > 0);
}

#[test]
fn segment_and_memo_exports_carry_attributes_coder_and_theme_path() {
    let (corpus, analysis, project) = engine();
    let coding = Coding::from_project(project, corpus);
    let plans: Vec<usize> = (0..corpus.plans.len()).collect();
    let source = Source {
        corpus,
        analysis,
        plans: &plans,
        coding: Some(&coding),
    };
    let rows = written(TableKind::Segments, &source);
    let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    assert_eq!(rows.len(), project.tags.len() + 1);
    let mut got: Vec<(String, String, String, String)> = rows[1..]
        .iter()
        .map(|r| {
            (
                r[col("coder")].clone(),
                r[col("theme_id")].clone(),
                r[col("plan_id")].clone(),
                r[col("measure_id")].clone(),
            )
        })
        .collect();
    let mut want: Vec<(String, String, String, String)> = project
        .tags
        .iter()
        .map(|t| {
            (
                t.coder.clone(),
                t.theme_id.clone(),
                t.plan_id.clone(),
                t.measure_id.clone().unwrap(),
            )
        })
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    for r in &rows[1..] {
        assert!(!r[col("theme_1")].is_empty());
        assert!(!r[col("file")].is_empty());
    }
    // Memos on their own: the two memos, with plan, measure, theme and coder.
    let memos = written(TableKind::Memos, &source);
    assert_eq!(
        memos[0],
        [
            "plan",
            "plan_id",
            "measure_id",
            "section",
            "theme_id",
            "theme",
            "coder",
            "memo",
            "text"
        ]
    );
    assert_eq!(memos.len(), 3);
    let with_memo: Vec<&Tag> = project.tags.iter().filter(|t| !t.memo.is_empty()).collect();
    for t in with_memo {
        let r = memos[1..]
            .iter()
            .find(|r| r[6] == t.coder && r[2] == *t.measure_id.as_ref().unwrap())
            .unwrap();
        assert_eq!(r[7].trim_start_matches('\''), t.memo);
        assert_eq!(r[8], t.quote);
    }
    // Agreement as a table: the theme row equals the engine's figures.
    let table = written(TableKind::Agreement, &source);
    let coded = agreement::from_project(project, &corpus.plans);
    let r = agreement::agreement(&project.codebook, &corpus.plans, &coded);
    let f = r
        .figures
        .iter()
        .find(|f| f.scope == "theme" && f.id == "zhaijidi")
        .unwrap();
    let row = table
        .iter()
        .find(|row| row[0] == "theme" && row[1] == "zhaijidi")
        .unwrap();
    assert_eq!(row[4], f.units.to_string());
    assert!((row[8].parse::<f64>().unwrap() - f.alpha.unwrap()).abs() < 1e-9);
    assert_eq!(
        row[7], "",
        "κ with three coders is undefined: an empty cell"
    );
}
