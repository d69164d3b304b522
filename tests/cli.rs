//! The CLI as a user runs it: the real binary, default seeds, JSON shapes and error messages.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::process::Command;

use serde_json::Value;

fn duizhao(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_duizhao"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn plans_json_lists_every_seed_plan_with_its_fields() {
    let (ok, out, err) = duizhao(&["plans", "--json"]);
    assert!(ok, "{err}");
    let plans: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(plans.len(), 63);
    for key in [
        "id",
        "name",
        "province",
        "level",
        "source",
        "title",
        "doc_number",
        "date",
        "sections",
        "measures",
    ] {
        assert!(plans.iter().all(|p| p.get(key).is_some()), "missing {key}");
    }
    let zibo = plans.iter().find(|p| p["name"] == "淄博市").unwrap();
    assert_eq!(zibo["doc_number"], "淄政字〔2020〕95号");
    assert_eq!(zibo["date"], "2020-12-06");
    assert!(zibo["sections"].as_u64().unwrap() >= 40);
    let pilots = plans
        .iter()
        .filter(|p| p["source"].as_str().unwrap().starts_with("04_"))
        .count();
    assert_eq!(pilots, 59);
}

#[test]
fn outline_json_matches_the_documented_shape() {
    let (ok, out, err) = duizhao(&["outline", "--plan", "西咸新区", "--json"]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["plan"], "西咸新区");
    assert!(
        v["preamble"]["text"]
            .as_str()
            .unwrap()
            .starts_with("为深入贯彻落实")
    );
    assert_eq!(v["preamble"]["measures"], 1);
    let sections = v["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 5);
    assert_eq!(sections[2]["number"], "三");
    assert_eq!(sections[2]["title"], "主要目标");
    assert_eq!(sections[2]["kind"], "目标");
    assert_eq!(sections[3]["children"].as_array().unwrap().len(), 8);
}

#[test]
fn outline_by_id_and_explicit_path() {
    let (ok, out, _) = duizhao(&[
        "plans",
        "seeds/04_second_batch_new_urbanization_pilots_compilation.txt",
        "--json",
    ]);
    assert!(ok);
    let plans: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(plans.len(), 59);
    let id = plans[17]["id"].as_str().unwrap();
    let (ok, out, err) = duizhao(&["outline", "seeds", "--plan", id]);
    assert!(ok, "{err}");
    assert!(out.starts_with("上海市浦东新区（临港地区）"), "{out}");
}

#[test]
fn unknown_plan_lists_close_names() {
    let (ok, _, err) = duizhao(&["outline", "--plan", "浦东新区"]);
    assert!(!ok);
    assert!(err.contains("上海市浦东新区（临港地区）"), "{err}");
}

#[test]
fn unreadable_files_are_reported_and_the_rest_load() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.txt"), b"").unwrap();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/seeds/05_jinan_shizhong_district_urban_rural_integration_plan.txt"
        ),
        dir.path().join("jinan.txt"),
    )
    .unwrap();
    let (ok, out, err) = duizhao(&["plans", dir.path().to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(out.contains("济南市市中区"));
    assert!(err.contains("empty.txt") && err.contains("empty"), "{err}");
    let (ok, _, err) = duizhao(&["plans", dir.path().join("empty.txt").to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("no plans found"), "{err}");
}
