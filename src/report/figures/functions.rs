//! The functions on \[0,1\] for one target of each 1-D family (a section per family): the target,
//! the constructed deep net, the best trained deep net and the matched (smallest-tolerance) trained
//! shallow net, one panel each over the target.

use crate::report::Artifact;
use crate::report::plot::OpaqueGrid;
use crate::report::plot::{FONT, GREY, PALETTE, err, legend, svg, swatch};
use crate::results::{Results, TargetResult};
use crate::search::MStar;
use crate::suite::ReferenceKind;
use plotters::prelude::*;

pub struct Functions;

const GRID: usize = 2000;

impl Artifact for Functions {
    fn file_name(&self) -> &'static str {
        "functions.svg"
    }

    fn render(&self, r: &Results) -> anyhow::Result<String> {
        let xs: Vec<f64> = (0..=GRID).map(|i| i as f64 / GRID as f64).collect();
        let mut sections = Vec::new();
        for fam in super::families(r) {
            // The figure draws functions on [0,1]: families with d > 1 inputs have no panel.
            let Some(t) = super::showcase_of(&fam).filter(|t| t.dim == 1) else { continue };
            let mut target_ys = vec![0.0; xs.len()];
            t.target.build()?.eval_batch(&xs, &mut target_ys);
            sections.push((t.label.replace('=', " = "), target_ys, rows(r, t, &xs)?));
        }
        anyhow::ensure!(!r.targets.is_empty(), "the results hold no targets");
        if sections.is_empty() {
            return svg((900, 60), |root| {
                let text =
                    "No one-input family in these results: functions are drawn on [0,1] for one-input targets only";
                root.titled(text, (FONT, 18)).map_err(err)?;
                Ok(())
            });
        }
        let height = |rows: &Vec<(String, Vec<f64>)>| 200 * rows.len() as u32 + 60;
        svg((900, sections.iter().map(|s| height(&s.2)).sum()), |root| {
            let mut rest = root.clone();
            for (name, target_ys, rows) in &sections {
                let (section, below) = rest.split_vertically(height(rows));
                rest = below;
                let (title, body) = section.split_vertically(40);
                title.titled(&format!("{name} on [0,1]: the target (grey) and each net"), (FONT, 20)).map_err(err)?;
                for (i, (panel, (label, ys))) in body.split_evenly((rows.len(), 1)).iter().zip(rows).enumerate() {
                    let c = PALETTE[i % PALETTE.len()];
                    let (lo, hi) = range(target_ys);
                    let mut chart = ChartBuilder::on(panel)
                        .margin(8)
                        .x_label_area_size(30)
                        .y_label_area_size(50)
                        .build_cartesian_2d(0f64..1f64, lo..hi)
                        .map_err(err)?;
                    chart.configure_mesh().opaque_grid().x_desc("x").y_desc("f(x)").y_labels(4).draw().map_err(err)?;
                    chart
                        .draw_series(LineSeries::new(
                            xs.iter().copied().zip(target_ys.iter().copied()),
                            GREY.stroke_width(3),
                        ))
                        .map_err(err)?
                        .label(format!("target: {name}"))
                        .legend(swatch(GREY));
                    chart
                        .draw_series(LineSeries::new(
                            xs.iter().copied().zip(ys.iter().map(|y| y.clamp(lo, hi))),
                            c.stroke_width(1),
                        ))
                        .map_err(err)?
                        .label(label.as_str())
                        .legend(swatch(c));
                    legend(&mut chart, SeriesLabelPosition::UpperRight, 12)?;
                }
            }
            Ok(())
        })
    }
}

/// The y range of a panel: the target's range with room below and a legend's height above
/// (−0.2..1.5 for a target on \[0,1\]).
fn range(ys: &[f64]) -> (f64, f64) {
    let lo = ys.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let h = (hi - lo).max(1e-9);
    (lo - 0.2 * h, hi + 0.5 * h)
}

/// The nets of one target, as (label, values on the grid): its deep references and the headline
/// trainer's matched net at the tightest tolerance it reached.
fn rows(r: &Results, t: &TargetResult, xs: &[f64]) -> anyhow::Result<Vec<(String, Vec<f64>)>> {
    let mut rows: Vec<(String, Vec<f64>)> = Vec::new();
    for re in &t.references {
        if re.weights.is_empty() {
            continue;
        }
        let net = super::net(t.dim, &re.hidden, &re.weights)?;
        let mut ys = vec![0.0; xs.len()];
        net.forward(xs, &mut ys);
        let kind = match (&re.net, re.kind) {
            (Some(file), _) => format!("your net ({file})"),
            (None, ReferenceKind::Constructed) => "deep constructed".into(),
            (None, ReferenceKind::Trained) => "deep trained (best seed)".into(),
        };
        let err = re.error.map_or("-".into(), |e| format!("{e:.1e}"));
        let width = re.hidden.iter().max().copied().unwrap_or(0);
        rows.push((
            format!("{kind}: width {width} x depth {}, {} params, error {err}", re.hidden.len(), re.params),
            ys,
        ));
    }
    let constructed = super::reference(t, ReferenceKind::Constructed);
    let trainer = r.config.shallow.first().map_or("", |s| s.train.optimizer.name());
    if let Some(s) = constructed.and_then(|re| {
        re.searches.iter().rev().find(|s| {
            s.trainer.name() == trainer && matches!(s.m_star, MStar::Found { .. }) && !s.matched_weights.is_empty()
        })
    }) {
        let m = s.m_star.width().unwrap() as usize;
        let net = super::net(t.dim, &[m], &s.matched_weights)?;
        let mut ys = vec![0.0; xs.len()];
        net.forward(xs, &mut ys);
        rows.push((
            format!("matched shallow ({trainer}): width {m}, {} params, tolerance {:.0e}", net.n_params(), s.tau),
            ys,
        ));
    }
    Ok(rows)
}
