//! Why the focused measure matches its partners: the characters it shares with each partner
//! shown in the comparison, marked in both measures ([`crate::matching::Analysis::explain`]:
//! runs of shared content characters after folding width and script), with the link's tier and
//! score for the tooltips and the detail bar.
//!
//! Worked out once when the focus changes (not while painting), for the focused measure and its
//! best partner in each other column, plus a partner named by the caller (a passage of the reuse
//! report opens the comparison on a pair the engine need not have linked).

use std::collections::HashMap;
use std::ops::Range;

use crate::chars::merge_ranges;
use crate::comparison::Comparison;
use crate::comparison::MeasurePos;
use crate::corpus::Corpus;
use crate::matching::Analysis;
use crate::matching::Tier;

/// One focused measure and one of its partners.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchInfo {
    /// The focused measure.
    pub focus: MeasurePos,
    /// The partner.
    pub partner: MeasurePos,
    /// The link's tier; `None` when the engine did not link the two (a reuse passage).
    pub tier: Option<Tier>,
    /// The link's score, or the scorer's probability when they are not linked.
    pub score: f32,
    /// Content characters of the focused measure inside a shared run.
    pub focus_chars: usize,
    /// Content characters of the partner inside a shared run.
    pub partner_chars: usize,
    /// Policy terms the two share (canonical forms).
    pub shared_terms: Vec<String>,
}

/// The marks of the current focus.
#[derive(Debug, Default)]
pub(super) struct MatchMarks {
    /// The focus (and the extra partner) they were worked out for.
    key: Option<(MeasurePos, Option<MeasurePos>)>,
    /// Byte ranges of each measure's display text (`CellMeasure::text`) shared with the other
    /// side, by position.
    pub(super) ranges: HashMap<MeasurePos, Vec<Range<usize>>>,
    /// One entry per partner, in column order.
    pub(super) infos: Vec<MatchInfo>,
}

fn content_len(text: &str, ranges: &[Range<usize>]) -> usize {
    ranges
        .iter()
        .filter_map(|r| text.get(r.clone()))
        .map(|s| s.chars().filter(|c| c.is_alphanumeric()).count())
        .sum()
}

impl MatchMarks {
    /// Work the marks out again if the focus (or the extra partner) changed.
    pub(super) fn update(
        &mut self,
        table: Option<&Comparison>,
        corpus: &Corpus,
        analysis: &Analysis,
        focus: Option<MeasurePos>,
        extra: Option<(MeasurePos, MeasurePos)>,
    ) {
        let extra = extra.filter(|(a, _)| Some(*a) == focus).map(|(_, b)| b);
        let key = focus.map(|f| (f, extra));
        if key == self.key {
            return;
        }
        self.key = key;
        self.ranges.clear();
        self.infos.clear();
        let (Some(table), Some(pos)) = (table, focus) else {
            return;
        };
        let Some(m) = table.measure(pos) else {
            return;
        };
        let mut partners = table.partners(analysis, pos);
        if let Some(b) = extra
            && b.col != pos.col
            && !partners.contains(&b)
        {
            partners.retain(|p| p.col != b.col);
            partners.push(b);
            partners.sort_by_key(|p| p.col);
        }
        let mut own: Vec<Range<usize>> = Vec::new();
        for p in partners {
            let Some(pm) = table.measure(p) else {
                continue;
            };
            let explained = m
                .flat
                .zip(pm.flat)
                .and_then(|(i, j)| analysis.explain(&corpus.plans, i, j));
            let (tier, score, sa, sb, shared_terms) = match explained {
                Some(e) => (e.tier, e.score, e.spans_a, e.spans_b, e.shared_terms),
                None => {
                    let (sa, sb) = crate::matching::match_spans(&m.text, &pm.text);
                    (None, 0.0, sa, sb, Vec::new())
                }
            };
            self.infos.push(MatchInfo {
                focus: pos,
                partner: p,
                tier,
                score,
                focus_chars: content_len(&m.text, &sa),
                partner_chars: content_len(&pm.text, &sb),
                shared_terms,
            });
            own.extend(sa);
            self.ranges.insert(p, sb);
        }
        self.ranges.insert(pos, merge_ranges(own));
    }

    /// The shared ranges of the measure at `pos` (empty when it is neither focused nor a partner).
    pub(super) fn of(&self, pos: MeasurePos) -> &[Range<usize>] {
        self.ranges.get(&pos).map_or(&[], Vec::as_slice)
    }

    /// What `pos` has to do with the focus: the entries where it is the focus or the partner.
    pub(super) fn infos_of(&self, pos: MeasurePos) -> impl Iterator<Item = &MatchInfo> {
        self.infos
            .iter()
            .filter(move |i| i.focus == pos || i.partner == pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_ranges_merge() {
        assert_eq!(merge_ranges(vec![6..9, 0..3, 2..5]), vec![0..5, 6..9]);
        let whole = vec![0..15, 15..15];
        assert_eq!(content_len("积分落户，制度", &whole), 4);
    }
}
