//! The words target extraction looks for: units, comparator and action verbs, bounds, fillers
//! and indicator heads. Plain lists, so a new unit or verb is a one-line change.

/// Units a value may carry, longest first where one is a prefix of another.
pub const UNITS: &[&str] = &[
    "个百分点",
    "万平方米",
    "平方公里",
    "平方米",
    "万千瓦时",
    "千瓦时",
    "万亿元",
    "亿千瓦时",
    "万千瓦",
    "万人次",
    "人次",
    "万人",
    "万户",
    "万个",
    "万套",
    "万家",
    "万亩",
    "万吨",
    "万元",
    "亿元",
    "公顷",
    "公里",
    "千米",
    "标台",
    "%",
    "‰",
    "万",
    "亿",
    "元",
    "人",
    "户",
    "亩",
    "吨",
    "个",
    "家",
    "所",
    "座",
    "套",
    "间",
    "张",
    "辆",
    "处",
    "项",
    "条",
    "倍",
];

/// Verbs that bind an indicator (before them) to a value (after them), longest first.
pub const COMPARATORS: &[&str] = &[
    "分别提高到",
    "分别提升到",
    "分别控制在",
    "分别达到",
    "分别超过",
    "分别为",
    "分别达",
    "年均增长率",
    "年均增长",
    "年均提高",
    "年均增速为",
    "平均达到",
    "提高到",
    "提高至",
    "提升到",
    "提升至",
    "增加到",
    "增加至",
    "增长到",
    "增长至",
    "上升到",
    "上升至",
    "下降到",
    "下降至",
    "降低到",
    "降低至",
    "减少到",
    "减少至",
    "控制在",
    "保持在",
    "稳定在",
    "维持在",
    "不低于",
    "不少于",
    "不超过",
    "不高于",
    "达到",
    "超过",
    "突破",
    "提高",
    "提升",
    "增长",
    "增加",
    "下降",
    "降低",
    "减少",
    "缩短",
    "低于",
    "高于",
    "达",
    "超",
    "为",
    "在",
];

/// Action verbs: `新增城镇就业5000人`, `打造50个…项目`.
pub const ACTIONS: &[&str] = &[
    "新增", "累计", "实现", "完成", "培育", "打造", "建成", "建设", "创建", "新建", "改造", "引进",
    "盘活", "转移", "吸纳", "安置", "融资", "培训", "带动", "解决", "提供", "筹集", "安排", "扶持",
];

/// Bounds after a value.
pub(super) const BOUNDS: &[&str] = &["以上", "以内", "以下", "左右"];

/// Words that may sit between a comparator verb and its value.
pub(super) const APPROX: &[&str] = &["约", "近", "超", "逾"];

/// Fillers stripped from the start of an indicator.
pub(super) const LEAD_FILLERS: &[&str] = &[
    "试点期间",
    "期间",
    "届时",
    "其中",
    "同时",
    "力争",
    "确保",
    "争取",
    "努力",
    "预计",
    "计划",
    "实现",
    "完成",
    "使得",
    "使",
    "将",
    "并",
    "且",
    "和",
    "及",
    "与",
    "全市",
    "全区",
    "全县",
    "全镇",
    "全旗",
    "全省",
    "全州",
    "全乡",
    "每年",
    "年均",
    "基本",
    "进一步",
    "要",
    "到",
    "至",
    "在",
    "形成",
    "期末",
    "年底",
    "年末",
    "底",
    "末",
    "前",
    "后",
    "内",
    "以来",
    "时",
];

/// Fillers stripped from the end of an indicator.
pub(super) const TAIL_FILLERS: &[&str] = &[
    "分别", "平均", "均", "要", "将", "力争", "逐步", "稳定", "都", "约", "预计", "累计", "不断",
];

/// Heads an indicator ends with; used to share a head across a list (`常住人口和户籍人口城镇化率`).
pub(super) const HEADS: &[&str] = &[
    "城镇化率",
    "覆盖率",
    "参保率",
    "处理率",
    "普及率",
    "增长率",
    "收入",
    "比重",
    "人口",
    "面积",
    "总值",
    "率",
];

/// Characters joining list items.
pub(super) const CONNECTIVES: &[char] = &['和', '、', '及', '与', '或'];

#[cfg(test)]
mod tests {
    use super::*;

    /// A unit that is a prefix of another (`万` of `万人`) must come after it, or `30万人` would
    /// read as `30万` followed by `人`.
    #[test]
    fn a_unit_comes_before_every_unit_it_is_a_prefix_of() {
        for (i, short) in UNITS.iter().enumerate() {
            for long in &UNITS[i + 1..] {
                assert!(
                    !(long.starts_with(short) && long != short),
                    "{long} must come before {short}"
                );
            }
        }
        assert!(UNITS.contains(&"万人") && UNITS.contains(&"%"));
    }
}
