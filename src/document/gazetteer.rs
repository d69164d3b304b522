//! China's administrative divisions: which names are places, at which level, in which province.
//!
//! The data are the statistical division codes of the National Bureau of Statistics (GB/T 2260
//! based, 2023 edition) shipped in `assets/gazetteer/divisions.tsv` — 34 province-level, 333
//! prefecture-level and 2,974 county-level divisions — plus a hand-kept list of former names and
//! national new areas (`aliases.tsv`); `assets/gazetteer/README.md` names source and licence.
//!
//! Names are matched in three forms: the full name (`延边朝鲜族自治州`), a short form derived when
//! the table is loaded (`延边`, `浙江`, `包头`), and an alias. Short forms of county-level names are
//! used only where a unit follows or the text starts with them (`市中` alone is not a place in
//! `城市中心`), so running text is searched for provinces and prefectures by short form and for
//! counties by full name only.

use std::collections::HashMap;
use std::sync::OnceLock;

const DIVISIONS: &str = include_str!("../../assets/gazetteer/divisions.tsv");
const ALIASES: &str = include_str!("../../assets/gazetteer/aliases.tsv");

/// Level of a division.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DivisionLevel {
    /// Province, autonomous region, municipality, SAR (省级).
    Province,
    /// Prefecture-level city, prefecture, autonomous prefecture, league (地级).
    Prefecture,
    /// County, county-level city, district, banner (县级).
    County,
}

/// One administrative division.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Division {
    /// Statistical division code (2, 4 or 6 digits).
    pub code: String,
    /// Full name, e.g. `包头市`.
    pub name: String,
    /// Its level.
    pub level: DivisionLevel,
    /// Its province-level unit's full name.
    pub province: String,
    /// Its prefecture's full name (county level only, when it has one).
    pub prefecture: Option<String>,
}

impl Division {
    /// The unit its name ends with, as plans name their level: 省/市/县/区/旗/州/盟.
    pub fn unit(&self) -> Option<String> {
        if self.level == DivisionLevel::Province {
            return Some("省".into());
        }
        if self.name.ends_with("自治州") {
            return Some("州".into());
        }
        if self.name.ends_with("新区") && !self.name.ends_with("高新区") {
            return Some("新区".into());
        }
        if self.name.ends_with("地区") {
            return Some("地区".into());
        }
        self.name.chars().last().map(String::from)
    }
}

/// How a name was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NameForm {
    /// The full official name.
    Full,
    /// A former name or a new area from the alias list.
    Alias,
    /// A derived short form (`浙江`).
    Short,
}

/// A place found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceMatch {
    /// Index into [`Gazetteer::divisions`].
    pub division: usize,
    /// Byte length of the matched text.
    pub len: usize,
    /// How it matched.
    pub form: NameForm,
}

/// The loaded gazetteer.
#[derive(Debug)]
pub struct Gazetteer {
    divisions: Vec<Division>,
    /// Name → candidate divisions with the form of the name.
    names: HashMap<String, Vec<(usize, NameForm)>>,
    /// Longest name in chars, to bound prefix searches.
    longest: usize,
    /// First chars of any name, to skip most positions fast.
    first_chars: std::collections::HashSet<char>,
}

/// The shared gazetteer, loaded on first use.
pub fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::parse(DIVISIONS, ALIASES))
}

/// The 55 ethnic minorities' names as autonomous units write them (without 族).
const ETHNIC: &[&str] = &[
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "高山",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
    "各族",
];

/// Short form of a full name, if it has a usable one (two chars or more).
pub fn short_form(name: &str) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    // Autonomous units: the name before the first minority (延边朝鲜族自治州 → 延边).
    if name.contains("自治") {
        for i in 2..chars.len() {
            let rest: String = chars[i..].iter().collect();
            if ETHNIC.iter().any(|e| rest.starts_with(e)) && rest.contains("自治") {
                return Some(chars[..i].iter().collect());
            }
        }
        if let Some(p) = name.find("自治区") {
            let s = &name[..p];
            return (s.chars().count() >= 2).then(|| s.to_string());
        }
    }
    for suffix in [
        "特别行政区",
        "地区",
        "新区",
        "林区",
        "省",
        "市",
        "盟",
        "县",
        "区",
        "旗",
    ] {
        if let Some(s) = name.strip_suffix(suffix)
            && s.chars().count() >= 2
        {
            return Some(s.to_string());
        }
    }
    None
}

impl Gazetteer {
    fn parse(divisions: &str, aliases: &str) -> Gazetteer {
        let mut g = Gazetteer {
            divisions: Vec::new(),
            names: HashMap::new(),
            longest: 0,
            first_chars: Default::default(),
        };
        let mut by_code: HashMap<String, usize> = HashMap::new();
        for line in divisions.lines().filter(|l| !l.starts_with('#')) {
            let cols: Vec<&str> = line.split('\t').collect();
            let [code, name, level, province, prefecture] = cols[..] else {
                continue;
            };
            let level = match level {
                "省" => DivisionLevel::Province,
                "地" => DivisionLevel::Prefecture,
                _ => DivisionLevel::County,
            };
            by_code.insert(code.to_string(), g.divisions.len());
            g.divisions.push(Division {
                code: code.to_string(),
                name: name.to_string(),
                level,
                province: province.to_string(),
                prefecture: (!prefecture.is_empty()).then(|| prefecture.to_string()),
            });
        }
        for k in 0..g.divisions.len() {
            let name = g.divisions[k].name.clone();
            g.add(&name, k, NameForm::Full);
            if let Some(s) = short_form(&name) {
                g.add(&s, k, NameForm::Short);
            }
        }
        for line in aliases.lines().filter(|l| !l.starts_with('#')) {
            let mut cols = line.split('\t');
            let (Some(name), Some(code)) = (cols.next(), cols.next()) else {
                continue;
            };
            if let Some(&k) = by_code.get(code) {
                g.add(name, k, NameForm::Alias);
                if let Some(s) = short_form(name)
                    && !name.ends_with("新区")
                {
                    g.add(&s, k, NameForm::Alias);
                }
            }
        }
        g
    }

    fn add(&mut self, name: &str, k: usize, form: NameForm) {
        self.longest = self.longest.max(name.chars().count());
        if let Some(c) = name.chars().next() {
            self.first_chars.insert(c);
        }
        let slot = self.names.entry(name.to_string()).or_default();
        if !slot.iter().any(|(d, _)| *d == k) {
            slot.push((k, form));
        }
    }

    /// All divisions.
    pub fn divisions(&self) -> &[Division] {
        &self.divisions
    }

    /// Division by index.
    pub fn get(&self, k: usize) -> Option<&Division> {
        self.divisions.get(k)
    }

    /// Divisions a name (full, alias or short) may denote, best first: full names before
    /// aliases before short forms, higher levels first (`海南` is 海南省 before 海南藏族自治州).
    pub fn lookup(&self, name: &str) -> Vec<(&Division, NameForm)> {
        let mut v: Vec<(usize, NameForm)> = self.names.get(name).cloned().unwrap_or_default();
        v.sort_by_key(|(k, f)| (*f, self.divisions.get(*k).map(|d| d.level), *k));
        v.into_iter()
            .filter_map(|(k, f)| self.divisions.get(k).map(|d| (d, f)))
            .collect()
    }

    /// The province-level unit a name belongs to, if the name is a known place.
    pub fn province_of(&self, name: &str) -> Option<String> {
        self.lookup(name).first().map(|(d, _)| d.province.clone())
    }

    /// Candidate names starting at the start of `text`, longest first.
    fn prefixes<'a>(
        &'a self,
        text: &'a str,
    ) -> impl Iterator<Item = (usize, &'a [(usize, NameForm)])> {
        let ends: Vec<usize> = text
            .char_indices()
            .map(|(i, c)| i + c.len_utf8())
            .take(self.longest)
            .collect();
        ends.into_iter().rev().filter_map(move |e| {
            text.get(..e)
                .and_then(|p| self.names.get(p))
                .map(|v| (e, v.as_slice()))
        })
    }

    /// The place a text starts with, chaining a county under its prefecture or province
    /// (`济南市市中区`; `上海市奉贤区柘林镇` → 上海市, 奉贤区). Counties match by full name
    /// only; provinces and prefectures by short form too (`包头`).
    pub fn place_at_start(&self, text: &str) -> Option<(Vec<PlaceMatch>, usize)> {
        let mut chain: Vec<PlaceMatch> = Vec::new();
        let mut at = 0;
        loop {
            let rest = text.get(at..).unwrap_or("");
            let parent = chain.last().and_then(|m| self.divisions.get(m.division));
            let found = self.prefixes(rest).find_map(|(len, cands)| {
                let mut best: Option<PlaceMatch> = None;
                for &(k, form) in cands {
                    let Some(d) = self.divisions.get(k) else {
                        continue;
                    };
                    if let Some(p) = parent {
                        // A chained name must lie inside the previous one.
                        let inside = d.level > p.level
                            && (d.province == p.province)
                            && (p.level == DivisionLevel::Province
                                || d.prefecture.as_deref() == Some(p.name.as_str()));
                        if !inside {
                            continue;
                        }
                    }
                    if form == NameForm::Short && d.level == DivisionLevel::County {
                        continue;
                    }
                    let m = PlaceMatch {
                        division: k,
                        len,
                        form,
                    };
                    let better = best.as_ref().is_none_or(|b| {
                        (m.form, self.divisions[k].level)
                            < (b.form, self.divisions[b.division].level)
                    });
                    if better {
                        best = Some(m);
                    }
                }
                best
            });
            match found {
                Some(m) => {
                    at += m.len;
                    chain.push(m);
                }
                None => break,
            }
        }
        (!chain.is_empty()).then_some((chain, at))
    }

    /// How often each province- or prefecture-level division is named in a text (full or short
    /// form) and each county by its full name; sorted by count, then by first position.
    pub fn count_places(&self, text: &str) -> Vec<(usize, usize)> {
        let mut counts: HashMap<usize, (usize, usize)> = HashMap::new();
        let mut i = 0;
        while i < text.len() {
            let Some(c) = text.get(i..).and_then(|r| r.chars().next()) else {
                break;
            };
            if !self.first_chars.contains(&c) {
                i += c.len_utf8();
                continue;
            }
            let rest = text.get(i..).unwrap_or("");
            let mut step = c.len_utf8();
            if let Some((len, cands)) = self.prefixes(rest).next() {
                let pick = cands
                    .iter()
                    .filter(|(k, f)| {
                        self.divisions.get(*k).is_some_and(|d| {
                            *f != NameForm::Short || d.level != DivisionLevel::County
                        })
                    })
                    .min_by_key(|(k, f)| (*f, self.divisions.get(*k).map(|d| d.level)));
                if let Some(&(k, _)) = pick {
                    let e = counts.entry(k).or_insert((0, i));
                    e.0 += 1;
                    step = len;
                }
            }
            i += step;
        }
        let mut v: Vec<(usize, usize, usize)> = counts
            .into_iter()
            .map(|(k, (n, first))| (k, n, first))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
        v.into_iter().map(|(k, n, _)| (k, n)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_is_there() {
        let g = gazetteer();
        let count = |l| g.divisions().iter().filter(|d| d.level == l).count();
        assert_eq!(count(DivisionLevel::Province), 34);
        assert!(count(DivisionLevel::Prefecture) >= 330);
        assert!(count(DivisionLevel::County) >= 2900);
    }

    #[test]
    fn names_short_forms_and_aliases() {
        let g = gazetteer();
        assert_eq!(g.province_of("包头市").as_deref(), Some("内蒙古自治区"));
        assert_eq!(g.province_of("包头").as_deref(), Some("内蒙古自治区"));
        assert_eq!(g.province_of("延边").as_deref(), Some("吉林省"));
        assert_eq!(g.province_of("海南").as_deref(), Some("海南省"));
        assert_eq!(g.province_of("襄樊市").as_deref(), Some("湖北省"));
        assert_eq!(g.province_of("西咸新区").as_deref(), Some("陕西省"));
        assert_eq!(g.province_of("奉贤区").as_deref(), Some("上海市"));
        assert_eq!(g.province_of("某某市"), None);
        assert_eq!(short_form("广西壮族自治区").as_deref(), Some("广西"));
        assert_eq!(short_form("恩施土家族苗族自治州").as_deref(), Some("恩施"));
        assert_eq!(short_form("澧县"), None);
    }

    #[test]
    fn a_place_at_the_start_chains_down() {
        let g = gazetteer();
        let names = |t: &str| {
            g.place_at_start(t).map(|(chain, end)| {
                (
                    chain
                        .iter()
                        .map(|m| g.divisions()[m.division].name.clone())
                        .collect::<Vec<_>>(),
                    t[..end].to_string(),
                )
            })
        };
        assert_eq!(
            names("济南市市中区国家城乡融合发展试验区"),
            Some((
                vec!["济南市".into(), "市中区".into()],
                "济南市市中区".into()
            ))
        );
        assert_eq!(
            names("上海市奉贤区柘林镇人民政府"),
            Some((
                vec!["上海市".into(), "奉贤区".into()],
                "上海市奉贤区".into()
            ))
        );
        assert_eq!(names("关于推进"), None);
        // 市中 alone is not 市中区.
        assert_eq!(names("市中心"), None);
    }

    #[test]
    fn places_are_counted_in_running_text() {
        let g = gazetteer();
        let text = "嘉兴要加快发展。全市上下，嘉兴的未来在于创新。浙江省和嘉兴市。";
        let top = g.count_places(text);
        let (k, n) = top[0];
        assert_eq!(g.divisions()[k].name, "嘉兴市");
        assert_eq!(n, 3);
    }
}
