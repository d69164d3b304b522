//! What a measure states (a place profile, a baseline statistic, a target or a task), the
//! numbers it cites, and the pair features built on them (issue 13: the labelling rules say a
//! baseline never matches a target, and place profiles of two pilots are not a shared measure).

use super::types::{Kind, KindData, MatchData};

/// Words describing a place rather than committing to an action.
const PROFILE_WORDS: &[&str] = &[
    "隶属",
    "位于",
    "地处",
    "平方公里",
    "幅员",
    "下辖",
    "辖区面积",
    "总面积",
    "国土面积",
    "素有",
    "接壤",
    "东邻",
    "西邻",
    "南邻",
    "北邻",
    "东接",
    "西接",
];
/// Words of a target: a number to reach. The one list of them in the matcher. The first
/// [`LEVEL_WORDS`] name a level to reach (达到…不低于) and make a measure with a number
/// `quantitative` ([`is_quantitative`]); all of them, with a deadline year, make its kind a
/// target ([`kind_of`]). (Reading 力争/以内/确保/实现 as quantitative too changes 54 of the
/// 80 112 links of the evaluation corpus, none on the tune part, and the retrained scorer's
/// cross-validated tune precision falls 0.762 -> 0.752 at equal recall: kept apart.)
pub(super) const TARGET_WORDS: &[&str] = &[
    "达到",
    "突破",
    "提高到",
    "提升到",
    "增加到",
    "超过",
    "控制在",
    "以上",
    "不低于",
    "力争",
    "以内",
    "确保",
    "实现",
];
/// Number of level words at the head of [`TARGET_WORDS`].
pub(super) const LEVEL_WORDS: usize = 9;
/// Words of a statistic that already holds.
const BASELINE_WORDS: &[&str] = &[
    "截至", "截止", "年末", "年底", "现有", "已有", "目前", "共有",
];

/// Numbers of a normalised text (digit runs with an optional decimal point), sorted, distinct.
fn numbers(norm: &str) -> Vec<u32> {
    let mut out: Vec<u32> = norm
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|p| p.trim_matches('.').parse::<f32>().ok())
        .map(f32::to_bits)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Does a measure state a quantitative target (a number and a level word, 达到/突破/以上…)?
pub(super) fn is_quantitative(norm: &str) -> bool {
    norm.chars().any(|c| c.is_ascii_digit())
        && TARGET_WORDS[..LEVEL_WORDS].iter().any(|w| norm.contains(w))
}

/// Does `norm` name a year as a deadline (`到2020年`, `至2025年`)?
fn has_deadline(norm: &str) -> bool {
    let chars: Vec<char> = norm.chars().collect();
    chars.windows(6).any(|w| {
        matches!(w[0], '到' | '至') && w[1..5].iter().all(char::is_ascii_digit) && w[5] == '年'
    })
}

/// Kind of a measure from its normalised text.
pub(super) fn kind_of(norm: &str) -> Kind {
    let has_number = norm.chars().any(|c| c.is_ascii_digit());
    let profile_words = PROFILE_WORDS.iter().filter(|w| norm.contains(*w)).count();
    if profile_words >= 2 || (profile_words == 1 && has_number) {
        return Kind::Profile;
    }
    if !has_number {
        return Kind::Task;
    }
    if has_deadline(norm) || TARGET_WORDS.iter().any(|w| norm.contains(w)) {
        return Kind::Target;
    }
    // A number with a year or a statistic's unit, and no target verb: a statistic that holds.
    let stat = norm.contains('%')
        || norm.contains("万人")
        || norm.contains("亿元")
        || norm.contains('率')
        || BASELINE_WORDS.iter().any(|w| norm.contains(w));
    if stat { Kind::Baseline } else { Kind::Task }
}

/// Is a paraphrase link between these two measures ruled out by what they state? A place
/// profile (隶属…, 面积…平方公里) describes a pilot and commits to nothing, so it is never the
/// same measure as another in other words (68 candidate pairs of the tune part with a profile,
/// none labelled a partner); copies of one profile are still found by the verbatim tier.
pub(super) fn rules_out_paraphrase(da: &MatchData, db: &MatchData) -> bool {
    da.kinds.kind == Kind::Profile || db.kinds.kind == Kind::Profile
}

/// Kind data of one measure.
pub(super) fn kind_data(norm: &str) -> KindData {
    KindData {
        kind: kind_of(norm),
        numbers: numbers(norm),
    }
}

/// Number of the kind features.
pub(super) const N_KIND_FEATURES: usize = 6;

/// The kind features of a pair, in [`super::model::FEATURES`] order after the first twelve:
/// `same_kind`, `profile`, `baseline_target` (one a baseline, the other a target), `number_jaccard`
/// (distinct numbers both cite over those either cites; 0 when neither cites one), `shared_rarest`
/// (IDF of the rarest shared canonical term over the largest IDF possible) and
/// `term_coverage_max` (IDF of the shared canonical terms over the IDF mass of the heavier
/// measure). `rarest` and `shared` are the largest IDF and the IDF sum (in term order) of the
/// shared canonical terms, counted with the cosines ([`super::scorer`]'s `SharedTerms`).
pub(super) fn kind_features(
    da: &MatchData,
    db: &MatchData,
    (rarest, shared): (f32, f32),
    max_idf: f32,
) -> [f32; N_KIND_FEATURES] {
    let (ka, kb) = (da.kinds.kind, db.kinds.kind);
    let mut f = [0.0; N_KIND_FEATURES];
    f[0] = f32::from(u8::from(ka == kb));
    f[1] = f32::from(u8::from(ka == Kind::Profile || kb == Kind::Profile));
    f[2] = f32::from(u8::from(matches!(
        (ka, kb),
        (Kind::Baseline, Kind::Target) | (Kind::Target, Kind::Baseline)
    )));
    let (na, nb) = (&da.kinds.numbers, &db.kinds.numbers);
    if !na.is_empty() || !nb.is_empty() {
        let (mut i, mut j, mut both) = (0, 0, 0usize);
        while i < na.len() && j < nb.len() {
            match na[i].cmp(&nb[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    both += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        f[3] = both as f32 / (na.len() + nb.len() - both) as f32;
    }
    if max_idf > 0.0 {
        f[4] = (rarest / max_idf).min(1.0);
    }
    let max_mass = da.idf_mass.max(db.idf_mass);
    if max_mass > 0.0 {
        f[5] = (shared / max_mass).min(1.0);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_of_real_sentences() {
        assert_eq!(
            kind_of("宜都市隶属于湖北省宜昌市,是湖北长江经济带的港口城市,国土面积1357平方公里。"),
            Kind::Profile
        );
        assert_eq!(
            kind_of("2014年常住人口城镇化率64.8%,户籍人口城镇化率61.63%。"),
            Kind::Baseline
        );
        assert_eq!(
            kind_of("到2020年,常住人口城镇化率达到43.2%以上,户籍人口城镇化率达到36.1%。"),
            Kind::Target
        );
        assert_eq!(kind_of("推行积分落户政策。"), Kind::Task);
        assert_eq!(kind_of("设立2000万元专项资金。"), Kind::Task);
        // 力争/确保 make a target kind but not the `quantitative` flag (level words only).
        assert_eq!(kind_of("力争2020年建成智慧社区50个。"), Kind::Target);
        assert!(!is_quantitative("力争2020年建成智慧社区50个。"));
        assert!(is_quantitative("到2020年,常住人口城镇化率达到60%。"));
        assert!(!is_quantitative("常住人口城镇化率达到较高水平。"));
        assert_eq!(
            numbers("到2020年达到43.2%,2020年"),
            vec![43.2f32.to_bits(), 2020f32.to_bits()]
        );
    }
}
