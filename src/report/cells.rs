//! Table cells shared by the report's tables and the CLI's text tables, so both say the same thing.
//!
//! m* is printed with its markers: `*` non-monotone evidence, `§` flagged by the data rule's
//! sufficiency check, `†` the trained reference collapsed,
//! `‡` the trained reference did not fit (its error is above the largest floor); `>M` is censored;
//! `stopped at m`: a greedy seed stopped growing at width m < m_max (no new unit was accepted), so
//! the search is not censored at m_max.

use crate::family::Bracket;
use crate::results::{ReferenceResult, Results, SearchResult};
use crate::suite::ReferenceKind;

/// m* with its markers, e.g. `187`, `>2048`, `80*`, `22‡`.
pub fn mstar(q: &SearchResult) -> String {
    let m = match (q.m_star.width(), q.stopped_early) {
        (None, Some(w)) => format!("stopped at {w}"),
        _ => q.m_star.to_string(),
    };
    format!(
        "{}{}{}{}{}",
        m,
        if q.non_monotone { "*" } else { "" },
        if q.data_flag { "§" } else { "" },
        if q.reference_collapsed { "†" } else { "" },
        if q.reference_unfit { "‡" } else { "" }
    )
}

/// `[lower, upper]`, or `-` where the theory gives no bracket.
pub fn bracket(b: Option<Bracket>) -> String {
    b.map_or("-".into(), |b| format!("[{}, {}]", b.lower, b.upper))
}

/// `constructed`, `your net (FILE)` (a net of the user's own) or `trained w8xL5`.
pub fn reference(r: &ReferenceResult) -> String {
    match (r.kind, &r.net) {
        (ReferenceKind::Constructed, Some(file)) => format!("your net ({file})"),
        (ReferenceKind::Constructed, None) => "constructed".into(),
        (ReferenceKind::Trained, _) => format!("trained w{}xL{}", r.hidden[0], r.hidden.len()),
    }
}

/// An error value in 3 significant digits, or `n/a`.
pub fn error(e: Option<f64>) -> String {
    e.map_or("n/a".into(), |e| format!("{e:.2e}"))
}

/// What the markers mean, for table notes.
pub const MARKERS: &str = "'>M' = censored at m_max; 'stopped at m' = a seed stopped growing at width m below m_max (no new unit was accepted), not censored; '*' = non-monotone evidence; '§' = the data-rule check flagged it (sufficiency.md: m* moved, or a seed was lost, on more data); '†' = the trained reference collapsed \
     (tau near the constant's error); '‡' = the trained reference did not fit (its error is above the largest floor): \
     neither '†' nor '‡' rows show a depth separation";

/// Seeds that reached τ at m* out of the trainer's seeds, e.g. `2/3`.
pub fn seeds_ok(r: &Results, q: &SearchResult) -> String {
    let seeds = r.config.shallow_trainer(q.trainer.name()).map_or("?".into(), |s| s.seeds.to_string());
    format!("{}/{seeds}", q.successes)
}

/// What the evidence says about m*: `186 < m* ≤ 187`, `m* = 13 (lower bound)` when the search
/// started at the certified lower bound, `+ 190 fails` when a wider tried width failed.
pub fn evidence(q: &SearchResult) -> String {
    let Some(m) = q.m_star.width() else { return "-".into() };
    let mut s = match q.failed_below {
        Some(f) if f + 1 == m => format!("{f} < m* ≤ {m}"),
        Some(f) => format!("{f} < m* ≤ {m} (not bisected)"),
        None => format!("m* = {m} (start: lower bound {})", q.start_width),
    };
    if let Some(f) = q.failed_above {
        s += &format!("; {f} fails");
    }
    s
}
