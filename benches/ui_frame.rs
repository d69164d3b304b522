//! `ui_frame`: the app's real UI code run headless (an `egui::Context` without a window or GPU)
//! on the comparison of the eight seed plans with the most measures, scrolled from the first row
//! to the last.
//!
//! Each frame is `Context::run_ui` with the whole app (title bar, library, status bar, compare
//! view) plus `Context::tessellate`, i.e. all the CPU work of a frame except the GPU upload. The
//! scroll pass moves by half a screen a frame through the whole table and prints the median,
//! 95th percentile and slowest frame; criterion then times a frame at the middle of the table.
//! Also printed: the time from creating the app to the first frame that lists the plans.
//!
//! Run: `cargo bench --bench ui_frame`. Figures: `docs/benchmarks.md`.

// A benchmark: failing to load the seeds should stop it loudly.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::Criterion;
use duizhao::ui::{DuizhaoApp, Settings, View, theme};

const SCREEN: egui::Vec2 = egui::vec2(1600.0, 1000.0);

fn input(time: f64) -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, SCREEN)),
        time: Some(time),
        ..Default::default()
    }
}

/// One frame: run the app's ui and tessellate its shapes.
fn frame(ctx: &egui::Context, app: &mut DuizhaoApp, time: f64) {
    let out = ctx.run_ui(input(time), |ui| app.show(ui));
    let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
    std::hint::black_box(prims);
}

/// An app comparing the eight plans with the most measures, loaded and laid out.
fn loaded_app() -> (egui::Context, DuizhaoApp, f64) {
    let seeds = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let corpus = duizhao::corpus::load_paths(std::slice::from_ref(&seeds));
    let mut plans: Vec<_> = corpus.plans.iter().collect();
    plans.sort_by_key(|p| std::cmp::Reverse(p.measures().len()));
    let settings = Settings {
        compared_plans: plans.iter().take(8).map(|p| p.plan_id.clone()).collect(),
        view: View::Compare,
        ..Settings::default()
    };
    let ctx = egui::Context::default();
    theme::install_bundled_fonts(&ctx);
    let mut app = DuizhaoApp::new(vec![seeds], settings);
    let started = Instant::now();
    let mut time = 0.0;
    while app.is_loading() || app.is_analysing() {
        frame(&ctx, &mut app, time);
        time += 1.0 / 60.0;
        std::thread::sleep(Duration::from_millis(2));
        assert!(started.elapsed() < Duration::from_secs(120), "not loaded");
    }
    if let Some(t) = app.first_content_frame() {
        eprintln!(
            "ui_frame: first frame with plans {} ms after creating the app",
            t.as_millis()
        );
    }
    // Two frames: build the comparison and lay out its rows.
    for _ in 0..2 {
        frame(&ctx, &mut app, time);
        time += 1.0 / 60.0;
    }
    (ctx, app, time)
}

fn scroll_pass(ctx: &egui::Context, app: &mut DuizhaoApp, mut time: f64) -> f64 {
    let total = app.compare_view().content_height();
    let rows = app.comparison().map_or(0, |c| c.rows.len());
    let mut times = Vec::new();
    let mut y = 0.0;
    while y <= total {
        app.compare_view_mut().scroll_to(y);
        let started = Instant::now();
        frame(ctx, app, time);
        times.push(started.elapsed());
        time += 1.0 / 60.0;
        y += SCREEN.y / 2.0;
    }
    times.sort();
    let median = times[times.len() / 2];
    let p95 = times[times.len() * 95 / 100];
    let max = times[times.len() - 1];
    eprintln!(
        "ui_frame: 8 columns, {rows} rows, {total:.0} pt tall, {} frames: median {:.2} ms, p95 {:.2} ms, slowest {:.2} ms",
        times.len(),
        median.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
    time
}

fn bench(c: &mut Criterion) {
    let (ctx, mut app, time) = loaded_app();
    let mut time = scroll_pass(&ctx, &mut app, time);
    // Once more, with every galley already in egui's cache (the usual case while reading).
    time = scroll_pass(&ctx, &mut app, time);
    let middle = app.compare_view().content_height() / 2.0;
    c.bench_function("ui_frame_8_columns_mid_table", |b| {
        b.iter(|| {
            app.compare_view_mut().scroll_to(middle);
            frame(&ctx, &mut app, time);
            time += 1.0 / 60.0;
        })
    });
}

fn main() {
    let mut c = Criterion::default().configure_from_args().sample_size(30);
    bench(&mut c);
    c.final_summary();
}
