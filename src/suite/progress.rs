//! Progress of a long run where no terminal shows the bar (a log file, a batch job, `nohup`): a
//! plain line on standard error at most every `DEPTHSEP_PROGRESS_EVERY` seconds (default 60; 0
//! prints one after every run), such as
//!
//! ```text
//! [1:02:03] 12/340 tasks: width searches (57 runs trained, 4 read back)
//! ```

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The environment variable that sets the interval, in whole seconds.
pub const EVERY_VAR: &str = "DEPTHSEP_PROGRESS_EVERY";

/// Plain progress lines, or none (a terminal shows the bar instead, or progress is off).
pub struct Plain {
    every: Option<Duration>,
    start: Instant,
    last: Mutex<Option<Instant>>,
}

impl Plain {
    /// Lines when `enabled`, at the interval [`EVERY_VAR`] sets (read only then); a value that is
    /// not a whole number of seconds is an error naming the variable.
    pub fn new(enabled: bool) -> anyhow::Result<Self> {
        let off = Self { every: None, start: Instant::now(), last: Mutex::new(None) };
        if !enabled {
            return Ok(off);
        }
        let every = match std::env::var(EVERY_VAR) {
            Ok(v) => v.trim().parse::<u64>().map_err(|_| {
                anyhow::anyhow!("{EVERY_VAR}: expected a whole number of seconds (0 = after every run), got `{v}`")
            })?,
            Err(_) => 60,
        };
        Ok(Self { every: Some(Duration::from_secs(every)), ..off })
    }

    /// Print `[elapsed] done/total tasks: msg` if the interval has passed since the last line.
    pub fn line(&self, done: u64, total: u64, msg: &str) {
        let Some(every) = self.every else { return };
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_some_and(|t| t.elapsed() < every) {
            return;
        }
        *last = Some(Instant::now());
        let s = self.start.elapsed().as_secs();
        eprintln!("[{}:{:02}:{:02}] {done}/{total} tasks: {msg}", s / 3600, s / 60 % 60, s % 60);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disabled_progress_prints_nothing() {
        let p = Plain { every: None, start: Instant::now(), last: Mutex::new(None) };
        p.line(1, 2, "x");
        assert!(p.last.lock().unwrap().is_none());
    }

    #[test]
    fn a_line_waits_for_the_interval() {
        let p = Plain { every: Some(Duration::from_secs(3600)), start: Instant::now(), last: Mutex::new(None) };
        p.line(1, 2, "first");
        let first = *p.last.lock().unwrap();
        assert!(first.is_some(), "the first line is printed at once");
        p.line(2, 2, "second");
        assert_eq!(*p.last.lock().unwrap(), first, "the second waits an hour");
    }
}
