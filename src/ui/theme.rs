//! Fonts, text sizes and colours.
//!
//! egui's built-in fonts have no CJK glyphs, so the app always installs a CJK font: the full
//! Noto Sans CJK SC of the system when one is found at a known path, and in any case the subset of
//! it bundled in `assets/fonts/` (GB 18030 levels 1 and 2, all of Big5, and every character of the
//! seeds and the real test documents; see `assets/fonts/README.md`), which is the fallback for anything the system font lacks and the
//! only CJK font on machines without one.

use std::sync::Arc;

use egui::epaint::text::{FontData, FontDefinitions, FontFamily};
use egui::{Color32, FontId, TextStyle};

use crate::outline::SectionKind;

/// The bundled CJK font: a subset of Noto Sans CJK SC (SIL Open Font License 1.1).
pub static BUNDLED_CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansCJKsc-Subset.otf");

/// Font name of the bundled subset in [`FontDefinitions`].
pub const BUNDLED_FONT_NAME: &str = "NotoSansCJKsc-Subset";

/// Font name of a system CJK font in [`FontDefinitions`], when one was found.
pub const SYSTEM_FONT_NAME: &str = "system-cjk";

/// Known places of a system CJK font, with the face index of its Simplified Chinese face.
const SYSTEM_CJK_FONTS: &[(&str, u32)] = &[
    // Debian, Ubuntu (fonts-noto-cjk): JP, KR, SC, TC, HK.
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    // Arch (noto-fonts-cjk).
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    // Fedora (google-noto-sans-cjk-fonts).
    (
        "/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc",
        2,
    ),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        2,
    ),
    // Windows: Microsoft YaHei.
    ("C:\\Windows\\Fonts\\msyh.ttc", 0),
];

/// Which CJK fonts [`install_fonts`] installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledFonts {
    /// Path of the system CJK font that takes precedence, if one was found.
    pub system_font: Option<String>,
}

/// Install the CJK fonts in `ctx`: a system Noto Sans CJK if found, then the bundled subset.
///
/// Both go before egui's own Latin font for proportional text (so that Chinese punctuation and
/// Latin letters in Chinese text share one design) and after Hack for monospace text.
pub fn install_fonts(ctx: &egui::Context) -> InstalledFonts {
    let system = find_system_font();
    ctx.set_fonts(font_definitions(
        system.as_ref().map(|(_, data)| data.clone()),
    ));
    InstalledFonts {
        system_font: system.map(|(path, _)| path),
    }
}

/// Install only the bundled subset (no system font): what the tests use, so that they check the
/// subset covers everything the app shows.
pub fn install_bundled_fonts(ctx: &egui::Context) {
    ctx.set_fonts(font_definitions(None));
}

/// Font definitions: egui's defaults plus the CJK fonts.
pub fn font_definitions(system: Option<FontData>) -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    let mut cjk = Vec::new();
    if let Some(data) = system {
        fonts
            .font_data
            .insert(SYSTEM_FONT_NAME.to_owned(), Arc::new(data));
        cjk.push(SYSTEM_FONT_NAME.to_owned());
    }
    fonts.font_data.insert(
        BUNDLED_FONT_NAME.to_owned(),
        Arc::new(FontData::from_static(BUNDLED_CJK_FONT)),
    );
    cjk.push(BUNDLED_FONT_NAME.to_owned());

    let proportional = fonts.families.entry(FontFamily::Proportional).or_default();
    for (k, name) in cjk.iter().enumerate() {
        proportional.insert(k, name.clone());
    }
    let monospace = fonts.families.entry(FontFamily::Monospace).or_default();
    let at = monospace.len().min(1);
    for (k, name) in cjk.iter().enumerate() {
        monospace.insert(at + k, name.clone());
    }
    fonts
}

/// The first readable system CJK font of [`SYSTEM_CJK_FONTS`], as font data.
fn find_system_font() -> Option<(String, FontData)> {
    for (path, index) in SYSTEM_CJK_FONTS {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        // egui panics on a font it cannot parse: take only a file whose table directory is sound.
        if !sfnt_face_ok(&bytes, *index) {
            continue;
        }
        let blob: egui::epaint::text::Blob = Arc::new(bytes);
        return Some(((*path).to_owned(), FontData::from_blob(blob, *index)));
    }
    None
}

/// Whether `bytes` hold an OpenType/TrueType face `index` (a collection, or a single font with
/// index 0) whose table directory lies within the file and has a `cmap`.
pub fn sfnt_face_ok(bytes: &[u8], index: u32) -> bool {
    let u32_at = |at: usize| -> Option<u32> {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let u16_at = |at: usize| -> Option<u16> {
        bytes
            .get(at..at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
    };
    let check = || -> Option<bool> {
        let offset = if bytes.get(0..4)? == b"ttcf" {
            if index >= u32_at(8)? {
                return Some(false);
            }
            u32_at(12 + 4 * index as usize)? as usize
        } else if index == 0 {
            0
        } else {
            return Some(false);
        };
        let version = bytes.get(offset..offset + 4)?;
        if version != [0, 1, 0, 0] && version != b"OTTO" && version != b"true" {
            return Some(false);
        }
        let tables = usize::from(u16_at(offset + 4)?);
        let mut has_cmap = false;
        for t in 0..tables {
            let record = offset + 12 + 16 * t;
            let start = u32_at(record + 8)? as usize;
            let len = u32_at(record + 12)? as usize;
            if start.checked_add(len)? > bytes.len() {
                return Some(false);
            }
            has_cmap |= bytes.get(record..record + 4)? == b"cmap";
        }
        Some(has_cmap)
    };
    check().unwrap_or(false)
}

/// Text sizes, spacing and the light or dark theme.
pub fn apply_style(ctx: &egui::Context, dark: bool) {
    ctx.set_theme(if dark {
        egui::Theme::Dark
    } else {
        egui::Theme::Light
    });
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (TextStyle::Heading, FontId::proportional(21.0)),
            (TextStyle::Body, FontId::proportional(15.0)),
            (TextStyle::Button, FontId::proportional(14.5)),
            (TextStyle::Small, FontId::proportional(12.0)),
            (TextStyle::Monospace, FontId::monospace(13.5)),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(8.0, 5.0);
        style.spacing.button_padding = egui::vec2(7.0, 3.0);
    });
}

/// Glyphs rasterised ahead, a little each frame while the plans load: the first frame that
/// showed a loaded plan spent 15–40 ms rasterising the glyphs of its text (laying the same rows
/// out again with the glyphs in the atlas took 0.9 ms). Warmed: the 3,755 characters of GB 2312
/// level 1 (the common ones), ASCII and CJK punctuation (these at one sub-pixel offset of the
/// four egui may rasterise them at; ideographs have one bitmap each), at the body size, then the button
/// (library rows) and heading sizes, while the font atlas is less than
/// [`GlyphWarmer::MAX_FILL`] full (egui clears a full atlas, and everything with it).
#[derive(Debug)]
pub struct GlyphWarmer {
    chars: Vec<char>,
    /// Which size is being warmed and how many of its characters are done.
    size: usize,
    next: usize,
    done: bool,
}

impl Default for GlyphWarmer {
    fn default() -> Self {
        GlyphWarmer::common()
    }
}

impl GlyphWarmer {
    /// Fill of the font atlas above which nothing more is warmed.
    pub const MAX_FILL: f32 = 0.45;
    /// Characters laid out at a time.
    const CHUNK: usize = 16;

    /// The common characters: printable ASCII, CJK and full-width punctuation, GB 2312 level 1.
    pub fn common() -> GlyphWarmer {
        let mut chars: Vec<char> = (0x20u8..0x7F).map(char::from).collect();
        chars.extend("，。、；：？！“”‘’（）《》【】—…·％".chars());
        let mut bytes = Vec::with_capacity(2 * 94 * 40);
        for lead in 0xB0u8..=0xD7 {
            for trail in 0xA1u8..=0xFE {
                bytes.extend([lead, trail]);
            }
        }
        let (text, _) = encoding_rs::GBK.decode_without_bom_handling(&bytes);
        chars.extend(
            text.chars()
                .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c)),
        );
        GlyphWarmer {
            chars,
            size: 0,
            next: 0,
            done: false,
        }
    }

    /// Everything warmed (or the atlas too full to go on)?
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// How far the warming got: (sizes done, characters of the next size done).
    pub fn progress(&self) -> (usize, usize) {
        (self.size, self.next)
    }

    /// Characters to warm at each size.
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// No characters to warm?
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Rasterise the next glyphs for at most `budget`; whether work remains.
    pub fn step(&mut self, ctx: &egui::Context, budget: std::time::Duration) -> bool {
        if self.done {
            return false;
        }
        let started = std::time::Instant::now();
        let style = ctx.global_style();
        let size_of = |t: TextStyle| style.text_styles.get(&t).map_or(15.0, |f| f.size);
        let body = size_of(TextStyle::Body);
        // Body (plan text, measures), button (library rows), the plan view's heading sizes,
        // small (counts, notes).
        let sizes = [
            body,
            size_of(TextStyle::Button),
            body + 3.0,
            body + 1.5,
            size_of(TextStyle::Small),
        ];
        while started.elapsed() < budget {
            if ctx.fonts(|f| f.font_atlas_fill_ratio()) > Self::MAX_FILL {
                self.done = true;
                return false;
            }
            let Some(&size) = sizes.get(self.size) else {
                self.done = true;
                return false;
            };
            let end = (self.next + Self::CHUNK).min(self.chars.len());
            let text: String = self
                .chars
                .get(self.next..end)
                .unwrap_or(&[])
                .iter()
                .collect();
            ctx.fonts_mut(|f| {
                f.layout_no_wrap(text, FontId::proportional(size), Color32::WHITE);
            });
            self.next = end;
            if self.next >= self.chars.len() {
                self.size += 1;
                self.next = 0;
            }
        }
        true
    }
}

/// Background colour of the tag of a section kind.
pub fn kind_color(kind: SectionKind, dark: bool) -> Color32 {
    let (r, g, b) = match kind {
        SectionKind::Profile => (120, 120, 200),
        SectionKind::Guidance => (190, 90, 90),
        SectionKind::Principles => (190, 130, 60),
        SectionKind::Goals => (60, 150, 90),
        SectionKind::Tasks => (50, 120, 190),
        SectionKind::Safeguards => (140, 90, 170),
        SectionKind::Other => (128, 128, 128),
    };
    if dark {
        Color32::from_rgb(r / 2, g / 2, b / 2)
    } else {
        Color32::from_rgb(
            (u16::from(r) + 3 * 255).div_ceil(4) as u8,
            (u16::from(g) + 3 * 255).div_ceil(4) as u8,
            (u16::from(b) + 3 * 255).div_ceil(4) as u8,
        )
    }
}
