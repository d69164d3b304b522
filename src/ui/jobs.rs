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
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
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

    /// Run `work` (whose parallel parts use rayon) on the threads this build deserves now: all
    /// cores while a view on screen waits for it, all cores but one while it is only a prefetch
    /// (the UI keeps a core). Builders made of stages call it once per stage, so a prefetch
    /// promoted halfway gets every core for the stages left.
    pub fn install<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        match background_pool() {
            Some(pool) if !self.wanted.load(Ordering::Relaxed) => pool.install(work),
            _ => work(),
        }
    }
}

/// Where a builder sends a preview of its result (a coarse value shown while the exact one is
/// built; [`Job::ensure_refining`]).
pub struct Partial<T> {
    tx: Option<Sender<Message<T>>>,
    repaint: Option<egui::Context>,
}

impl<T> Partial<T> {
    /// Show `value` until the build's result replaces it (dropped if the job was superseded).
    pub fn send(&self, value: T) {
        if let Some(tx) = &self.tx {
            // The receiver may be gone (view dropped): nothing to do then.
            let _ = tx.send(Message::Partial(value));
        }
        if let Some(ctx) = &self.repaint {
            ctx.request_repaint();
        }
    }

    /// A preview that goes nowhere (a build run in the frame that asks).
    fn none() -> Partial<T> {
        Partial {
            tx: None,
            repaint: None,
        }
    }
}

/// What a builder thread sends back.
enum Message<T> {
    /// A preview; the build goes on.
    Partial(T),
    /// The result; the build is over.
    Done(T),
}

/// A thread at work for `key`.
struct Running<K, T> {
    key: K,
    rx: Receiver<Message<T>>,
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
        self.ensure_refining(ctx, key, size, whole(build))
    }

    /// [`Job::ensure`] for a builder that may send a preview first ([`Partial::send`]): the
    /// preview counts as ready (the view shows it, [`Job::is_refining`] says it is one) until
    /// the builder's result replaces it.
    pub fn ensure_refining(
        &mut self,
        ctx: &egui::Context,
        key: K,
        size: usize,
        build: impl FnOnce(&Progress, &Partial<T>) -> T + Send + 'static,
    ) -> bool {
        self.poll();
        let has_value = self.value.as_ref().is_some_and(|(k, _)| *k == key);
        if let Some(r) = self.running.as_ref().filter(|r| r.key == key) {
            // Prefetched (or a preview shown) and not done yet: a view wants it now.
            r.progress.wanted.store(true, Ordering::Relaxed);
            return has_value;
        }
        if has_value {
            return true;
        }
        if let Some(old) = self.running.take() {
            old.progress.cancelled.store(true, Ordering::Relaxed);
        }
        self.failed = false;
        if size <= self.inline_max {
            let value = build(&Progress::default(), &Partial::none());
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
        self.prefetch_refining(ctx, key, size, whole(build));
    }

    /// [`Job::prefetch`] for a builder that may send a preview first (see
    /// [`Job::ensure_refining`]).
    pub fn prefetch_refining(
        &mut self,
        ctx: &egui::Context,
        key: K,
        size: usize,
        build: impl FnOnce(&Progress, &Partial<T>) -> T + Send + 'static,
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
        build: impl FnOnce(&Progress, &Partial<T>) -> T + Send + 'static,
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
                let partial = Partial {
                    tx: Some(tx.clone()),
                    repaint: Some(repaint.clone()),
                };
                let value = build(&thread_progress, &partial);
                drop(foreground);
                drop(gate);
                if !thread_progress.is_cancelled() {
                    // The receiver may be gone (view dropped): nothing to do then.
                    let _ = tx.send(Message::Done(value));
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
        while let Some(running) = &self.running {
            match running.rx.try_recv() {
                Ok(Message::Partial(value)) => {
                    self.value = Some((running.key.clone(), value));
                }
                Ok(Message::Done(value)) => {
                    self.last_took = Some(running.started.elapsed());
                    if let Some(r) = self.running.take() {
                        self.value = Some((r.key, value));
                    }
                }
                Err(TryRecvError::Empty) => return,
                Err(TryRecvError::Disconnected) => {
                    self.running = None;
                    self.failed = true;
                }
            }
        }
    }

    /// The value shown is a builder's preview and the exact one is being built.
    pub fn is_refining(&self) -> bool {
        self.running
            .as_ref()
            .is_some_and(|r| self.value.as_ref().is_some_and(|(k, _)| *k == r.key))
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

/// A builder without a preview as one that may send one: run on the threads its priority
/// deserves ([`Progress::install`]).
fn whole<T: Send>(
    build: impl FnOnce(&Progress) -> T + Send + 'static,
) -> impl FnOnce(&Progress, &Partial<T>) -> T + Send + 'static {
    move |progress, _| progress.install(|| build(progress))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Step `job` (as frames would) until `done` holds.
    fn wait(job: &mut Job<u32, &'static str>, done: impl Fn(&Job<u32, &'static str>) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            job.poll();
            if done(job) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the job never got there: {job:?}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_preview_is_shown_until_the_result_replaces_it() {
        let ctx = egui::Context::default();
        let mut job: Job<u32, &'static str> = Job {
            inline_max: 0,
            ..Job::default()
        };
        let (go, gate) = channel::<()>();
        let build = move |_: &Progress, partial: &Partial<&'static str>| {
            partial.send("coarse");
            let _ = gate.recv();
            "exact"
        };
        assert!(!job.ensure_refining(&ctx, 7, 10, build));
        wait(&mut job, |j| j.get(&7).is_some());
        assert_eq!(job.get(&7), Some(&"coarse"));
        assert!(job.is_refining());
        // Asking again shows the preview and does not start another build.
        assert!(job.ensure_refining(&ctx, 7, 10, |_, _| "another"));
        assert!(job.is_running());
        go.send(()).unwrap();
        wait(&mut job, |j| !j.is_running());
        assert_eq!(job.get(&7), Some(&"exact"));
        assert!(!job.is_refining());
        assert!(!job.failed());
    }

    #[test]
    fn a_preview_of_a_superseded_key_is_never_shown_as_the_new_one() {
        let ctx = egui::Context::default();
        let mut job: Job<u32, &'static str> = Job {
            inline_max: 0,
            ..Job::default()
        };
        let (go, gate) = channel::<()>();
        job.ensure_refining(&ctx, 1, 10, move |_, partial| {
            partial.send("old preview");
            let _ = gate.recv();
            "old"
        });
        wait(&mut job, |j| j.get(&1).is_some());
        // Another corpus: the old build is cancelled; its result never shows under key 2.
        assert!(!job.ensure_refining(&ctx, 2, 10, |_, _| "new"));
        assert_eq!(job.get(&2), None);
        go.send(()).unwrap();
        wait(&mut job, |j| !j.is_running());
        assert_eq!(job.get(&2), Some(&"new"));
    }
}
