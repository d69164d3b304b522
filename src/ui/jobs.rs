//! Background jobs for the derived views (overview, families, targets, theme × plan matrix,
//! coding index): the view asks for its data under a key, a `std::thread` runs the core builder
//! over `Arc`'d data, and the result comes back through a channel on a later frame.
//!
//! Leaf of the UI (imports nothing of the app): a view holds one [`Job`] per derived value and
//! calls [`Job::ensure`] every frame with the key of what it would show (its corpus revision,
//! plans, tags…). A result whose key is no longer the one wanted is dropped when it arrives, so a
//! corpus swapped while the thread ran never shows stale data; a superseded thread is told to stop
//! through [`Progress::is_cancelled`] (builders may ignore it; their result is dropped anyway).
//! While nothing current is ready the view draws [`computing_ui`]: a spinner, 正在计算… /
//! Computing…, and how far the builder got when it reports that.
//!
//! Small inputs (at most [`Job::inline_max`] work units, e.g. plans) are built on the spot, in the
//! frame that asks: a seed corpus's families take a millisecond, and a spinner flashing for one
//! frame would only distract. Tests lower the limit to 0 to see the background path.
//!
//! Ahead of time: once the analysis is ready the app asks every derived view for its data with
//! [`Job::prefetch`], so a view opened later finds it built. Prefetched builds run one at a time
//! and only while no view the user opened is computing (a global gate), so they never compete
//! with what is on screen; a view opened while its data is queued or being prefetched takes the
//! build over ([`Job::ensure`] promotes it: it starts at once, whatever the gate says). A
//! prefetch superseded before it starts (another corpus) never runs. A prefetch's parallel work
//! runs on a pool of all cores but one, leaving a core to the UI.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

use super::settings::Language;

/// Work units (plans) up to which a job runs in the frame that asks for it.
pub const INLINE_MAX: usize = 400;

/// How far a background builder is, shared between its thread and the UI.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicUsize,
    total: AtomicUsize,
    cancelled: AtomicBool,
    /// A view on screen wants this result (not only a prefetch).
    wanted: AtomicBool,
}

/// Builds asked for by a view on screen that are running now (prefetches wait for 0).
static FOREGROUND: AtomicUsize = AtomicUsize::new(0);
/// Held by the one prefetch build running.
static BACKGROUND: Mutex<()> = Mutex::new(());

/// The threads prefetches run their parallel work on: all cores but one, so a prefetch never
/// takes the core the UI draws on (on 2 cores, frames went to 40–70 ms while two builds
/// shared the global pool). `None`: no pool could be made; the global one is used.
fn background_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        rayon::ThreadPoolBuilder::new()
            .num_threads(cores.saturating_sub(1).max(1))
            .thread_name(|k| format!("duizhao-prefetch-{k}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Counts a foreground build while it lives.
struct ForegroundGuard;

impl ForegroundGuard {
    fn new() -> ForegroundGuard {
        FOREGROUND.fetch_add(1, Ordering::SeqCst);
        ForegroundGuard
    }
}

impl Drop for ForegroundGuard {
    fn drop(&mut self) {
        FOREGROUND.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How a build waits for its turn: a prefetch takes the background gate when no foreground
/// build runs, unless it is promoted (a view wants it now) or cancelled first. Returns the
/// gate's guard (`None`: promoted or cancelled, run or give up without it).
fn wait_turn(progress: &Progress) -> Option<std::sync::MutexGuard<'static, ()>> {
    loop {
        if progress.is_cancelled() || progress.wanted.load(Ordering::Relaxed) {
            return None;
        }
        if FOREGROUND.load(Ordering::SeqCst) == 0 {
            match BACKGROUND.try_lock() {
                Ok(guard) => return Some(guard),
                Err(std::sync::TryLockError::Poisoned(p)) => return Some(p.into_inner()),
                Err(std::sync::TryLockError::WouldBlock) => {}
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

impl Progress {
    /// Report `done` of `total` steps.
    pub fn set(&self, done: usize, total: usize) {
        self.total.store(total, Ordering::Relaxed);
        self.done.store(done, Ordering::Relaxed);
    }

    /// Fraction done, when the builder reports steps.
    pub fn fraction(&self) -> Option<f32> {
        let total = self.total.load(Ordering::Relaxed);
        (total > 0).then(|| (self.done.load(Ordering::Relaxed) as f32 / total as f32).min(1.0))
    }

    /// The result is no longer wanted (another key was asked for).
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

/// A thread at work for `key`.
struct Running<K, T> {
    key: K,
    rx: Receiver<T>,
    progress: Arc<Progress>,
    started: Instant,
}

/// Where a derived value stands: the last one built (with its key) and the build under way.
pub struct Job<K, T> {
    value: Option<(K, T)>,
    running: Option<Running<K, T>>,
    /// Work units up to which [`Job::ensure`] builds on the spot ([`INLINE_MAX`] by default).
    pub inline_max: usize,
    /// How long the last background build took (for the status line and the benchmark).
    last_took: Option<Duration>,
    /// A builder thread died without a result (its panic message is not available).
    failed: bool,
}

impl<K, T> Default for Job<K, T> {
    fn default() -> Self {
        Job {
            value: None,
            running: None,
            inline_max: INLINE_MAX,
            last_took: None,
            failed: false,
        }
    }
}

impl<K: Clone + PartialEq + Send + 'static, T: Send + 'static> Job<K, T> {
    /// Make sure the value for `key` is built or being built. `size` is the work (plans) that
    /// decides between building now and on a thread; `build` gets the progress to report to.
    /// Returns whether the value for `key` is ready.
    pub fn ensure(
        &mut self,
        ctx: &egui::Context,
        key: K,
        size: usize,
        build: impl FnOnce(&Progress) -> T + Send + 'static,
    ) -> bool {
        self.poll();
        if self.value.as_ref().is_some_and(|(k, _)| *k == key) {
            return true;
        }
        if let Some(r) = self.running.as_ref().filter(|r| r.key == key) {
            // Prefetched and not done yet: a view wants it now.
            r.progress.wanted.store(true, Ordering::Relaxed);
            return false;
        }
        if let Some(old) = self.running.take() {
            old.progress.cancelled.store(true, Ordering::Relaxed);
        }
        self.failed = false;
        if size <= self.inline_max {
            let value = build(&Progress::default());
            self.value = Some((key, value));
            return true;
        }
        self.spawn(ctx, key, true, build);
        false
    }

    /// Start building the value for `key` in the background, at the lowest priority, unless it
    /// is built, being built, or small enough to build when its view opens (at most
    /// [`Job::inline_max`] units). Never builds in the calling frame.
    pub fn prefetch(
        &mut self,
        ctx: &egui::Context,
        key: K,
        size: usize,
        build: impl FnOnce(&Progress) -> T + Send + 'static,
    ) {
        self.poll();
        if size <= self.inline_max
            || self.failed
            || self.value.as_ref().is_some_and(|(k, _)| *k == key)
            || self.running.as_ref().is_some_and(|r| r.key == key)
        {
            return;
        }
        if let Some(old) = self.running.take() {
            old.progress.cancelled.store(true, Ordering::Relaxed);
        }
        self.spawn(ctx, key, false, build);
    }

    /// Run `build` on a thread for `key`; `wanted`: a view on screen waits for it (otherwise a
    /// prefetch, which waits for its turn).
    fn spawn(
        &mut self,
        ctx: &egui::Context,
        key: K,
        wanted: bool,
        build: impl FnOnce(&Progress) -> T + Send + 'static,
    ) {
        let (tx, rx) = channel();
        let progress = Arc::new(Progress::default());
        progress.wanted.store(wanted, Ordering::Relaxed);
        let thread_progress = Arc::clone(&progress);
        let repaint = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("duizhao-view-job".into())
            .spawn(move || {
                let gate = wait_turn(&thread_progress);
                if thread_progress.is_cancelled() {
                    return;
                }
                // Without the gate this build is wanted on screen: prefetches wait for it.
                let foreground = gate.is_none().then(ForegroundGuard::new);
                let value = match (&gate, background_pool()) {
                    (Some(_), Some(pool)) => pool.install(|| build(&thread_progress)),
                    _ => build(&thread_progress),
                };
                drop(foreground);
                drop(gate);
                if !thread_progress.is_cancelled() {
                    // The receiver may be gone (view dropped): nothing to do then.
                    let _ = tx.send(value);
                }
                repaint.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.running = Some(Running {
                    key,
                    rx,
                    progress,
                    started: Instant::now(),
                });
            }
            Err(_) => {
                // No thread to be had: the closure is gone with the failed spawn; report it.
                self.failed = true;
            }
        }
    }

    /// Take a finished result, if any (dropped if its key is no longer wanted: a later
    /// [`Job::ensure`] replaced the running job).
    pub fn poll(&mut self) {
        let Some(running) = &self.running else { return };
        match running.rx.try_recv() {
            Ok(value) => {
                self.last_took = Some(running.started.elapsed());
                if let Some(r) = self.running.take() {
                    self.value = Some((r.key, value));
                }
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => {
                self.running = None;
                self.failed = true;
            }
        }
    }

    /// The value for `key`, if it is ready.
    pub fn get(&self, key: &K) -> Option<&T> {
        self.value
            .as_ref()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The value for `key` mutably, if it is ready.
    pub fn get_mut(&mut self, key: &K) -> Option<&mut T> {
        self.value
            .as_mut()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The last value built, whatever its key.
    pub fn latest(&self) -> Option<&T> {
        self.value.as_ref().map(|(_, v)| v)
    }

    /// The last value built mutably, whatever its key.
    pub fn latest_mut(&mut self) -> Option<&mut T> {
        self.value.as_mut().map(|(_, v)| v)
    }

    /// Take the last value built out (put it back with [`Job::set`]).
    pub fn take(&mut self) -> Option<(K, T)> {
        self.value.take()
    }

    /// Put a value built elsewhere (tests, a view made from a ready matrix).
    pub fn set(&mut self, key: K, value: T) {
        if let Some(old) = self.running.take() {
            old.progress.cancelled.store(true, Ordering::Relaxed);
        }
        self.value = Some((key, value));
    }

    /// The value for `key` is built or being built.
    pub fn has(&self, key: &K) -> bool {
        self.value.as_ref().is_some_and(|(k, _)| k == key)
            || self.running.as_ref().is_some_and(|r| r.key == *key)
    }

    /// A build is under way.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// The running build's progress and how long it has run.
    pub fn status(&self) -> Option<(Option<f32>, Duration)> {
        self.running
            .as_ref()
            .map(|r| (r.progress.fraction(), r.started.elapsed()))
    }

    /// How long the last background build took.
    pub fn last_took(&self) -> Option<Duration> {
        self.last_took
    }

    /// The last build's thread died (or could not start) without a result.
    pub fn failed(&self) -> bool {
        self.failed
    }
}

/// The placeholder of a view whose data is being computed: spinner, 正在计算… / Computing…, the
/// fraction done when known and the seconds waited; asks for a repaint to follow the progress.
pub fn computing_ui<K: Clone + PartialEq + Send + 'static, T: Send + 'static>(
    ui: &mut egui::Ui,
    job: &Job<K, T>,
    what: (&str, &str),
    lang: Language,
) {
    if job.failed() {
        ui.colored_label(
            ui.visuals().error_fg_color,
            lang.pick(
                "计算失败（后台线程意外结束），请重新载入方案",
                "The computation failed (its thread ended unexpectedly); reload the plans",
            ),
        );
        return;
    }
    let (fraction, waited) = job.status().unwrap_or((None, Duration::ZERO));
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() / 4.0);
        ui.add(egui::Spinner::new().size(32.0));
        let label = match lang {
            Language::Chinese => format!("正在计算{}…", what.0),
            Language::English => format!("Computing {}…", what.1),
        };
        ui.label(label);
        if let Some(f) = fraction {
            ui.add(
                egui::ProgressBar::new(f)
                    .desired_width(260.0)
                    .show_percentage(),
            );
        }
        if waited.as_secs_f32() > 1.0 {
            ui.label(egui::RichText::new(format!("{:.0} s", waited.as_secs_f32())).weak());
        }
    });
    ui.ctx().request_repaint_after(Duration::from_millis(100));
}

impl<K: std::fmt::Debug, T> std::fmt::Debug for Job<K, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("key", &self.value.as_ref().map(|(k, _)| k))
            .field("running", &self.running.as_ref().map(|r| &r.key))
            .field("inline_max", &self.inline_max)
            .finish()
    }
}
