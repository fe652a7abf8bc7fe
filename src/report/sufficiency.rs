//! `sufficiency.md`: the data rule's sufficiency check ([`crate::suite`]'s `[sufficiency]`), one
//! row per checked search: m* at the rule's training-set size and at `factor` times it, each seed's
//! first width reaching τ, the seeds' spread and the flag.

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

/// The Markdown of `sufficiency.md`.
pub fn markdown(r: &Results) -> String {
    let mut rows = Vec::new();
    for t in &r.targets {
        for c in &t.sufficiency {
            let n = |i: usize| c.data_n[i].map_or("–".into(), |n| n.to_string());
            rows.push(vec![
                t.label.clone(),
                format!("{:?}", c.reference).to_lowercase(),
                c.trainer.clone(),
                format!("{:.0e}", c.floor),
                format!("{} / {}", n(0), n(1)),
                format!("{} / {}", mstar(&c.m_star[0]), mstar(&c.m_star[1])),
                format!("{} / {}", widths(&c.seed_widths[0]), widths(&c.seed_widths[1])),
                c.noise.to_string(),
                if c.flagged { "**set by n**".into() } else { "ok".into() },
            ]);
        }
    }
    if rows.is_empty() {
        return "No sufficiency check in this suite (add a `[sufficiency]` table to check the data rule).\n".into();
    }
    let header = ["target", "reference", "trainer", "floor", "training points (n / 2n)", "m* (n / 2n)"]
        .iter()
        .chain(&["each seed's first width (n / 2n)", "seed spread", "flag"])
        .map(|s| s.to_string())
        .collect();
    let factor = r.config.sufficiency.as_ref().map_or(2, |s| s.factor);
    format!(
        "**Is the data rule enough? m* at the rule's training-set size n and at {factor}n**\n\n{}\n\
         Each search of a sweep trainer on a checked target is rerun on {factor} times the training points \
         (N = max(min, per_param · parameters), both scaled). A seed's first width is the first at which \
         its net's whole 95% interval is at or below τ (– : not within the cap; counted as the cap + 1); m* is \
         the narrowest over seeds. The seed spread is the larger over both sizes of (widest − narrowest first \
         width). **set by n**: m* moved by more than the spread, so the sample size, not the target, set it; \
         ok: it did not.\n",
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
