//! The CLI as a user runs it: the real binary, default seeds, JSON shapes and error messages.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

mod common;

use common::duizhao;

use serde_json::Value;

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

#[test]
fn compare_json_has_rows_cells_and_partners() {
    let (ok, out, err) = duizhao(&[
        "compare",
        "--plan",
        "天津市东丽区",
        "--plan",
        "天津市中北镇",
        "--format",
        "json",
    ]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["plans"],
        serde_json::json!(["天津市东丽区", "天津市中北镇"])
    );
    let rows = v["rows"].as_array().unwrap();
    let heating = rows
        .iter()
        .find(|r| r["cells"][0]["section"]["title"] == "推广智慧供暖")
        .unwrap();
    assert_eq!(heating["kind"], "任务");
    assert_eq!(heating["cells"][1]["section"]["title"], "推广智慧供暖");
    let m = &heating["cells"][0]["measures"][0];
    assert_eq!(m["status"], "shared");
    // Partners in the compared plans come first.
    let partners = m["shared_with"].as_array().unwrap();
    assert_eq!(partners[0]["plan"], "天津市中北镇");
    assert_eq!(partners[0]["tier"], "verbatim");
    assert!(partners.len() > 2, "the passage is in more pilots");
    for row in rows {
        for cell in row["cells"].as_array().unwrap() {
            for m in cell["measures"].as_array().unwrap() {
                assert!(
                    ["shared", "unique", "boilerplate"].contains(&m["status"].as_str().unwrap())
                );
            }
        }
    }
}

#[test]
fn measures_targets_and_terms_commands_answer() {
    let (ok, out, err) = duizhao(&["measures", "--json"]);
    assert!(ok, "{err}");
    let fams: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert!(
        fams.windows(2)
            .all(|w| w[0]["size"].as_u64() >= w[1]["size"].as_u64())
    );
    assert!(
        fams.iter()
            .any(|f| f["representative"].as_str().unwrap().contains("智慧供暖"))
    );
    let (ok, out, err) = duizhao(&["targets", "--format", "csv"]);
    assert!(ok, "{err}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("北京市房山区,常住人口城镇化率,2020,75")),
        "{}",
        &out[..out.len().min(500)]
    );
    let (ok, out, err) = duizhao(&["terms", "--plan", "天津市东丽区", "--plan", "天津市中北镇"]);
    assert!(ok, "{err}");
    assert!(out.contains("智慧供暖"));
    let (ok, _, err) = duizhao(&["compare", "--plan", "西咸新区", "--plan", "不存在的地方"]);
    assert!(!ok);
    assert!(err.contains("不存在的地方"));
}

#[test]
fn reuse_json_lists_sources_most_copied_first() {
    let (ok, out, err) = duizhao(&["reuse", "seeds", "--plan", "天津市东丽区", "--json"]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["plan"], "天津市东丽区");
    let sources = v["sources"].as_array().unwrap();
    assert_eq!(sources[0]["plan"], "天津市中北镇");
    let found: Vec<u64> = sources
        .iter()
        .map(|s| s["found_chars"].as_u64().unwrap())
        .collect();
    assert!(found.windows(2).all(|w| w[0] >= w[1]));
    assert!(
        sources[0]["passages"][0]["text"]
            .as_str()
            .unwrap()
            .chars()
            .count()
            >= 10
    );
    let (ok, _, err) = duizhao(&["reuse", "seeds", "--plan", "没有这个方案"]);
    assert!(!ok && !err.is_empty());
}
