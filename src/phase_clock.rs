//! [`PhaseClock`]: with `DUIZHAO_TIMES=1`, the phases of a build timed on stderr (for the
//! figures in `docs/benchmarks.md`).

/// With `DUIZHAO_TIMES=1`, prints the time since the previous lap of each phase on stderr.
pub struct PhaseClock {
    on: bool,
    last: std::cell::Cell<std::time::Instant>,
}

impl PhaseClock {
    /// A clock started now; silent unless `DUIZHAO_TIMES=1`.
    pub fn start() -> PhaseClock {
        PhaseClock {
            on: std::env::var_os("DUIZHAO_TIMES").is_some_and(|v| v == "1"),
            last: std::cell::Cell::new(std::time::Instant::now()),
        }
    }

    /// Print `what` with the time since the previous lap (or the start).
    pub fn lap(&self, what: &str) {
        if self.on {
            let now = std::time::Instant::now();
            eprintln!(
                "{what}: {:.1} ms",
                (now - self.last.get()).as_secs_f64() * 1e3
            );
            self.last.set(now);
        }
    }
}
