//! Error and notice texts in the interface language.
//!
//! The core's errors are English sentences that name the file first (`PATH: cannot read file:
//! …`), so that the CLI prints them as they are. The app shows them in the UI language: the
//! phrase after the file name is translated here, the file name and the technical detail (the
//! operating system's message, a parser's position) are kept.

use std::sync::OnceLock;

use regex::Regex;

use super::settings::Language;

/// English phrase (a regex, with groups kept in order) → Chinese template (`$1`, `$2`…).
const PHRASES: &[(&str, &str)] = &[
    (r": cannot read file: ", "：无法读取文件："),
    (r": cannot read folder: ", "：无法读取文件夹："),
    (r": file is empty$", "：文件是空的"),
    (
        r": file is too large \((\d+) MB, limit (\d+) MB\)",
        "：文件太大（$1 MB，上限 $2 MB）",
    ),
    (r": not a text file \((.*)\)$", "：不是可读的文本文件（$1）"),
    (
        r": unsupported file type '([^']*)' \((.*)\)$",
        "：不支持的文件类型“$1”（$2）",
    ),
    (r": no such project file$", "：项目文件不存在"),
    (r": cannot read project: ", "：无法读取项目："),
    (
        r": not a duizhao project \((.*)\)$",
        "：不是 duizhao 项目（$1）",
    ),
    (r": the project file is damaged: ", "：项目文件已损坏："),
    (r": cannot save project: ", "：无法保存项目："),
    (r": cannot read codebook: ", "：无法读取编码本："),
    (r": not a valid codebook: ", "：不是有效的编码本："),
    (r": invalid codebook: ", "：编码本无效："),
    (r": cannot write codebook: ", "：无法写入编码本："),
    (r": cannot write: ", "：无法写入："),
    (
        r": the file already exists \(use --force to overwrite it\)",
        "：文件已存在",
    ),
    (
        r"^no plan named '([^']*)' \((\d+) plans loaded; `duizhao plans` lists them\)$",
        "没有名为“$1”的方案（已载入 $2 个方案）",
    ),
    (
        r"^no plan named '([^']*)'; close names: (.*)$",
        "没有名为“$1”的方案；相近的名称：$2",
    ),
    (
        r": changed since the project was saved$",
        "：项目保存后此文件已改动",
    ),
    (r": cannot be read$", "：无法读取"),
    (
        r"^(\d+) tags were found again at a new place in their changed documents$",
        "$1 个编码在改动后的文档中的新位置重新找到",
    ),
    (
        r"^(\d+) tags lost their text \(kept in the project as orphaned; see the Themes view\)$",
        "$1 个编码找不到原文（作为孤立编码保留在项目中，见“主题编码”视图）",
    ),
    (
        r"^unsaved changes of the previous project were kept in ",
        "上一个项目未保存的修改已保存在 ",
    ),
    (
        r"^the loader stopped without a result$",
        "载入线程没有结果就停止了",
    ),
    (
        r"^the analysis stopped without a result$",
        "分析线程没有结果就停止了",
    ),
    (r"^cannot start the loader thread: ", "无法启动载入线程："),
    (r"^loading was cancelled$", "载入已取消"),
    (r"No such file or directory", "文件或文件夹不存在"),
    (r"Permission denied", "没有权限"),
    (r"Is a directory", "这是一个文件夹"),
];

fn compiled() -> &'static [(Regex, &'static str)] {
    static CELL: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    CELL.get_or_init(|| {
        PHRASES
            .iter()
            .filter_map(|(re, zh)| Regex::new(re).ok().map(|r| (r, *zh)))
            .collect()
    })
}

/// `message` (one of the core's or the app's English error texts) in `lang`.
pub fn localize(message: &str, lang: Language) -> String {
    if lang == Language::English {
        return message.to_owned();
    }
    let mut out = message.to_owned();
    for (re, zh) in compiled() {
        if re.is_match(&out) {
            out = re.replace(&out, *zh).into_owned();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_read_in_chinese_with_the_file_kept() {
        let e = "/tmp/a.txt: cannot read file: No such file or directory (os error 2)";
        assert_eq!(
            localize(e, Language::Chinese),
            "/tmp/a.txt：无法读取文件：文件或文件夹不存在 (os error 2)"
        );
        assert_eq!(localize(e, Language::English), e);
        assert_eq!(
            localize(
                "no plan named 'B' (63 plans loaded; `duizhao plans` lists them)",
                Language::Chinese
            ),
            "没有名为“B”的方案（已载入 63 个方案）"
        );
        assert_eq!(
            localize(
                "x.bin: unsupported file type 'bin' (not a plan)",
                Language::Chinese
            ),
            "x.bin：不支持的文件类型“bin”（not a plan）"
        );
    }
}
