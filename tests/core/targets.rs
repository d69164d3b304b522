//! Quantitative targets extracted from the bundled seeds.

use duizhao::corpus::Corpus;
use duizhao::targets::{Target, UNITS, extract_targets};

fn seeds() -> &'static Corpus {
    crate::common::seed_corpus()
}

fn targets_of_plan(c: &Corpus, name: &str) -> Vec<Target> {
    let p = c
        .plans
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no plan {name}"));
    extract_targets(p)
}

/// The rows of `indicator` as (year, value, comparator).
fn rows(ts: &[Target], indicator: &str) -> Vec<(Option<u32>, f64, String)> {
    ts.iter()
        .filter(|t| t.indicator == indicator)
        .map(|t| (t.year, t.value, t.comparator.clone()))
        .collect()
}

#[test]
fn fangshan_two_measures_two_years() {
    let c = seeds();
    let ts = targets_of_plan(c, "北京市房山区");
    assert_eq!(
        rows(&ts, "常住人口城镇化率"),
        vec![
            (Some(2017), 72.0, "达到".to_string()),
            (Some(2020), 75.0, "达到".to_string())
        ]
    );
    assert_eq!(
        rows(&ts, "森林覆盖率"),
        vec![(Some(2020), 45.0, "达到".to_string())]
    );
    // The two rows come from consecutive measures, each with its own year.
    let ids: Vec<&str> = ts
        .iter()
        .filter(|t| t.indicator == "常住人口城镇化率")
        .map(|t| t.measure_id.as_str())
        .collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
}

#[test]
fn weixian_resident_and_registered_rates() {
    let c = seeds();
    let ts = targets_of_plan(c, "河北省威县");
    assert_eq!(
        rows(&ts, "常住人口城镇化率"),
        vec![
            (Some(2017), 37.5, "达到".to_string()),
            (Some(2020), 43.2, "以上".to_string())
        ]
    );
    assert_eq!(
        rows(&ts, "户籍人口城镇化率"),
        vec![
            (Some(2017), 30.4, "达到".to_string()),
            (Some(2020), 36.1, "达到".to_string())
        ]
    );
    // The 2014 baseline in the profile is no target.
    assert!(!ts.iter().any(|t| t.value == 31.5 || t.value == 24.2));
}

#[test]
fn respectively_over_two_years() {
    let c = seeds();
    let ts = targets_of_plan(c, "内蒙古自治区准格尔旗");
    assert_eq!(
        rows(&ts, "常住人口城镇化率"),
        vec![
            (Some(2017), 71.0, "左右".to_string()),
            (Some(2020), 75.0, "左右".to_string())
        ]
    );
    let ts = targets_of_plan(c, "山东省邹城市");
    assert_eq!(
        rows(&ts, "农业转移人口落户城镇"),
        vec![
            // `到2017年,每年实现1万农业转移人口落户城镇` — a yearly flow, then the totals.
            (Some(2017), 1.0, "实现".to_string()),
            (Some(2017), 3.0, "实现".to_string()),
            (Some(2020), 6.0, "实现".to_string())
        ]
    );
}

#[test]
fn standalone_plans() {
    let c = seeds();
    let ts = targets_of_plan(c, "四川省");
    assert_eq!(
        rows(&ts, "常住人口城镇化率"),
        vec![(Some(2027), 63.0, "达到".to_string())]
    );
    assert_eq!(
        rows(&ts, "县域常住人口城镇化率"),
        vec![(Some(2027), 48.0, "达到".to_string())]
    );
    let ts = targets_of_plan(c, "西咸新区");
    let fibre = ts
        .iter()
        .find(|t| t.indicator == "新区光纤入户率")
        .expect("光纤入户率");
    assert_eq!(
        (fibre.year, fibre.value, fibre.unit.as_str()),
        (Some(2025), 100.0, "%")
    );
    assert_eq!(fibre.value_text, "100%");
    assert!(fibre.sentence.contains("光纤入户率达到100%"));
    let ag = ts
        .iter()
        .find(|t| t.indicator == "新区都市农业增加值")
        .expect("都市农业增加值");
    assert_eq!(
        (ag.year, ag.value, ag.unit.as_str(), ag.comparator.as_str()),
        (Some(2025), 60.0, "亿元", "突破")
    );
    // Zibo is Traditional in the original: the indicator is simplified, the sentence is not.
    let ts = targets_of_plan(c, "淄博市");
    let t = ts
        .iter()
        .find(|t| t.indicator == "农村宅基地和集体建设用地登记办证率")
        .expect("登记办证率");
    assert_eq!(
        (t.year, t.value, t.comparator.as_str()),
        (Some(2020), 90.0, "以上")
    );
    assert!(t.sentence.contains("登記辦證率"));
}

#[test]
fn xixian_pilot_registered_rate() {
    let c = seeds();
    let ts = targets_of_plan(c, "陕西省西咸新区");
    assert_eq!(
        rows(&ts, "户籍人口城镇化率"),
        vec![(Some(2020), 80.0, "达到".to_string())]
    );
    assert_eq!(
        rows(&ts, "辖区人口"),
        vec![(Some(2020), 236.0, "达到".to_string())]
    );
}

#[test]
fn corpus_wide_invariants() {
    let c = seeds();
    let all: Vec<Target> = c.plans.iter().flat_map(extract_targets).collect();
    assert!(all.len() > 300, "{} targets", all.len());
    let rate_rows = all
        .iter()
        .filter(|t| t.indicator == "常住人口城镇化率" && t.year.is_some())
        .count();
    assert!(
        rate_rows >= 70,
        "{rate_rows} 常住人口城镇化率 rows with a year"
    );
    let plans_with_rate: std::collections::BTreeSet<&str> = all
        .iter()
        .filter(|t| t.indicator.ends_with("城镇化率"))
        .map(|t| t.plan_id.as_str())
        .collect();
    assert!(
        plans_with_rate.len() >= 45,
        "{} plans",
        plans_with_rate.len()
    );
    for t in &all {
        assert!(!t.indicator.is_empty(), "{t:?}");
        assert!(UNITS.contains(&t.unit.as_str()), "{t:?}");
        assert!(!t.comparator.is_empty(), "{t:?}");
        assert!(t.measure_id.starts_with(&t.plan_id), "{t:?}");
        // No year, date or document number as a value.
        assert!(
            !t.value_text.contains('年') && !t.value_text.contains('号'),
            "{t:?}"
        );
        if let Some(y) = t.year {
            assert!((2010..=2035).contains(&y), "{t:?}");
        }
        if t.unit == "%" {
            assert!(t.value <= 100.0, "{t:?}");
        }
    }
}
