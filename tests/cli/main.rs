//! The CLI as a user runs it: the real binary, default seeds, JSON shapes and error messages.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

#[path = "../common/mod.rs"]
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
fn compare_json_counts_scopes_within_the_comparison_and_rows_by_theme() {
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
    let mut scopes = std::collections::HashMap::new();
    for row in v["rows"].as_array().unwrap() {
        for cell in row["cells"].as_array().unwrap() {
            let sections = cell["sections"].as_array().unwrap();
            // `section` stays the first of `sections`.
            assert_eq!(
                cell["section"],
                sections.first().cloned().unwrap_or(Value::Null)
            );
            for m in cell["measures"].as_array().unwrap() {
                let scope = m["scope"].as_str().unwrap();
                *scopes.entry(scope.to_owned()).or_insert(0) += 1;
                let partners = m["shared_with"].as_array().unwrap();
                match scope {
                    "compared" => assert_eq!(partners[0]["compared"], true),
                    "elsewhere" => assert!(partners.iter().all(|p| p["compared"] == false)),
                    "unique" => assert!(partners.is_empty()),
                    "boilerplate" => {}
                    other => panic!("scope {other}"),
                }
                assert!((m["section"].as_u64().unwrap() as usize) < sections.len());
            }
        }
    }
    assert!(scopes["compared"] > 0 && scopes["elsewhere"] > 0 && scopes["unique"] > 0);
    assert_eq!(v["columns"][0]["compared"], scopes_of(&v, 0, "compared"));

    let (ok, out, err) = duizhao(&[
        "compare",
        "--plan",
        "淄博市",
        "--plan",
        "济南市市中区",
        "--rows",
        "theme",
        "--format",
        "json",
    ]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let row = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["theme"]["id"] == "zhaijidi")
        .expect("a 宅基地 row");
    for cell in row["cells"].as_array().unwrap() {
        assert!(
            cell["measures"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["text"].as_str().unwrap().contains("宅基地"))
        );
    }
    let (ok, _, err) = duizhao(&[
        "compare",
        "--plan",
        "淄博市",
        "--plan",
        "济南市市中区",
        "--rows",
        "colour",
    ]);
    assert!(!ok);
    assert!(err.contains("colour"), "{err}");
}

/// Measures of column `c` with this scope, counted over the rows.
fn scopes_of(v: &Value, c: usize, scope: &str) -> Value {
    let n = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["cells"][c]["measures"].as_array().unwrap().iter())
        .filter(|m| m["scope"] == scope)
        .count();
    Value::from(n)
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
fn open_help_lists_every_view_and_an_unknown_view_is_named() {
    let (ok, out, _) = duizhao(&["open", "--help"]);
    assert!(ok);
    for view in [
        "plan", "compare", "families", "overview", "targets", "themes", "matrix",
    ] {
        assert!(out.contains(view), "--help lists {view}: {out}");
    }
    let (ok, _, err) = duizhao(&["open", "--view", "bogus"]);
    assert!(!ok);
    assert!(err.contains("bogus") && err.contains("matrix"), "{err}");
}

#[test]
fn open_with_a_missing_path_names_it_before_any_window_opens() {
    let (ok, _, err) = duizhao(&["open", "/nonexistent/duizhao-plans"]);
    assert!(!ok);
    assert!(err.contains("/nonexistent/duizhao-plans"), "{err}");
    assert!(err.contains("no such file or folder"), "{err}");
}

#[test]
fn open_compare_takes_several_names_and_paths_after_them_stay_paths() {
    use clap::Parser;
    let cli = duizhao::cli::Cli::try_parse_from([
        "duizhao",
        "open",
        "--compare",
        "淄博市",
        "西咸新区",
        "seeds/02_zibo_urban_rural_integration_action_plan_2020-2025.txt",
    ])
    .unwrap();
    let (paths, start) = duizhao::cli::StartOptions::from_command(cli.command.unwrap()).unwrap();
    assert_eq!(start.compare, ["淄博市", "西咸新区"]);
    // Tests run in the crate folder, where the seed exists: it is a path, not a plan name.
    assert_eq!(
        paths,
        [std::path::PathBuf::from(
            "seeds/02_zibo_urban_rural_integration_action_plan_2020-2025.txt"
        )]
    );
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
