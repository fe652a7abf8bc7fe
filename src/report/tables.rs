//! Citable tables, one row per target, k, reference and tolerance: `summary.md`, `summary.csv` and
//! `summary.tex` (booktabs). All three come from the same rows.

use super::{Artifact, cells};
use crate::results::Results;

/// Every table.
pub fn all() -> Vec<Box<dyn Artifact>> {
    vec![Box::new(Table(Format::Markdown)), Box::new(Table(Format::Csv)), Box::new(Table(Format::Latex))]
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Markdown,
    Csv,
    Latex,
}

struct Table(Format);

const HEADER: [&str; 24] = [
    "family",
    "target",
    "reference",
    "ref params",
    "ref FLOPs",
    "ref error",
    "collapse",
    "floor",
    "tau",
    "trainer",
    "m*",
    "evidence",
    "seeds ok",
    "bracket",
    "shallow params",
    "shallow FLOPs",
    "param ratio",
    "FLOP ratio",
    "ref infer us",
    "shallow infer us",
    "ref train us",
    "shallow train us",
    "seeds",
    "budget",
];

fn rows(r: &Results) -> Vec<[String; 24]> {
    let mut out = Vec::new();
    let cfg = &r.config;
    for t in &r.targets {
        for re in &t.references {
            for s in &re.searches {
                let sh = cfg.shallow_trainer(s.trainer.name());
                out.push([
                    t.target.family().to_string(),
                    t.label.clone(),
                    cells::reference(re),
                    re.params.to_string(),
                    re.flops.to_string(),
                    cells::error(re.error),
                    re.collapse_rate.map_or("-".into(), |c| format!("{:.0}%", 100.0 * c)),
                    format!("{:.0e}", s.floor),
                    format!("{:.2e}", s.tau),
                    s.trainer.to_string(),
                    cells::mstar(s),
                    cells::evidence(s),
                    cells::seeds_ok(r, s),
                    cells::bracket(s.bracket),
                    s.shallow_params.map_or("-".into(), |p| p.to_string()),
                    s.shallow_flops.map_or("-".into(), |p| p.to_string()),
                    s.param_ratio.map_or("-".into(), |p| format!("{p:.1}")),
                    s.shallow_flops.map_or("-".into(), |f| format!("{:.1}", f as f64 / re.flops as f64)),
                    time(r, t.dim, &re.hidden, false),
                    s.m_star.width().map_or("-".into(), |m| time(r, t.dim, &[m as usize], false)),
                    time(r, t.dim, &re.hidden, true),
                    s.m_star.width().map_or("-".into(), |m| time(r, t.dim, &[m as usize], true)),
                    sh.map_or("-".into(), |sh| sh.seeds.to_string()),
                    sh.map_or("-".into(), |sh| sh.train.budget()),
                ]);
            }
        }
    }
    out
}

/// Every row of the summary, as a grid (for `index.html`).
pub(crate) fn grid(r: &Results) -> super::grid::Grid {
    super::grid::Grid {
        header: HEADER.iter().map(|h| h.to_string()).collect(),
        rows: rows(r).into_iter().map(|row| row.to_vec()).collect(),
    }
}

/// Measured µs per inference pass (or training step) of a net, when `depthsep costs` imported it
/// (1-input nets only: the benchmark times those).
fn time(r: &Results, dim: usize, hidden: &[usize], train: bool) -> String {
    r.costs
        .as_ref()
        .filter(|_| dim == 1)
        .and_then(|c| c.get(hidden))
        .and_then(|n| if train { n.train_ns } else { n.infer_ns })
        .map_or("-".into(), |ns| format!("{:.2}", ns / 1e3))
}

impl Artifact for Table {
    fn file_name(&self) -> &'static str {
        match self.0 {
            Format::Markdown => "summary.md",
            Format::Csv => "summary.csv",
            Format::Latex => "summary.tex",
        }
    }

    fn render(&self, r: &Results) -> anyhow::Result<String> {
        let trainers: Vec<String> = r
            .config
            .shallow
            .iter()
            .map(|s| format!("{} ({} seeds, {})", s.train.optimizer.name(), s.seeds, s.train.budget()))
            .collect();
        let note = format!(
            "Suite `{}` (config {}), metric {}. m* = minimal trained one-hidden-layer width reaching tau = max(ref error, floor) \
             with at least one seed of the row's trainer; trainers: {}; {}; bracket = \
             [certified lower bound, constructive upper bound] on the best possible width, equal ends being the exact optimum (THEORY.md section 3).",
            r.config.name,
            r.config_hash,
            r.config.metric.short(),
            trainers.join(", "),
            cells::MARKERS
        );
        let g = grid(r);
        Ok(match self.0 {
            Format::Markdown => g.markdown() + &format!("\n{note}\n"),
            Format::Csv => g.csv(),
            Format::Latex => format!("% {note}\n% requires \\usepackage{{booktabs}}\n{}", g.latex()),
        })
    }
}
