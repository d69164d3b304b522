//! [`UiCommand`]: what a view asks the app to do. A leaf: views push commands, the app applies
//! them once per frame after drawing; neither side imports the other for it.

/// What a view asks the app to do; views return these and the app applies them once per frame,
/// after drawing (so no view mutates another's state while it is being drawn).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UiCommand {
    /// Show these plans (plan ids, column order) side by side in the compare view.
    ComparePlans(Vec<String>),
    /// Show one plan alone in the plan view.
    OpenPlan(String),
    /// Bring a measure into view and flash it: in the compare view if its plan is compared,
    /// else in the plan view. `measure_index` indexes the plan's `measures()`.
    FocusMeasure {
        /// The plan's id.
        plan_id: String,
        /// Index of the measure within the plan's `measures()`.
        measure_index: usize,
    },
    /// Tag a measure with a theme of the project's codebook.
    TagMeasure {
        /// The plan's id.
        plan_id: String,
        /// Index of the measure within the plan's `measures()`.
        measure_index: usize,
        /// The theme.
        theme_id: String,
    },
    /// Tag (or untag) a passage of a plan: a section, or text selected in the detail bar.
    TagSpan {
        /// The plan's id.
        plan_id: String,
        /// Byte range in the plan's own text (`Plan::original_text`).
        byte_range: std::ops::Range<usize>,
        /// The theme.
        theme_id: String,
        /// Remove the tag instead of adding it.
        remove: bool,
    },
    /// Set the memo of a tag.
    SetMemo {
        /// The tag.
        tag_id: u64,
        /// The new memo.
        memo: String,
    },
    /// Open the reuse report (文本复用) of a plan.
    ReuseReport(String),
    /// Compare two plans (in this order) and focus measure `measure_a` of the first, its
    /// characters in common with measure `measure_b` of the second marked (a reuse passage).
    ComparePassage {
        /// The first plan's id.
        plan_a: String,
        /// Index of the measure within its `measures()`.
        measure_a: usize,
        /// The second plan's id.
        plan_b: String,
        /// Index of the measure within its `measures()`.
        measure_b: usize,
    },
    /// Remove a theme's tags from a measure.
    UntagMeasure {
        /// The plan's id.
        plan_id: String,
        /// Index of the measure within the plan's `measures()`.
        measure_index: usize,
        /// The theme.
        theme_id: String,
    },
}
