//! Tagging a measure or a passage of a loaded plan, as the app's menus and number keys do it:
//! the plan and measure are looked up in the corpus and a missing one is a typed
//! [`TagError`], not a string. The app's project state calls these and marks the project
//! changed; they are tested here without the `gui` feature.

use std::ops::Range;

use crate::corpus::Corpus;
use crate::plan::Plan;
use crate::project::{Project, Tag, TagError};

/// The plan `plan_id` of `corpus`.
fn plan<'a>(corpus: &'a Corpus, plan_id: &str) -> Result<&'a Plan, TagError> {
    corpus
        .plans
        .iter()
        .find(|p| p.plan_id == plan_id)
        .ok_or_else(|| TagError::NotFound(plan_id.to_owned()))
}

/// Tag measure `measure_index` (of `Plan::measures()`) of plan `plan_id` with `theme_id`;
/// returns the new tag's id.
pub fn tag_measure(
    project: &mut Project,
    corpus: &Corpus,
    plan_id: &str,
    measure_index: usize,
    theme_id: &str,
) -> Result<u64, TagError> {
    let plan = plan(corpus, plan_id)?;
    let measures = plan.measures();
    let measure = measures
        .get(measure_index)
        .ok_or_else(|| TagError::NotFound(format!("{plan_id} #{}", measure_index + 1)))?;
    let tag = Tag::for_measure(plan, measure, theme_id)?;
    Ok(project.add_tag(tag))
}

/// Tag the passage `byte_range` of plan `plan_id`'s own text with `theme_id`, or with `remove`
/// take that passage's `theme_id` tag off. Returns whether the project changed.
pub fn tag_span(
    project: &mut Project,
    corpus: &Corpus,
    plan_id: &str,
    byte_range: Range<usize>,
    theme_id: &str,
    remove: bool,
) -> Result<bool, TagError> {
    if remove {
        let before = project.tags.len();
        project.tags.retain(|t| {
            !(t.plan_id == plan_id
                && t.theme_id == theme_id
                && t.measure_id.is_none()
                && t.byte_range == byte_range)
        });
        return Ok(project.tags.len() != before);
    }
    let tag = Tag::for_span(plan(corpus, plan_id)?, byte_range, theme_id)?;
    project.add_tag(tag);
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::TextFile;
    use crate::themes::Codebook;

    fn corpus(text: &str) -> Corpus {
        let file = TextFile {
            path: "试点方案.txt".into(),
            encoding: "UTF-8",
            text: text.to_owned(),
        };
        Corpus {
            plans: crate::plan::parse_document(&file),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    const PLAN: &str = "某县城乡融合发展试验区实施方案\n\n一、主要任务\n（一）深化户籍制度改革。全面放开落户限制，推动农业转移人口市民化。\n（二）稳慎推进宅基地制度改革。探索闲置宅基地和闲置农房盘活利用。\n";

    #[test]
    fn a_measure_is_tagged_and_a_missing_plan_or_measure_is_a_typed_error() {
        let corpus = corpus(PLAN);
        let plan = &corpus.plans[0];
        assert!(!plan.measures().is_empty(), "the plan has measures");
        let mut project = Project::new(Codebook::default());
        let id = tag_measure(&mut project, &corpus, &plan.plan_id, 0, "huji").unwrap();
        assert_eq!(project.tags.len(), 1);
        assert_eq!(project.tags[0].tag_id, id);
        assert_eq!(project.tags[0].theme_id, "huji");
        assert!(project.tags[0].measure_id.is_some());
        assert_eq!(
            tag_measure(&mut project, &corpus, "不存在的方案", 0, "huji"),
            Err(TagError::NotFound("不存在的方案".into()))
        );
        let past = plan.measures().len();
        assert!(matches!(
            tag_measure(&mut project, &corpus, &plan.plan_id, past, "huji"),
            Err(TagError::NotFound(key)) if key.ends_with(&format!("#{}", past + 1))
        ));
        assert_eq!(project.tags.len(), 1, "failed tags add nothing");
    }

    #[test]
    fn a_passage_is_tagged_and_untagged_and_a_bad_range_is_refused() {
        let corpus = corpus(PLAN);
        let plan = &corpus.plans[0];
        let text = plan.original_text();
        let start = text.find("宅基地").unwrap();
        let range = start..start + "宅基地".len();
        let mut project = Project::new(Codebook::default());
        assert_eq!(
            tag_span(
                &mut project,
                &corpus,
                &plan.plan_id,
                range.clone(),
                "zhaijidi",
                false
            ),
            Ok(true)
        );
        assert_eq!(project.tags.len(), 1);
        // Half a character is not a passage.
        assert!(matches!(
            tag_span(
                &mut project,
                &corpus,
                &plan.plan_id,
                start + 1..start + 3,
                "zhaijidi",
                false
            ),
            Err(TagError::BadRange { .. })
        ));
        assert_eq!(
            tag_span(
                &mut project,
                &corpus,
                &plan.plan_id,
                range.clone(),
                "zhaijidi",
                true
            ),
            Ok(true)
        );
        assert!(project.tags.is_empty());
        assert_eq!(
            tag_span(
                &mut project,
                &corpus,
                &plan.plan_id,
                range,
                "zhaijidi",
                true
            ),
            Ok(false),
            "nothing left to remove"
        );
    }
}
