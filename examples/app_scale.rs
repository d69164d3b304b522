//! `app_scale`: the real app opened headless on a big corpus (issue 18): time to the first frame,
//! to the plans listed and analysed, until each derived view has its data after it is opened
//! (with the slowest frame while it computes: the UI must stay responsive), the frames that take
//! data in (corpus, analysis, each view's data: `swap frame`), frame times while
//! scrolling each view and the library, and the process's peak memory (VmHWM).
//!
//! Each frame is `Context::run_ui` with the whole app plus `Context::tessellate`: all the CPU work
//! of a frame except the GPU upload, as in `benches/ui_frame.rs`.
//!
//! ```text
//! cargo run --release --no-default-features --example make_corpus -- 10000 /tmp/c10k
//! cargo run --release --example app_scale -- /tmp/c10k [overview families targets coding theme]
//! cargo run --release --example app_scale -- --no-prefetch /tmp/c10k [views…]
//! cargo run --release --example app_scale -- --late /tmp/c10k [views…]
//! ```
//! By default each view is opened as soon as the analysis is ready and the one before it was
//! measured (its build, started ahead in the background, is promoted). The overview of a big
//! corpus first shows a preview (a sample of the plans): both times are printed. `--no-prefetch` builds
//! each view only when it is opened (each builder timed alone); `--late` waits 20 s after the
//! analysis before opening the views (a user who opens them later: the prefetches are done).
//! Figures: `docs/benchmarks.md`, `docs/scale.md`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use duizhao::ui::{DuizhaoApp, Settings, View, theme};

const SCREEN: egui::Vec2 = egui::vec2(1600.0, 1000.0);
/// Longest wait for anything (load, analysis, a view's data).
const PATIENCE: Duration = Duration::from_secs(600);

fn input(time: f64, events: Vec<egui::Event>) -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, SCREEN)),
        time: Some(time),
        events,
        ..Default::default()
    }
}

/// The harness: a context, the app, the input clock.
struct Run {
    ctx: egui::Context,
    app: DuizhaoApp,
    time: f64,
}

impl Run {
    /// One frame with `events`; how long it took.
    fn frame(&mut self, events: Vec<egui::Event>) -> Duration {
        let started = Instant::now();
        let app = &mut self.app;
        let out = self.ctx.run_ui(input(self.time, events), |ui| app.show(ui));
        let prims = self.ctx.tessellate(out.shapes, out.pixels_per_point);
        std::hint::black_box(prims);
        self.time += 1.0 / 60.0;
        started.elapsed()
    }

    /// Frames (16 ms apart, as a display would ask) until `done`; the time waited and the
    /// slowest frame meanwhile. Frames over 16 ms are listed with what changed in them.
    fn until(&mut self, what: &str, done: impl Fn(&DuizhaoApp) -> bool) -> (Duration, Duration) {
        let started = Instant::now();
        let mut slowest = Duration::ZERO;
        loop {
            let had = (self.app.corpus().is_some(), self.app.is_analysing());
            let took = self.frame(Vec::new());
            let now = (self.app.corpus().is_some(), self.app.is_analysing());
            let event = match (had, now) {
                ((false, _), (true, _)) => Some("the loaded corpus swapped in"),
                ((_, true), (_, false)) => Some("the analysis swapped in"),
                _ => None,
            };
            if let Some(event) = event {
                // The frames that take data in, whatever they took.
                println!("  swap frame ({event}): {:.1} ms", took.as_secs_f64() * 1e3);
            } else if took > Duration::from_millis(16) {
                eprintln!(
                    "  long frame while waiting for {what}: {:.1} ms (no swap)",
                    took.as_secs_f64() * 1e3
                );
            }
            slowest = slowest.max(took);
            if done(&self.app) {
                if !matches!(what, "the plans" | "the analysis" | "20 s") {
                    // A view's data arrived in this frame.
                    println!(
                        "  swap frame ({what}'s data): {:.1} ms",
                        took.as_secs_f64() * 1e3
                    );
                }
                return (started.elapsed(), slowest);
            }
            if started.elapsed() > PATIENCE {
                eprintln!("app_scale: gave up waiting for {what}");
                std::process::exit(1);
            }
            std::thread::sleep(Duration::from_millis(16));
        }
    }

    /// `frames` frames scrolling down by `lines` wheel lines each with the pointer at `at`;
    /// median, 95th percentile and slowest frame.
    fn scroll(&mut self, at: egui::Pos2, lines: f32, frames: usize) -> (f64, f64, f64) {
        self.frame(vec![egui::Event::PointerMoved(at)]);
        let mut times: Vec<Duration> = (0..frames)
            .map(|_| {
                self.frame(vec![
                    egui::Event::PointerMoved(at),
                    egui::Event::MouseWheel {
                        unit: egui::MouseWheelUnit::Line,
                        delta: egui::vec2(0.0, -lines),
                        phase: egui::TouchPhase::Move,
                        source: egui::MouseWheelSource::Wheel,
                        modifiers: egui::Modifiers::NONE,
                    },
                ])
            })
            .collect();
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let median = times.get(times.len() / 2).copied().unwrap_or_default();
        let p95 = times
            .get(times.len() * 95 / 100)
            .copied()
            .unwrap_or_default();
        let max = times.last().copied().unwrap_or_default();
        (ms(median), ms(p95), ms(max))
    }

    /// `frames` frames with the pointer moving over `from..to` (hover, tooltips).
    fn hover(&mut self, from: egui::Pos2, to: egui::Pos2, frames: usize) -> (f64, f64, f64) {
        let mut times: Vec<Duration> = (0..frames)
            .map(|k| {
                let t = k as f32 / frames.max(1) as f32;
                self.frame(vec![egui::Event::PointerMoved(from.lerp(to, t))])
            })
            .collect();
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let median = times.get(times.len() / 2).copied().unwrap_or_default();
        let p95 = times
            .get(times.len() * 95 / 100)
            .copied()
            .unwrap_or_default();
        let max = times.last().copied().unwrap_or_default();
        (ms(median), ms(p95), ms(max))
    }
}

/// Peak resident memory of this process (VmHWM), MiB.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let no_prefetch = args.iter().any(|a| a == "--no-prefetch");
    let late = args.iter().any(|a| a == "--late");
    args.retain(|a| !a.starts_with("--"));
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!(
            "usage: app_scale [--no-prefetch|--late] DIR [views…] (DIR: a folder of plans, e.g. from make_corpus)"
        );
        std::process::exit(2);
    };
    let frames = 120;
    let created = Instant::now();
    let ctx = egui::Context::default();
    theme::install_bundled_fonts(&ctx);
    let settings = Settings {
        view: View::Plan,
        ..Settings::default()
    };
    let app = DuizhaoApp::new(vec![dir.clone()], settings);
    let mut run = Run {
        ctx,
        app,
        time: 0.0,
    };
    run.app.set_prefetch(!no_prefetch);
    let first = run.frame(Vec::new());
    println!(
        "first frame: {:.0} ms after start (the frame itself {:.1} ms)",
        created.elapsed().as_secs_f64() * 1e3,
        first.as_secs_f64() * 1e3
    );
    let (listed, slowest) = run.until("the plans", |a| a.first_content_frame().is_some());
    let plans = run.app.corpus().map_or(0, |c| c.plans.len());
    println!(
        "{plans} plans listed: {:.2} s after start (slowest frame while loading {:.1} ms)",
        created.elapsed().as_secs_f64(),
        slowest.as_secs_f64() * 1e3
    );
    let _ = listed;
    let (_, slowest) = run.until("the analysis", |a| !a.is_analysing());
    println!(
        "analysis ready: {:.2} s after start (slowest frame meanwhile {:.1} ms), peak so far {:.0} MiB",
        created.elapsed().as_secs_f64(),
        slowest.as_secs_f64() * 1e3,
        peak_mib()
    );
    let analysed = Instant::now();
    let (m, p, x) = run.scroll(egui::pos2(150.0, 600.0), 6.0, frames);
    println!("library scroll: median {m:.2} ms, p95 {p:.2} ms, slowest {x:.2} ms");
    if late {
        let (_, slowest) = run.until("20 s", |_| analysed.elapsed() > Duration::from_secs(20));
        println!(
            "waited 20 s after the analysis (slowest frame meanwhile {:.1} ms)",
            slowest.as_secs_f64() * 1e3
        );
    }
    let views = [
        (View::Overview, "overview"),
        (View::Families, "families"),
        (View::Targets, "targets"),
        (View::Themes, "coding (themes)"),
        (View::Matrix, "theme matrix"),
    ];
    // Optional view names after DIR measure only those (e.g. `coding matrix`).
    let only: Vec<String> = args.iter().skip(1).cloned().collect();
    for (view, name) in views {
        if !only.is_empty() && !only.iter().any(|o| name.starts_with(o.as_str())) {
            continue;
        }
        run.app.set_view(view);
        let (took, slowest) = run.until(name, |a| a.view_ready(view));
        let preview = (view == View::Overview)
            .then(|| run.app.overview_view().preview_of())
            .flatten();
        println!(
            "{name}: {} after {:.2} s, {:.2} s after the analysis (slowest frame while computing {:.1} ms), peak {:.0} MiB",
            if preview.is_some() { "preview" } else { "data" },
            took.as_secs_f64(),
            analysed.elapsed().as_secs_f64(),
            slowest.as_secs_f64() * 1e3,
            peak_mib()
        );
        if preview.is_some() {
            // The preview is usable; the whole matrix replaces it (time from opening).
            let opened = Instant::now() - took;
            let (_, slowest) = run.until("the whole overview", |a| a.overview_view().is_exact());
            println!(
                "  whole matrix after {:.2} s (slowest frame while refining {:.1} ms), peak {:.0} MiB",
                opened.elapsed().as_secs_f64(),
                slowest.as_secs_f64() * 1e3,
                peak_mib()
            );
        }
        // A few frames to lay the view out, then scroll it.
        for _ in 0..3 {
            run.frame(Vec::new());
        }
        let at = egui::pos2(900.0, 600.0);
        let (m, p, x) = if view == View::Overview {
            run.hover(egui::pos2(420.0, 200.0), egui::pos2(1200.0, 900.0), frames)
        } else {
            run.scroll(at, 6.0, frames)
        };
        let what = if view == View::Overview {
            "hovering the image"
        } else {
            "scrolling"
        };
        println!("  {what}: median {m:.2} ms, p95 {p:.2} ms, slowest {x:.2} ms");
        if view == View::Overview {
            run.app.overview_view_mut().zoomed = true;
            for _ in 0..3 {
                run.frame(Vec::new());
            }
            let (m, p, x) = run.scroll(at, 6.0, frames);
            println!(
                "  zoomed in (cells), scrolling: median {m:.2} ms, p95 {p:.2} ms, slowest {x:.2} ms"
            );
        }
    }
    println!("peak memory (VmHWM): {:.0} MiB", peak_mib());
}
