//! Write a team project for the Agreement screenshot (`docs/agreement.png`): the Jinan
//! Shizhong seed coded by two coders, 王 and 李, who agree on most measures and differ on some.
//! `cargo run --example two_coders -- OUT.duizhao.ron` (the seed is copied next to it).

use std::path::PathBuf;

use duizhao::corpus::{default_seed_dir, load_paths};
use duizhao::project::{Project, Tag};
use duizhao::themes::bundled_codebooks;

fn main() -> anyhow::Result<()> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "team.duizhao.ron".into()),
    );
    let dir = out.parent().map(PathBuf::from).unwrap_or_default();
    let seed = std::fs::read_dir(default_seed_dir())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("05_"))
        })
        .ok_or_else(|| anyhow::anyhow!("no 05_ seed in {}", default_seed_dir().display()))?;
    let doc = dir.join("市中区方案.txt");
    std::fs::copy(&seed, &doc)?;
    let corpus = load_paths(std::slice::from_ref(&doc));
    let plan = corpus
        .plans
        .first()
        .ok_or_else(|| anyhow::anyhow!("{}: no plan", doc.display()))?;
    let codebook = bundled_codebooks()
        .into_iter()
        .find(|(name, _)| name.starts_with("urban"))
        .map(|(_, c)| c)
        .ok_or_else(|| anyhow::anyhow!("no bundled urban-rural codebook"))?;
    let mut project = Project::new(codebook);
    project.add_document(&doc)?;
    let measures = plan.measures();
    // (measure, theme, coders): both agree, or only one of them saw it.
    let coding: &[(usize, &str, &[&str])] = &[
        (0, "shiyanqu", &["王", "李"]),
        (1, "shiyanqu", &["王", "李"]),
        (2, "huji_qianxi", &["王", "李"]),
        (3, "huji_qianxi", &["王"]),
        (4, "zhaijidi", &["王", "李"]),
        (5, "zhaijidi", &["李"]),
        (6, "jiti_rushi", &["王", "李"]),
        (7, "jiti_rushi", &["王", "李"]),
        (8, "gonggong_fuwu", &["王", "李"]),
        (9, "gonggong_fuwu", &["李"]),
        (10, "duoyuan_tourongzi", &["王", "李"]),
        (11, "duoyuan_tourongzi", &["王"]),
        (12, "nongmin_zengshou", &["王", "李"]),
    ];
    for (k, theme, coders) in coding {
        let Some(m) = measures.get(*k) else { continue };
        for coder in *coders {
            let mut tag = Tag::for_measure(plan, m, theme)?;
            tag.coder = (*coder).to_owned();
            project.add_tag(tag);
        }
    }
    project.save(&out)?;
    println!("{}", out.display());
    Ok(())
}
