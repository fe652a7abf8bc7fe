//! Minimal shallow width search: gallop, then bisect.
//!
//! The state machine proposes one width at a time; the caller trains the seeds at that width and
//! reports whether any reached τ. Gallop m = s, 2s, 4s, … (capped at m_max) from the start width s to
//! the first success, then bisect between the last failure (or s − 1, when s is the certified lower
//! bound and narrower widths cannot succeed) and it. If m_max fails the result is censored: `> m_max`.
//!
//! ```
//! use depthsep::search::{Search, MStar};
//! let mut s = Search::new(1, 64);
//! while let Some(m) = s.next_width() { s.record(m, m >= 11); }
//! assert_eq!(s.result(), MStar::Found { m: 11 });
//! assert_eq!(s.tried(), &[1, 2, 4, 8, 16, 12, 10, 11]);
//! ```

use serde::{Deserialize, Serialize};

/// The search's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum MStar {
    /// The smallest tried width that succeeded, with the width below it known to fail.
    Found {
        /// Minimal width.
        m: u64,
    },
    /// No width up to `m_max` succeeded.
    Censored {
        /// The cap: m* > m_max.
        m_max: u64,
    },
}

impl MStar {
    /// The width when found.
    pub fn width(&self) -> Option<u64> {
        match *self {
            MStar::Found { m } => Some(m),
            MStar::Censored { .. } => None,
        }
    }
}

impl std::fmt::Display for MStar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MStar::Found { m } => write!(f, "{m}"),
            MStar::Censored { m_max } => write!(f, ">{m_max}"),
        }
    }
}

/// Gallop-then-bisect search state.
#[derive(Debug, Clone)]
pub struct Search {
    start: u64,
    m_max: u64,
    /// Largest width known to fail (start − 1 is known by theory).
    lo: u64,
    /// Smallest width known to succeed.
    hi: Option<u64>,
    next: Option<u64>,
    tried: Vec<u64>,
    censored: bool,
}

impl Search {
    /// A search starting at width `start` ≥ 1 with cap `m_max`.
    pub fn new(start: u64, m_max: u64) -> Self {
        let start = start.max(1);
        let censored = start > m_max;
        Self { start, m_max, lo: start - 1, hi: None, next: (!censored).then_some(start), tried: vec![], censored }
    }

    /// The width to test next, or `None` when done.
    pub fn next_width(&self) -> Option<u64> {
        self.next
    }

    /// Record whether width `m` (the one proposed) succeeded.
    pub fn record(&mut self, m: u64, success: bool) {
        assert_eq!(Some(m), self.next, "record the proposed width");
        self.tried.push(m);
        if success {
            self.hi = Some(m);
        } else {
            self.lo = m;
        }
        self.next = match self.hi {
            None if m >= self.m_max => {
                self.censored = true;
                None
            }
            None => Some((2 * m).min(self.m_max)),
            Some(hi) if hi - self.lo > 1 => Some(self.lo + (hi - self.lo) / 2),
            Some(_) => None,
        };
    }

    /// Start width.
    pub fn start(&self) -> u64 {
        self.start
    }

    /// Widths tested, in order.
    pub fn tried(&self) -> &[u64] {
        &self.tried
    }

    /// The result; meaningful once [`Search::next_width`] is `None`.
    pub fn result(&self) -> MStar {
        match self.hi {
            Some(m) if !self.censored => MStar::Found { m },
            _ => MStar::Censored { m_max: self.m_max },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(start: u64, m_max: u64, truth: u64) -> Search {
        let mut s = Search::new(start, m_max);
        while let Some(m) = s.next_width() {
            s.record(m, m >= truth);
        }
        s
    }

    #[test]
    fn search_finds_every_threshold_of_a_monotone_oracle() {
        for truth in 1..=100 {
            for start in 1..=truth {
                let s = run(start, 128, truth);
                assert_eq!(s.result(), MStar::Found { m: truth }, "start {start}");
                assert!(s.tried().len() as f64 <= 2.0 * (truth as f64).log2() + 3.0);
            }
        }
    }

    #[test]
    fn search_past_the_cap_is_censored_never_invented() {
        assert_eq!(run(1, 50, 51).result(), MStar::Censored { m_max: 50 });
        assert_eq!(run(1, 50, 51).tried(), &[1, 2, 4, 8, 16, 32, 50]);
        assert_eq!(run(60, 50, 70).result(), MStar::Censored { m_max: 50 });
        assert!(run(60, 50, 70).tried().is_empty());
        assert_eq!(run(1, 50, 50).result(), MStar::Found { m: 50 });
    }
}
