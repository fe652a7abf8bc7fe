//! `sufficiency.md`: the data rule's sufficiency check ([`crate::suite`]'s `[sufficiency]`), one
//! row per checked search of every trainer: each seed's first width reaching τ at the rule's
//! training-set size and at `factor` times it, the seeds' median and spread, and the flags.

use super::Artifact;
use super::grid::Grid;
use crate::results::Results;
use crate::search::MStar;

fn mstar(m: &MStar) -> String {
    match m {
        MStar::Found { m } => m.to_string(),
        MStar::Censored { m_max } => format!(">{m_max}"),
    }
}

fn widths(w: &[Option<u64>]) -> String {
    w.iter().map(|v| v.map_or("–".into(), |m| m.to_string())).collect::<Vec<_>>().join(", ")
}

fn median(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") }
}

/// The flag's words: `ok`, or what moved.
pub fn flag(c: &crate::results::SufficiencyCheck) -> String {
    let mut why = Vec::new();
    if c.shift {
        why.push("shift".to_string());
    }
    if !c.lost.is_empty() {
        let s: Vec<String> = c.lost.iter().map(|s| s.to_string()).collect();
        why.push(format!("lost seed{} {}", if s.len() > 1 { "s" } else { "" }, s.join(", ")));
    }
    if why.is_empty() {
        // A document written before the flags were split (flag set by the older rule).
        if c.flagged { "**set by n**".into() } else { "ok".into() }
    } else {
        format!("**{}**", why.join("; "))
    }
}

/// The Markdown of `sufficiency.md`.
pub fn markdown(r: &Results) -> String {
    let mut rows = Vec::new();
    for t in &r.targets {
        for c in &t.sufficiency {
            let n = |i: usize| c.data_n[i].map_or("–".into(), |n| n.to_string());
            rows.push(vec![
                t.label.clone(),
                format!("{:?}", c.reference).to_lowercase(),
                c.trainer.to_string(),
                format!("{:.0e}", c.floor),
                format!("{} / {}", n(0), n(1)),
                format!("{} / {}", mstar(&c.m_star[0]), mstar(&c.m_star[1])),
                format!("{} / {}", widths(&c.seed_widths[0]), widths(&c.seed_widths[1])),
                format!("{} / {}", median(c.medians[0]), median(c.medians[1])),
                format!("{} / {}", c.spreads[0], c.spreads[1]),
                flag(c),
            ]);
        }
    }
    if rows.is_empty() {
        return "No sufficiency check in this suite (add a `[sufficiency]` table to check the data rule).\n".into();
    }
    let header = ["target", "reference", "trainer", "floor", "training points (n / 2n)", "narrowest (n / 2n)"]
        .iter()
        .chain(&["each seed's first width (n / 2n)", "median (n / 2n)", "spread (n / 2n)", "flag"])
        .map(|s| s.to_string())
        .collect();
    let factor = r.config.sufficiency.as_ref().map_or(2, |s| s.factor);
    format!(
        "**Is the data rule enough? Every search of a checked target at the rule's training-set size n and at {factor}n**\n\n{}\n\
         Every shallow trainer's searches of a checked target are rerun on {factor} times the training points \
         (N = max(min, per_param · parameters), both scaled), with the same seeds. A seed's first width is the first \
         at which its net's whole 95% interval is at or below τ: for a sweep trainer (`greedy`) anywhere up to the \
         cap, for a step trainer (`adam`, `hybrid`) among the widths its search tried at n, each rerun at {factor}n \
         (– : none; counted as the cap, or the widest tried width, + 1). The narrowest is m* for a sweep trainer. \
         Median and spread (widest − narrowest) are over the seeds. Flags: **shift**: the median moved by more \
         than the spread at either size (a uniform shift of every seed is caught); **lost seed s**: seed s reaches \
         τ at one size and not at the other. A flagged cell's m* depends on the training-set size, not on the \
         target alone; the headline tables mark it `§`. ok: neither.\n",
        Grid { header, rows }.markdown()
    )
}

/// `sufficiency.md`.
pub struct SufficiencyTable;

impl Artifact for SufficiencyTable {
    fn file_name(&self) -> &'static str {
        "sufficiency.md"
    }

    fn render(&self, r: &Results) -> anyhow::Result<String> {
        Ok(markdown(r))
    }
}
