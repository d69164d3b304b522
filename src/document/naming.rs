//! How a plan is named and which place it is about.
//!
//! As the seeds are named: by the place a plan is about when it is one place's own plan — its
//! title starts with the place (`包头市2022年数字政府建设考评办法` → 包头市, `中共四川省委关于…` →
//! 四川省) — and otherwise by a short form of its own title: the title without its issuer and
//! `关于` (`中共中央 国务院关于支持浙江…的意见` → `支持浙江…的意见`). A document without a title is
//! named by the place its text names most often (a government work report says 嘉兴 again and
//! again). The issuer and the place stay metadata either way.

use super::gazetteer::{DivisionLevel, gazetteer};
use super::places::{ORG_ENDINGS, title_norm_place};

/// Central organs whose names do not end in an organisation word.
const CENTRAL: &[&str] = &[
    "中共中央",
    "国务院",
    "党中央",
    "全国人大",
    "中央军委",
    "国务院办公厅",
];

/// Does a title prefix read as issuing bodies (`中共中央 国务院`, `安徽省人民政府办公厅`)?
fn is_issuer(prefix: &str) -> bool {
    let p = prefix.trim();
    p.chars().count() >= 2
        && (ORG_ENDINGS.iter().any(|e| p.ends_with(e))
            || CENTRAL.iter().any(|c| p.ends_with(c))
            || p.ends_with("小组办公室")
            || p.ends_with("会议"))
}

/// The issuer a title starts with: the text before `关于`, or before `印发`/`转发` in a notice
/// title without `关于` (`北京市经济和信息化局印发《…》的通知`). Spaces between organs are kept
/// as one space (`中共中央 国务院`).
pub fn issuer_of_title(title: &str) -> Option<String> {
    let cut = ["关于", "印发", "转发"]
        .iter()
        .filter_map(|w| title.find(w))
        .min()?;
    let head = title.get(..cut)?;
    let head: String = head.split_whitespace().collect::<Vec<_>>().join(" ");
    is_issuer(&head).then_some(head)
}

/// A title's short form: without its issuer and `关于`, without `印发…的通知` around an issued
/// title.
pub fn short_title(title: &str) -> String {
    let mut t = title.trim().to_string();
    if let Some(i) = t.find("关于")
        && (i == 0 || is_issuer(&t[..i]))
    {
        t = t[i + "关于".len()..].to_string();
    }
    let t = crate::chars::compact(&t);
    t.trim_matches(['《', '》']).to_string()
}

/// The place a title starts with, as the plan's name: confirmed by the gazetteer or, for places
/// it does not list (towns, new areas), a short name before its unit that is no phrase.
pub fn place_in_title(title_norm: &str) -> Option<String> {
    let t: String = title_norm.split_whitespace().collect();
    let stripped = t.strip_prefix("中共").unwrap_or(&t);
    let g = gazetteer();
    // The gazetteer's reading: full names and aliases, chained (`济南市市中区`, `湖州市`).
    let known = g.place_at_start(stripped).and_then(|(chain, end)| {
        chain
            .iter()
            .all(|m| m.form != super::gazetteer::NameForm::Short)
            .then(|| stripped[..end].to_string())
    });
    // The unit-character reading also finds towns and areas the gazetteer does not list.
    let by_units = title_norm_place(&t).filter(|name| {
        // The name before its first unit, a unit-like character of the name itself aside
        // (`乌镇` of `乌镇镇`).
        let first_unit = name
            .char_indices()
            .skip(2)
            .find(|(_, c)| "省市区县州旗镇乡盟".contains(*c))
            .map_or(name.len(), |(i, _)| i);
        let head = &name[..first_unit];
        let n = head.chars().count();
        (2..=8).contains(&n)
            && head.chars().all(crate::chars::is_han)
            && ![
                "关于",
                "推进",
                "加快",
                "支持",
                "建设",
                "实施",
                "印发",
                "进一步",
                "全面",
                "深化",
            ]
            .iter()
            .any(|w| head.contains(w))
            // No organ's name (`住房和城乡建设部`): `城乡` is no place.
            && !["城乡", "住房"].iter().any(|w| name.contains(w))
    });
    match (known, by_units) {
        // A town or sub-district under a known place (`上海市奉贤区柘林镇`, `长沙县㮾梨街道`)
        // extends it.
        (Some(k), Some(u))
            if u.starts_with(&k)
                && u.len() > k.len()
                && (u.ends_with(['镇', '乡']) || u.ends_with("街道")) =>
        {
            Some(u)
        }
        // So does a functional area under a known city the gazetteer does not list
        // (`郑州市航空港区`, `某市高新区`, `某市经济开发区`).
        (Some(k), _) => Some(match functional_area_after(&stripped[k.len()..]) {
            Some(area) => format!("{k}{area}"),
            None => k,
        }),
        (None, u) => u,
    }
}

/// The functional area a text starts with (`航空港区新型城镇化…` → `航空港区`): the shortest
/// start that [`is_functional_area`] accepts.
fn functional_area_after(rest: &str) -> Option<&str> {
    rest.char_indices()
        .skip(1)
        .take(10)
        .map(|(i, c)| &rest[..i + c.len_utf8()])
        .find(|a| is_functional_area(a))
}

/// A functional area's own name after its city: two to eight Han characters ending in an area
/// word (`航空港区`, `高新区`, `经济技术开发区`), no phrase.
fn is_functional_area(rest: &str) -> bool {
    let n = rest.chars().count();
    (3..=10).contains(&n)
        && rest.chars().all(crate::chars::is_han)
        && ["新区", "港区", "开发区", "高新区", "保税区", "自贸区"]
            .iter()
            .any(|e| rest.ends_with(e))
        && !["推进", "建设", "加快", "城乡", "改革"]
            .iter()
            .any(|w| rest.contains(w))
}

/// The place a text names most often (at least three times), preferring the more specific
/// level when a province and one of its cities are named about as often.
pub fn most_named_place(text: &str) -> Option<String> {
    let g = gazetteer();
    let counts = g.count_places(text);
    let (&(top, n), rest) = counts.split_first()?;
    if n < 3 {
        return None;
    }
    let top_div = g.get(top)?;
    // A prefecture or county of the top province named at least half as often wins.
    if top_div.level == DivisionLevel::Province
        && let Some(&(k, _)) = rest.iter().find(|(k, m)| {
            *m * 2 >= n
                && g.get(*k).is_some_and(|d| {
                    d.level != DivisionLevel::Province && d.province == top_div.province
                })
        })
    {
        return g.get(k).map(|d| d.name.clone());
    }
    Some(top_div.name.clone())
}

/// The place a plan is about, as metadata: a division the title names (its full name), else the
/// issuer's place.
pub fn place_of(title_norm: Option<&str>, issuer: Option<&str>) -> Option<String> {
    let g = gazetteer();
    let from = |t: &str| -> Option<String> {
        let counts = g.count_places(t);
        // The most specific division named first.
        let mut found: Vec<&super::gazetteer::Division> =
            counts.iter().filter_map(|(k, _)| g.get(*k)).collect();
        found.sort_by_key(|d| std::cmp::Reverse(d.level));
        found.first().map(|d| d.name.clone())
    };
    title_norm
        .and_then(|t| {
            let t = crate::chars::compact(t);
            let t = issuer_of_title(&t)
                .map_or(t.clone(), |i| t[i.replace(' ', "").len()..].to_string());
            from(&t)
        })
        .or_else(|| issuer.and_then(from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_and_short_titles() {
        assert_eq!(
            issuer_of_title("中共中央 国务院关于支持浙江高质量发展建设共同富裕示范区的意见")
                .as_deref(),
            Some("中共中央 国务院")
        );
        assert_eq!(
            issuer_of_title(
                "北京市经济和信息化局印发《关于推进北京市数据专区建设的指导意见》的通知"
            )
            .as_deref(),
            Some("北京市经济和信息化局")
        );
        assert_eq!(
            issuer_of_title("关于推进北京市数据专区建设的指导意见"),
            None
        );
        assert_eq!(
            short_title("中共中央 国务院关于支持浙江高质量发展建设共同富裕示范区的意见"),
            "支持浙江高质量发展建设共同富裕示范区的意见"
        );
        assert_eq!(
            short_title("关于推进北京市数据专区建设的指导意见"),
            "推进北京市数据专区建设的指导意见"
        );
    }

    #[test]
    fn places_in_titles() {
        assert_eq!(
            place_in_title("包头市2022年数字政府建设考评办法").as_deref(),
            Some("包头市")
        );
        assert_eq!(
            place_in_title("柘林镇文物保护规划").as_deref(),
            Some("柘林镇")
        );
        assert_eq!(place_in_title("关于推进北京市数据专区建设的指导意见"), None);
        assert_eq!(place_in_title("“无废城市”建设试点工作方案"), None);
        assert_eq!(place_in_title("支持工业互联网发展若干政策"), None);
        assert_eq!(
            place_in_title("郑州市航空港区新型城镇化综合试点工作方案").as_deref(),
            Some("郑州市航空港区")
        );
        assert_eq!(
            place_in_title("郑州市城乡融合发展试验区建设方案").as_deref(),
            Some("郑州市")
        );
        assert_eq!(
            place_in_title("乌镇镇美丽城镇建设行动方案").as_deref(),
            Some("乌镇镇")
        );
        assert_eq!(
            place_in_title("住房和城乡建设部 国家发展改革委关于进一步加强城市与建筑风貌管理的通知"),
            None
        );
        assert_eq!(
            place_of(Some("支持浙江高质量发展建设共同富裕示范区的意见"), None).as_deref(),
            Some("浙江省")
        );
        assert_eq!(
            place_of(None, Some("安徽省人民政府办公厅")).as_deref(),
            Some("安徽省")
        );
    }
}
