//! Projects on the real seeds: a saved project loads back equal; tags survive their documents
//! being edited (found again by their quote, or flagged orphaned, never dropped); damaged, newer
//! and foreign files are clear errors that leave the file alone; and a save killed at any moment
//! leaves a complete project.
#![allow(clippy::unwrap_used)] // tests fail loudly by design

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use duizhao::align::Pin;
use duizhao::corpus::{Corpus, load_paths};
use duizhao::plan::Plan;
use duizhao::project::{
    Project, ProjectError, SCHEMA_VERSION, SavedPin, Tag, TagOrigin, discard_recovery,
    find_recovery, recovery_path,
};
use duizhao::themes::{Codebook, CodingIndex};

fn urban_rural() -> Codebook {
    Codebook::load_or_bundled("urban_rural_integration").unwrap()
}

/// A copy of a seed in a fresh folder, with the corpus loaded from it.
fn copied_seed(prefix: &str) -> (tempfile::TempDir, PathBuf, Corpus) {
    let dir = tempfile::tempdir().unwrap();
    let src = common::seed(prefix);
    let dst = dir.path().join(src.file_name().unwrap());
    std::fs::copy(&src, &dst).unwrap();
    let corpus = load_paths(std::slice::from_ref(&dst));
    assert!(corpus.errors.is_empty(), "{:?}", corpus.errors);
    (dir, dst, corpus)
}

fn measure_with<'a>(plan: &'a Plan, word: &str, nth: usize) -> &'a duizhao::measure::Measure {
    plan.measures()
        .into_iter()
        .filter(|m| m.norm.contains(word))
        .nth(nth)
        .unwrap()
}

#[test]
fn a_project_with_tags_memos_pins_and_view_loads_back_equal() {
    let (dir, doc, corpus) = copied_seed("05_");
    let plan = &corpus.plans[0];
    let mut project = Project::new(urban_rural());
    project.add_document(&doc).unwrap();
    let m = measure_with(plan, "宅基地", 0);
    let t1 = project.add_tag(Tag::for_measure(plan, m, "zhaijidi").unwrap());
    let span_start = plan.original_text().find("城乡融合").unwrap();
    let t2 = project.add_tag(
        Tag::for_span(plan, span_start..span_start + "城乡融合".len(), "shiyanqu").unwrap(),
    );
    assert!(project.set_memo(t1, "市中区：宅基地“三权分置”，引号\"与\\反斜杠"));
    assert!(project.set_memo(t2, "多行\n备注"));
    project.pins.push(
        SavedPin::from_pin(
            &Pin {
                plan_a: 0,
                section_a: 3,
                plan_b: 1,
                section_b: 7,
            },
            &[plan.plan_id.clone(), "02_zibo#1".into()],
        )
        .unwrap(),
    );
    project.view.compared_plans = vec![plan.plan_id.clone(), "02_zibo#1".into()];
    project.view.selected_plan = Some(plan.plan_id.clone());
    project.view.selected_theme = Some("zhaijidi".into());
    project.view.selected_tag = Some(t1);
    let path = dir.path().join("市中区.duizhao.ron");
    project.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains(&format!("schema_version: {SCHEMA_VERSION}")),
        "{text}"
    );
    // Documents next to the project are stored relative to it, so the folder can move.
    assert!(!text.contains(&dir.path().display().to_string()), "{text}");
    let loaded = Project::load(&path).unwrap();
    assert_eq!(loaded, project);
    assert_eq!(loaded.tags[0].origin, TagOrigin::Manual);
    let pin = loaded.pins[0].to_pin(&loaded.view.compared_plans).unwrap();
    assert_eq!((pin.section_a, pin.section_b), (3, 7));
}

#[test]
fn tags_give_code_point_ranges_for_exporters_in_traditional_text_too() {
    let (_dir, _doc, corpus) = copied_seed("02_");
    let plan = &corpus.plans[0];
    let m = measure_with(plan, "宅基地", 0);
    let tag = Tag::for_measure(plan, m, "zhaijidi").unwrap();
    assert_eq!(tag.measure_id.as_deref(), Some(m.measure_id.as_str()));
    let chars = tag.char_range(plan).unwrap();
    let quote: String = plan
        .original_text()
        .chars()
        .skip(chars.start)
        .take(chars.len())
        .collect();
    assert_eq!(quote, tag.quote);
    assert!(chars.start < tag.byte_range.start, "multi-byte text");
    // A range inside a character is refused.
    let bad = tag.byte_range.start + 1..tag.byte_range.end;
    assert!(Tag::for_span(plan, bad, "zhaijidi").is_err());
}

#[test]
fn tags_follow_their_text_when_the_document_is_edited_and_are_never_dropped() {
    let (dir, doc, corpus) = copied_seed("05_");
    let plan = &corpus.plans[0];
    let mut project = Project::new(urban_rural());
    project.add_document(&doc).unwrap();
    let moved_m = measure_with(plan, "宅基地", 1);
    let gone_m = measure_with(plan, "宅基地", 0);
    let moved = project.add_tag(Tag::for_measure(plan, moved_m, "zhaijidi").unwrap());
    let gone = project.add_tag(Tag::for_measure(plan, gone_m, "zhaijidi").unwrap());
    project.set_memo(gone, "this passage will be deleted");
    let quote = project.tags[0].quote.clone();
    let gone_quote = project.tags[1].quote.clone();
    assert_ne!(quote, gone_quote);

    // Edit the file: a new sentence at the start of the line holding the first tag, and the
    // second tag's passage deleted.
    let original = std::fs::read_to_string(&doc).unwrap();
    let at = original.find(&quote).unwrap();
    let line_start = original[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut edited = original.clone();
    edited.insert_str(line_start, "新增加的一段说明文字，用于检验标注能否找回。\n");
    let edited = edited.replacen(&gone_quote, "", 1);
    std::fs::write(&doc, &edited).unwrap();

    let corpus = load_paths(std::slice::from_ref(&doc));
    let report = project.reanchor(&corpus);
    assert_eq!(report.changed_documents, vec![doc.clone()]);
    assert!(report.missing_documents.is_empty());
    assert_eq!(report.orphaned, vec![gone]);
    assert_eq!(report.moved.len(), 1);
    assert_eq!(report.moved[0].tag_id, moved);
    // Deleting the earlier passage and inserting a line moved it by the difference.
    let expected = edited.find(&quote).unwrap() - corpus.plans[0].span.start;
    assert_eq!(report.moved[0].new.start, expected);
    assert_ne!(report.moved[0].old.start, expected);
    // Both tags are still there; the moved one points at its text again.
    assert_eq!(project.tags.len(), 2);
    let plan = &corpus.plans[0];
    let t = &project.tags[0];
    assert_eq!(
        plan.original_text().get(t.byte_range.clone()),
        Some(quote.as_str())
    );
    assert!(!t.orphaned);
    assert!(t.measure_id.is_some());
    assert!(project.tags[1].orphaned);
    assert_eq!(project.tags[1].memo, "this passage will be deleted");
    // The orphan flag is saved, and an orphan does not count in the matrix.
    let path = dir.path().join("p.duizhao.ron");
    project.save(&path).unwrap();
    assert!(Project::load(&path).unwrap().tags[1].orphaned);
    assert_eq!(project.segments().len(), 1);

    // The document deleted: every tag orphaned, none dropped, the document reported missing.
    std::fs::remove_file(&doc).unwrap();
    let report = project.reanchor(&Corpus::default());
    assert_eq!(report.missing_documents, vec![doc.clone()]);
    assert_eq!(report.orphaned.len(), 2);
    assert_eq!(project.tags.len(), 2);
}

#[test]
fn a_tag_in_traditional_text_is_found_again_when_the_pinyin_notes_are_cleaned_out() {
    let (_dir, doc, corpus) = copied_seed("02_");
    let plan = &corpus.plans[0];
    let mut project = Project::new(urban_rural());
    project.add_document(&doc).unwrap();
    // A measure whose original text carries pinyin notes such as `區(qū)`.
    let m = plan
        .measures()
        .into_iter()
        .find(|m| {
            let q =
                &plan.original_text()[m.span.start - plan.span.start..m.span.end - plan.span.start];
            q.contains("(q") && m.norm.contains("宅基地")
        })
        .or_else(|| {
            plan.measures()
                .into_iter()
                .find(|m| m.norm.contains("宅基地"))
        })
        .unwrap();
    let id = project.add_tag(Tag::for_measure(plan, m, "zhaijidi").unwrap());
    let quote = project.tags[0].quote.clone();
    // Someone converts the file to simplified characters.
    let text = std::fs::read_to_string(&doc).unwrap();
    let simplified = duizhao::normalize::to_simplified(&text);
    assert!(
        !simplified.contains(&quote),
        "the edit must change the tagged text"
    );
    std::fs::write(&doc, simplified).unwrap();
    let corpus = load_paths(std::slice::from_ref(&doc));
    let report = project.reanchor(&corpus);
    assert!(report.orphaned.is_empty(), "{report:?}");
    assert_eq!(report.ok + report.moved.len(), 1);
    let t = project.tags.iter().find(|t| t.tag_id == id).unwrap();
    assert_eq!(
        duizhao::normalize::normalize_str(&t.quote),
        duizhao::normalize::normalize_str(&quote)
    );
}

#[test]
fn accepting_and_rejecting_proposals_makes_rule_tags_and_remembers_no() {
    let corpus = load_paths(&[common::seed_dir()]);
    let book = urban_rural();
    let proposals = CodingIndex::new(&corpus.plans).propose(&book);
    let mut project = Project::new(book);
    let zhaijidi = proposals
        .iter()
        .filter(|p| p.theme_id == "zhaijidi")
        .count();
    assert!(zhaijidi > 20);
    assert_eq!(
        project.accept_all("zhaijidi", &proposals, &corpus),
        zhaijidi
    );
    assert!(project.tags.iter().all(|t| t.origin == TagOrigin::Rule));
    // Accepting again adds nothing; accepted ones are no longer open.
    assert_eq!(project.accept_all("zhaijidi", &proposals, &corpus), 0);
    let open = project.open_proposals(&proposals);
    assert!(open.iter().all(|p| p.theme_id != "zhaijidi"));
    let other = open[0].clone();
    project.reject(&other);
    assert!(!project.open_proposals(&proposals).contains(&other));
    assert_eq!(project.open_proposals(&proposals).len(), open.len() - 1);
    // A duplicate tag is not added; removal works; ids are not reused while others exist.
    let first = project.tags[0].clone();
    assert_eq!(project.add_tag(first.clone()), first.tag_id);
    assert_eq!(project.tags.len(), zhaijidi);
    assert!(project.remove_tag(first.tag_id).is_some());
    assert!(project.remove_tag(first.tag_id).is_none());
    assert!(!project.set_memo(first.tag_id, "x"));
}

/// Write `text` as a project file, load it, and check the error and that the bytes are unchanged.
fn load_error(name: &str, bytes: &[u8]) -> ProjectError {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let e = Project::load(&path).unwrap_err();
    assert!(e.to_string().contains(name), "{e}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the file was modified"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    e
}

#[test]
fn damaged_newer_and_foreign_files_are_clear_errors_and_stay_untouched() {
    // A project cut off half way (a copy interrupted, a disk filled).
    let mut project = Project::new(urban_rural());
    project.view.selected_plan = Some("x".into());
    let full = project.to_ron_string(None).unwrap();
    let e = load_error("cut.duizhao.ron", &full.as_bytes()[..full.len() / 2]);
    assert!(
        matches!(e, ProjectError::Corrupt { line, .. } if line > 1),
        "{e}"
    );
    assert!(e.to_string().contains("damaged"), "{e}");
    let e = load_error("empty.duizhao.ron", b"");
    assert!(matches!(e, ProjectError::Corrupt { .. }), "{e}");

    // Written by a newer duizhao, with fields this one does not know.
    let newer = "Project(schema_version: 3, documents: [], hologram: (depth: 7), tags: [])";
    let e = load_error("new.duizhao.ron", newer.as_bytes());
    assert!(
        e.to_string()
            .contains("written by a newer duizhao (schema 3, this one reads up to 2)"),
        "{e}"
    );

    // Not projects at all.
    let codebook = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/codebooks/policy_instruments.ron"),
    )
    .unwrap();
    let e = load_error("codebook.ron", &codebook);
    assert!(matches!(e, ProjectError::NotAProject { .. }), "{e}");
    let e = load_error("plan.duizhao.ron", common::seed_text("05_").as_bytes());
    assert!(matches!(e, ProjectError::NotAProject { .. }), "{e}");
    let e = load_error(
        "image.duizhao.ron",
        &[0x89, b'P', b'N', b'G', 0xff, 0xfe, 0, 1],
    );
    assert!(matches!(e, ProjectError::NotAProject { .. }), "{e}");

    let e = Project::load(Path::new("/no/such/dir/gone.duizhao.ron")).unwrap_err();
    assert!(matches!(e, ProjectError::NotFound { .. }));
    assert!(e.to_string().contains("gone.duizhao.ron"));
}

#[test]
fn a_schema_0_project_without_view_or_pins_is_migrated_on_load() {
    let v0 = r#"// an early duizhao project
Project(
    schema_version: 0,
    documents: [DocumentRef(path: "docs/plan.txt", sha256: "00ff", size: 12)],
    codebook: Codebook(name: "old", themes: [Theme(theme_id: "a", name: "甲", color: (10, 20, 30))]),
    tags: [Tag(tag_id: 4, theme_id: "a", plan_id: "plan#1", byte_range: (start: 0, end: 6), quote: "城乡", memo: "旧")],
)"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.duizhao.ron");
    std::fs::write(&path, v0).unwrap();
    let p = Project::load(&path).unwrap();
    assert_eq!(p.schema_version, SCHEMA_VERSION);
    assert_eq!(p.tags.len(), 1);
    assert_eq!(p.tags[0].memo, "旧");
    assert_eq!(p.codebook.themes[0].color, [10, 20, 30]);
    assert_eq!(p.documents[0].path, dir.path().join("docs/plan.txt"));
    assert!(p.pins.is_empty() && p.view.compared_plans.is_empty());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), v0);
}

#[test]
fn a_recovery_copy_is_offered_only_while_newer_than_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.duizhao.ron");
    let mut project = Project::new(urban_rural());
    project.save(&path).unwrap();
    assert_eq!(find_recovery(Some(&path)), None);
    project.view.selected_theme = Some("zhaijidi".into());
    let rec = project.save_recovery(Some(&path)).unwrap();
    assert_eq!(rec, recovery_path(Some(&path)));
    // Make the project clearly older than the recovery copy.
    let old = std::time::SystemTime::now() - Duration::from_secs(60);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(old)
        .unwrap();
    assert_eq!(find_recovery(Some(&path)), Some(rec.clone()));
    assert_eq!(Project::load(&rec).unwrap(), project);
    discard_recovery(Some(&path)).unwrap();
    assert_eq!(find_recovery(Some(&path)), None);
    discard_recovery(Some(&path)).unwrap();
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn a_save_killed_at_any_moment_leaves_a_complete_project_and_no_pile_of_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.duizhao.ron");
    let tags = 3000;
    let versions = [
        duizhao::cli::code::save_loop_version(tags, "A"),
        duizhao::cli::code::save_loop_version(tags, "B"),
    ];
    // A cheap deterministic spread of kill moments from 0 to ~250 ms after saving began (a save
    // of this 1.4 MB project takes tens of milliseconds, longer on a loaded machine).
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut seen = [false, false];
    for round in 0..30 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_duizhao"))
            .args(["debug-save-loop", "--project"])
            .arg(&path)
            .args(["--tags", &tags.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(
            line.trim(),
            "saved",
            "round {round}: the saver did not start"
        );
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_micros(seed % 250_000));
        child.kill().unwrap();
        child.wait().unwrap();
        let loaded = Project::load(&path)
            .unwrap_or_else(|e| panic!("round {round}: the project does not load: {e}"));
        let k = versions.iter().position(|v| *v == loaded);
        assert!(
            k.is_some(),
            "round {round}: the project is neither complete version"
        );
        seen[k.unwrap()] = true;
        let temps = temp_files(dir.path());
        assert!(
            temps.len() <= 1,
            "round {round}: temp files pile up: {temps:?}"
        );
    }
    assert!(
        seen[0] && seen[1],
        "kills never landed between the two versions"
    );
}

#[test]
fn a_tag_follows_its_pilot_when_an_earlier_pilot_is_removed_from_the_compilation() {
    let (_dir, doc, corpus) = copied_seed("04_");
    assert_eq!(corpus.plans.len(), 59);
    let (second, third) = (&corpus.plans[1], &corpus.plans[2]);
    let mut project = Project::new(urban_rural());
    project.add_document(&doc).unwrap();
    let m = third
        .measures()
        .into_iter()
        .find(|m| m.text.chars().count() > 30)
        .unwrap();
    let id = project.add_tag(Tag::for_measure(third, m, "duoyuan_tourongzi").unwrap());
    let quote = project.tags[0].quote.clone();
    // Remove the second pilot's text: the third becomes `#2`.
    let text = std::fs::read_to_string(&doc).unwrap();
    let edited = format!("{}{}", &text[..second.span.start], &text[second.span.end..]);
    std::fs::write(&doc, edited).unwrap();
    let corpus = load_paths(std::slice::from_ref(&doc));
    let report = project.reanchor(&corpus);
    assert!(report.orphaned.is_empty(), "{report:?}");
    let t = project.tags.iter().find(|t| t.tag_id == id).unwrap();
    let plan = corpus
        .plans
        .iter()
        .find(|p| p.plan_id == t.plan_id)
        .unwrap();
    assert_eq!(plan.name, third.name);
    assert_eq!(
        plan.original_text().get(t.byte_range.clone()),
        Some(quote.as_str())
    );
    assert_eq!(report.moved.len(), 1);
    assert_eq!(
        report.moved[0].old_plan_id.as_deref(),
        Some(third.plan_id.as_str())
    );
}

#[test]
fn code_on_a_project_counts_its_tags_and_open_proposals_and_leaves_the_file_alone() {
    let (dir, doc, corpus) = copied_seed("05_");
    let plan = &corpus.plans[0];
    let book = urban_rural();
    let proposals = CodingIndex::new(&corpus.plans).propose(&book);
    let mut project = Project::new(book);
    project.add_document(&doc).unwrap();
    // One manual passage tag on a theme, one rejected 宅基地 proposal.
    let start = plan.original_text().find("宅基地").unwrap();
    project.add_tag(Tag::for_span(plan, start..start + "宅基地".len(), "chengzhongcun").unwrap());
    let zhaijidi: Vec<_> = proposals
        .iter()
        .filter(|p| p.theme_id == "zhaijidi")
        .collect();
    project.reject(zhaijidi[0]);
    let path = dir.path().join("code.duizhao.ron");
    project.save(&path).unwrap();
    let before = std::fs::read(&path).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_duizhao"))
        .args(["code", "--json", "--project"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["plans"], serde_json::json!([plan.name]));
    let row = |id: &str| {
        let k = v["theme_ids"]
            .as_array()
            .unwrap()
            .iter()
            .position(|t| t == id)
            .unwrap();
        v["counts"][k][0].as_u64().unwrap() as usize
    };
    assert_eq!(row("zhaijidi"), zhaijidi.len() - 1);
    let chengzhongcun = proposals
        .iter()
        .filter(|p| p.theme_id == "chengzhongcun")
        .count();
    assert_eq!(row("chengzhongcun"), chengzhongcun + 1);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}
