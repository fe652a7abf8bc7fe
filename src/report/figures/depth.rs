//! Parameters needed against depth: per family series and tolerance (one panel each), for a few
//! members, the certified lower bound (dashed), the construction sized to the tolerance (solid,
//! circles) and the smallest trained net (triangles, best over the trained columns, with a bar over
//! the seeds' own smallest passing widths), log scale. Without profiles the figure says how to get them.

use crate::profile::{DepthProfile, TrainedAt};
use crate::report::Artifact;
use crate::report::plot::OpaqueGrid;
use crate::report::plot::{FONT, PALETTE, err, legend, svg, swatch};
use crate::results::Results;
use plotters::prelude::*;

pub struct DepthFigure;

/// The members drawn in one panel: at most four, spread over the series (the last always, and the
/// deepest one with a trained column at L ≥ 2).
fn chosen<'a>(ps: &[&'a DepthProfile]) -> Vec<&'a DepthProfile> {
    let n = ps.len();
    let mut idx: Vec<usize> = (1..=3).map(|q| (q * n / 3).saturating_sub(1)).collect();
    if let Some(t) = ps.iter().rposition(|p| p.depths.iter().any(|c| c.depth >= 2 && !c.trained.is_empty())) {
        idx.push(t);
    }
    idx.sort_unstable();
    idx.dedup();
    idx.into_iter().map(|i| ps[i]).collect()
}

/// The range over seeds of the parameters (of a net on `dim` inputs) at each seed's smallest passing
/// width (`None` when no seed passed).
pub fn seed_range(t: &TrainedAt, floor: f64, depth: usize, dim: usize) -> Option<(u64, u64)> {
    let seeds = t.tried.first()?.errors.len();
    let per_seed: Vec<u64> = (0..seeds)
        .filter_map(|s| {
            t.tried.iter().find(|w| w.errors.get(s).copied().flatten().is_some_and(|e| e <= floor)).map(|w| w.width)
        })
        .map(|w| crate::net::Mlp::count_params(dim, &vec![w; depth]) as u64)
        .collect();
    Some((*per_seed.iter().min()?, *per_seed.iter().max()?))
}

/// The figure drawn without profiles: how to get them.
pub(super) fn placeholder() -> anyhow::Result<String> {
    svg((800, 120), |root| {
        root.draw(&Text::new(
            "No depth profiles measured: run `depthsep profile --in results.json`.",
            (20, 50),
            (FONT, 16),
        ))
        .map_err(err)
    })
}

/// The panels of a profile figure: (family series, tolerance) in first-seen order.
pub(super) fn panels(p: &crate::profile::Profiles) -> Vec<(String, f64)> {
    let mut keys: Vec<(String, f64)> = Vec::new();
    for prof in &p.profiles {
        let k = (prof.target.series(), prof.key());
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys
}

impl Artifact for DepthFigure {
    fn file_name(&self) -> &'static str {
        "depth.svg"
    }

    fn render(&self, r: &Results) -> anyhow::Result<String> {
        let Some(p) = &r.depth_profiles else { return placeholder() };
        let keys = panels(p);
        let metric = p.config.metric.short();
        let cols = keys.len().clamp(1, 2);
        let rows = keys.len().div_ceil(cols);
        svg((700 * cols as u32, 560 * rows as u32), |root| {
            for (area, (series, floor)) in root.split_evenly((rows, cols)).iter().zip(&keys) {
                let ps: Vec<&DepthProfile> =
                    p.profiles.iter().filter(|q| q.target.series() == *series && q.key() == *floor).collect();
                let l_max = ps.iter().map(|q| q.depths.len()).max().unwrap_or(1) as f64;
                let values = ps.iter().flat_map(|q| {
                    q.depths.iter().flat_map(|c| {
                        [c.lower.as_ref().map(|l| l.params), c.constructed.as_ref().map(|k| k.params)]
                            .into_iter()
                            .chain(c.trained.iter().map(|t| t.params))
                            .flatten()
                    })
                });
                let (lo, hi) = values.fold((u64::MAX, 1u64), |(a, b), v| (a.min(v), b.max(v)));
                let (lo, hi) = (lo.min(hi) as f64 / 1.5, hi as f64 * 4.0);
                let mut chart = ChartBuilder::on(area)
                    .caption(
                        format!(
                            "{series}: parameters needed at each depth, {}",
                            crate::profile::tolerance_text(metric, *floor)
                        ),
                        (FONT, 16),
                    )
                    .margin(12)
                    .x_label_area_size(40)
                    .y_label_area_size(60)
                    .build_cartesian_2d(0.6..(l_max + 0.4), (lo.max(1.0)..hi).log_scale())
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .opaque_grid()
                    .x_desc("depth L (hidden layers)")
                    .y_desc("parameters (log)")
                    .x_labels(l_max as usize)
                    .x_label_formatter(&|x| format!("{x:.0}"))
                    .y_label_formatter(&|y| format!("{y:.0}"))
                    .draw()
                    .map_err(err)?;
                for (i, q) in chosen(&ps).into_iter().enumerate() {
                    let c = PALETTE[i % PALETTE.len()];
                    let dim = q.target.build().map_or(1, |t| t.dim());
                    let lb: Vec<(f64, f64)> = q
                        .depths
                        .iter()
                        .filter_map(|d| d.lower.as_ref().map(|l| (d.depth as f64, l.params as f64)))
                        .collect();
                    chart.draw_series(DashedLineSeries::new(lb, 6, 4, c.stroke_width(1))).map_err(err)?;
                    let built: Vec<(f64, f64)> = q
                        .depths
                        .iter()
                        .filter_map(|d| d.constructed.as_ref().map(|k| (d.depth as f64, k.params as f64)))
                        .collect();
                    chart
                        .draw_series(LineSeries::new(built.clone(), c.stroke_width(2)))
                        .map_err(err)?
                        .label(q.label.clone())
                        .legend(swatch(c));
                    chart.draw_series(built.iter().map(|&pt| Circle::new(pt, 3, c.filled()))).map_err(err)?;
                    for d in &q.depths {
                        let Some((prm, _)) = d.best_trained() else { continue };
                        let x = d.depth as f64 + 0.08;
                        chart.draw_series([TriangleMarker::new((x, prm as f64), 5, c.filled())]).map_err(err)?;
                        let best = d
                            .trained
                            .iter()
                            .filter(|t| t.params == Some(prm))
                            .find_map(|t| seed_range(t, q.floor, d.depth, dim));
                        if let Some((a, b)) = best.filter(|(a, b)| a < b) {
                            chart
                                .draw_series(LineSeries::new(vec![(x, a as f64), (x, b as f64)], c.stroke_width(1)))
                                .map_err(err)?;
                        }
                    }
                }
                legend(&mut chart, SeriesLabelPosition::UpperRight, 12)?;
                area.draw(&Text::new(
                    "dashed: certified lower bound · line, circles: constructed · triangles: trained (bar: seeds; censored not drawn)",
                    (80, 36),
                    (FONT, 12),
                ))
                .map_err(err)?;
            }
            Ok(())
        })
    }
}
