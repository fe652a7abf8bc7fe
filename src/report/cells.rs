//! Table cells shared by the report's tables and the CLI's text tables, so both say the same thing.
//!
//! m* is printed with its markers: `*` non-monotone evidence, `†` the trained reference collapsed,
//! `‡` the trained reference did not fit (its error is above the largest floor); `>M` is censored.

use crate::family::Bracket;
use crate::results::{ReferenceResult, SearchResult};
use crate::suite::ReferenceKind;

/// m* with its markers, e.g. `187`, `>2048`, `80*`, `22‡`.
pub fn mstar(q: &SearchResult) -> String {
    format!(
        "{}{}{}{}",
        q.m_star,
        if q.non_monotone { "*" } else { "" },
        if q.reference_collapsed { "†" } else { "" },
        if q.reference_unfit { "‡" } else { "" }
    )
}

/// `[lower, upper]`, or `-` where the theory gives no bracket.
pub fn bracket(b: Option<Bracket>) -> String {
    b.map_or("-".into(), |b| format!("[{}, {}]", b.lower, b.upper))
}

/// `constructed` or `trained w8xL5`.
pub fn reference(r: &ReferenceResult) -> String {
    match r.kind {
        ReferenceKind::Constructed => "constructed".into(),
        ReferenceKind::Trained => format!("trained w{}xL{}", r.hidden[0], r.hidden.len()),
    }
}

/// An error value in 3 significant digits, or `n/a`.
pub fn error(e: Option<f64>) -> String {
    e.map_or("n/a".into(), |e| format!("{e:.2e}"))
}

/// What the markers mean, for table notes.
pub const MARKERS: &str = "'>M' = censored at m_max; '*' = non-monotone evidence; '†' = the trained reference collapsed \
     (tau near the constant's error); '‡' = the trained reference did not fit (its error is above the largest floor): \
     neither '†' nor '‡' rows show a depth separation";
