//! Places: the place a title names, the administrative level of a name, its province.
//!
//! A plan is named by the place it is about (`淄博市`, `济南市市中区`, `柘林镇`). The name is read
//! off the start of the title by its unit characters (市/区/县/镇…), which also finds towns and new
//! areas the gazetteer does not list; the gazetteer then decides the province.

use super::gazetteer::gazetteer;

/// Organisation endings: a line or title prefix ending so is an issuing body.
pub const ORG_ENDINGS: &[&str] = &[
    "人民政府",
    "委员会",
    "办公室",
    "办公厅",
    "省委",
    "市委",
    "区委",
    "县委",
    "政府",
    "管委会",
    // A 街道's office (`某某街道办事处`).
    "办事处",
    "领导小组",
    "局",
    "厅",
    // Short forms (`国家发展改革委`, `住房城乡建设部`, `省卫生健康委`).
    "委",
    "部",
];

/// The issuer a title names before `关于` (`淄博市人民政府关于…` → `淄博市人民政府`), when it ends like an
/// organisation ([`ORG_ENDINGS`]).
pub fn issuer_in_title(title: &str) -> Option<String> {
    let i = title.find("关于")?;
    let head = &title[..i];
    (head.chars().count() >= 3 && ORG_ENDINGS.iter().any(|e| head.ends_with(e)))
        .then(|| head.to_string())
}

/// The place a title is about: `淄博市高水平推进…` → `淄博市`, `中共四川省委关于…` → `四川省`.
pub fn title_norm_place(title: &str) -> Option<String> {
    let mut t: &str = title;
    for p in ["中共", "中国共产党"] {
        t = t.strip_prefix(p).unwrap_or(t);
    }
    // A notice title: `XX人民政府关于印发YY的通知` is about YY's place.
    if let Some(i) = t.find("关于印发") {
        t = &t[i + "关于印发".len()..];
    }
    let chars: Vec<char> = t.chars().collect();
    let mut end = 0;
    let mut i = 0;
    while i < chars.len() && i < 24 {
        let rest: String = chars[i..].iter().collect();
        // A unit character that starts a word (`乡村`, `市场`, `区域`, `县域`) is no unit.
        let word = chars
            .get(i + unit_at(&rest).unwrap_or(0))
            .is_some_and(|c| "村场域级内外民".contains(*c));
        if let Some(len) = unit_at(&rest).filter(|_| !word) {
            let candidate = i + len;
            // The first unit must start the name; later ones chain (济南市 + 市中区) only if short.
            let piece: String = chars[end..candidate].iter().collect();
            // A unit right after a name ending in a unit-like character is the name's own unit
            // (`乌镇` + `镇`, `郑州` + `市`).
            let own_unit = end > 0
                && end <= 3
                && candidate - end == 1
                && chars.get(end - 1).is_some_and(|c| "州镇乡".contains(*c));
            // A chained unit needs a name before it (`北京市街道…` chains no `街道`).
            let chains = end > 0
                && (((2..=4).contains(&(candidate - end)) && candidate - end > len) || own_unit)
                && !NOT_PLACE.iter().any(|w| piece.contains(w));
            if end == 0 && candidate >= 2 || chains {
                end = candidate;
                i = candidate;
                continue;
            }
        }
        if end > 0 && i - end >= 4 {
            break;
        }
        i += 1;
    }
    (end >= 2).then(|| chars[..end].iter().collect())
}

/// Words that end a place name even when a unit character follows (`国家城乡…`).
const NOT_PLACE: &[&str] = &[
    "国家", "城乡", "推进", "关于", "加快", "建设", "发展", "城镇", "全面", "深化", "实施", "试点",
];

const UNITS: &[&str] = &[
    "自治区",
    "自治州",
    "新区",
    // A sub-district of a county or district (`长沙县㮾梨街道`).
    "街道",
    "省",
    "市",
    "区",
    "县",
    "州",
    "旗",
    "镇",
    "乡",
    "盟",
];

fn unit_at(s: &str) -> Option<usize> {
    UNITS
        .iter()
        .find(|u| s.starts_with(*u))
        .map(|u| u.chars().count())
}

/// Administrative level from a place name.
pub fn admin_level(name: &str) -> Option<String> {
    let base = name.split(['(', '（']).next().unwrap_or(name).trim();
    if PROVINCES.iter().any(|(full, _)| *full == base) {
        return Some("省".into());
    }
    let last = base.split(['—', '-', '–']).next_back().unwrap_or(base);
    if last.ends_with("新区") && !last.ends_with("高新区") {
        return Some("新区".into());
    }
    if last.ends_with("街道") {
        return Some("街道".into());
    }
    if last.ends_with("自治州") {
        return Some("州".into());
    }
    let c = last.chars().last()?;
    matches!(
        c,
        '省' | '市' | '县' | '区' | '镇' | '旗' | '州' | '乡' | '盟'
    )
    .then(|| c.to_string())
}

/// Province-level units with the short forms used in running text.
pub const PROVINCES: &[(&str, &str)] = &[
    ("北京市", "北京"),
    ("天津市", "天津"),
    ("上海市", "上海"),
    ("重庆市", "重庆"),
    ("河北省", "河北"),
    ("山西省", "山西"),
    ("辽宁省", "辽宁"),
    ("吉林省", "吉林"),
    ("黑龙江省", "黑龙江"),
    ("江苏省", "江苏"),
    ("浙江省", "浙江"),
    ("安徽省", "安徽"),
    ("福建省", "福建"),
    ("江西省", "江西"),
    ("山东省", "山东"),
    ("河南省", "河南"),
    ("湖北省", "湖北"),
    ("湖南省", "湖南"),
    ("广东省", "广东"),
    ("海南省", "海南"),
    ("四川省", "四川"),
    ("贵州省", "贵州"),
    ("云南省", "云南"),
    ("陕西省", "陕西"),
    ("甘肃省", "甘肃"),
    ("青海省", "青海"),
    ("台湾省", "台湾"),
    ("内蒙古自治区", "内蒙古"),
    ("广西壮族自治区", "广西"),
    ("西藏自治区", "西藏"),
    ("宁夏回族自治区", "宁夏"),
    ("新疆维吾尔自治区", "新疆"),
    ("香港特别行政区", "香港"),
    ("澳门特别行政区", "澳门"),
];

/// Province named at the start of a place name.
pub fn province_of(name: &str) -> Option<String> {
    let n = crate::normalize::normalize_str(name);
    PROVINCES
        .iter()
        .find(|(full, _)| n.starts_with(full))
        .map(|(full, _)| full.to_string())
}

/// Province of a place name from the gazetteer (`淄博市` → 山东省, `西咸新区` → 陕西省,
/// `济南市市中区` → 山东省): the place the name starts with, full or short form.
pub fn province_by_gazetteer(name: &str) -> Option<String> {
    let n = crate::normalize::normalize_str(name);
    let g = gazetteer();
    let (chain, _) = g.place_at_start(&n)?;
    chain
        .first()
        .and_then(|m| g.get(m.division))
        .map(|d| d.province.clone())
}

/// Province most often named in a text (full or short form), if any is.
pub fn province_in_text(text: &str) -> Option<String> {
    PROVINCES
        .iter()
        .map(|(full, short)| (text.matches(short).count(), *full))
        .filter(|(n, _)| *n > 0)
        .max_by_key(|(n, _)| *n)
        .map(|(_, full)| full.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_in_names() {
        assert_eq!(
            title_norm_place("济南市市中区国家城乡融合发展试验区实施方案").as_deref(),
            Some("济南市市中区")
        );
        assert_eq!(
            title_norm_place("西咸新区推进国家城乡融合发展试验区建设实施方案").as_deref(),
            Some("西咸新区")
        );
        assert_eq!(
            title_norm_place("中共四川省委关于深入贯彻").as_deref(),
            Some("四川省")
        );
        assert_eq!(
            title_norm_place("淄博市高水平推进城乡融合发展行动方案").as_deref(),
            Some("淄博市")
        );
        // `乡村` is no unit (the gazetteer then reads 湖州市: see `naming::place_in_title`).
        assert_ne!(
            title_norm_place("湖州市数字乡村建设实施方案").as_deref(),
            Some("湖州市数字乡")
        );
        assert_eq!(
            title_norm_place("长沙县㮾梨街道城乡融合发展三年行动方案").as_deref(),
            Some("长沙县㮾梨街道")
        );
        assert_eq!(
            title_norm_place("北京市街道工作条例").as_deref(),
            Some("北京市")
        );
        assert_eq!(admin_level("长沙县㮾梨街道").as_deref(), Some("街道"));
        assert_eq!(
            admin_level("上海市浦东新区（临港地区）").as_deref(),
            Some("新区")
        );
        assert_eq!(admin_level("江西省南昌高新区").as_deref(), Some("区"));
        assert_eq!(admin_level("湖南省津市市—澧县").as_deref(), Some("县"));
        assert_eq!(province_by_gazetteer("淄博市").as_deref(), Some("山东省"));
        assert_eq!(province_by_gazetteer("西咸新区").as_deref(), Some("陕西省"));
        assert_eq!(
            province_by_gazetteer("济南市市中区").as_deref(),
            Some("山东省")
        );
        assert_eq!(
            province_by_gazetteer("包头市").as_deref(),
            Some("内蒙古自治区")
        );
        assert_eq!(province_by_gazetteer("某某市"), None);
    }
}
