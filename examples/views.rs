//! The search, families, overview and targets panels in a window of their own, before the app
//! wires them in: `cargo run --example views -- [search|families|family|overview|targets] [query]`
//! (`family`: open the first family matching the query).
//! Commands the panels return are printed on stdout. `DUIZHAO_LANG=en`: English labels;
//! `DUIZHAO_LIGHT=1`: the light theme.

#[cfg(feature = "gui")]
fn main() -> eframe::Result {
    use duizhao::corpus::{default_seed_dir, load_paths};
    use duizhao::matching::Analysis;
    use duizhao::ui::families_view::FamiliesView;
    use duizhao::ui::overview::OverviewView;
    use duizhao::ui::search_panel::SearchPanel;
    use duizhao::ui::targets_view::TargetsView;
    use duizhao::ui::{Language, theme};

    let mut args = std::env::args().skip(1);
    let tab = args.next().unwrap_or_else(|| "search".to_owned());
    let query = args.next().unwrap_or_default();
    let english = std::env::var("DUIZHAO_LANG").is_ok_and(|l| l == "en");
    let light = std::env::var("DUIZHAO_LIGHT").is_ok();
    let corpus = std::sync::Arc::new(load_paths(&[default_seed_dir()]));
    let analysis = std::sync::Arc::new(Analysis::build(&corpus.plans));
    let mut search = SearchPanel::new();
    search.query = query.clone();
    let mut families = FamiliesView::default();
    if tab == "family" {
        // Open the first family matching the query.
        let rows = duizhao::collate::family_rows(&corpus.plans, &analysis);
        let id = rows.iter().find(|r| r.matches(&query)).map(|r| r.family_id);
        families.open(&corpus, &analysis, id);
    }
    families.filter = query;
    let mut overview = OverviewView::default();
    let mut targets = TargetsView::default();
    let mut fonts_installed = false;
    let lang = if english {
        Language::English
    } else {
        Language::Chinese
    };
    eframe::run_ui_native(
        "duizhao views",
        eframe::NativeOptions {
            viewport: egui::ViewportBuilder::default().with_inner_size([1200.0, 900.0]),
            ..Default::default()
        },
        move |ui, _frame| {
            if !fonts_installed {
                theme::install_fonts(ui.ctx());
                theme::apply_style(ui.ctx(), !light);
                fonts_installed = true;
            }
            egui::CentralPanel::default().show(ui, |ui| {
                let command = match tab.as_str() {
                    "families" | "family" => families.show(ui, &corpus, &analysis, lang),
                    "overview" => overview.show(ui, &corpus, &analysis, lang),
                    "targets" => targets.show(ui, &corpus, &[], lang),
                    _ => search.show(ui, &corpus, &[], lang),
                };
                if let Some(c) = command {
                    println!("{c:?}");
                }
            });
        },
    )
}

#[cfg(not(feature = "gui"))]
fn main() {}
