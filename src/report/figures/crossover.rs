//! Where depth starts to pay: per family series and tolerance (one panel each), parameters against
//! the series' parameter (k or d), log scale: one hidden layer (each shallow trainer's m*, triangles;
//! censored ones hollow at the cap; the construction and the certified lower bound in grey) against
//! depth ≥ 2 (the fewest parameters of a construction at any depth ≥ 2, black, and its certified lower
//! bound dashed; generic training at depth ≥ 2, squares, where it reached the tolerance).

use crate::profile::{DepthCell, DepthProfile};
use crate::report::Artifact;
use crate::report::plot::OpaqueGrid;
use crate::report::plot::{FONT, GREY, PALETTE, err, legend, svg, swatch};
use crate::results::Results;
use crate::search::MStar;
use plotters::prelude::*;

pub struct CrossoverFigure;

/// The fewest `pick` over depths ≥ 2.
fn deep(q: &DepthProfile, pick: impl Fn(&DepthCell) -> Option<u64>) -> Option<u64> {
    q.depths.iter().filter(|c| c.depth >= 2).filter_map(pick).min()
}

impl Artifact for CrossoverFigure {
    fn file_name(&self) -> &'static str {
        "crossover.svg"
    }

    fn render(&self, r: &Results) -> anyhow::Result<String> {
        let Some(p) = &r.depth_profiles else { return super::depth::placeholder() };
        let keys = super::depth::panels(p);
        let metric = p.config.metric.short();
        let cols = keys.len().clamp(1, 2);
        let rows = keys.len().div_ceil(cols);
        svg((700 * cols as u32, 520 * rows as u32), |root| {
            for (area, (series, floor)) in root.split_evenly((rows, cols)).iter().zip(&keys) {
                let ps: Vec<&DepthProfile> =
                    p.profiles.iter().filter(|q| q.target.series() == *series && q.key() == *floor).collect();
                let x = |q: &DepthProfile| q.target.axis().1;
                let axis = ps.first().map_or("k", |q| q.target.axis().0);
                let dim = |q: &DepthProfile| q.target.build().map_or(1, |t| t.dim());
                let cap = |q: &DepthProfile, m: u64| crate::net::Mlp::count_params(dim(q), &[m as usize]) as u64;
                let mut ys: Vec<u64> = Vec::new();
                for q in &ps {
                    for c in &q.depths {
                        ys.extend(c.lower.as_ref().map(|l| l.params));
                        ys.extend(c.constructed.as_ref().map(|k| k.params));
                        ys.extend(c.trained.iter().map(|t| match t.m_star {
                            MStar::Censored { m_max } => cap(q, m_max),
                            MStar::Found { .. } => t.params.unwrap_or(1),
                        }));
                    }
                }
                let (lo, hi) = (
                    ys.iter().copied().min().unwrap_or(1) as f64 / 1.5,
                    ys.iter().copied().max().unwrap_or(10) as f64 * 3.0,
                );
                let (x0, x1) = (
                    ps.iter().map(|q| x(q)).fold(f64::INFINITY, f64::min),
                    ps.iter().map(|q| x(q)).fold(0.0, f64::max),
                );
                let mut chart = ChartBuilder::on(area)
                    .caption(
                        format!(
                            "{series}, {}: one hidden layer against depth ≥ 2",
                            crate::profile::tolerance_text(metric, *floor)
                        ),
                        (FONT, 16),
                    )
                    .margin(12)
                    .x_label_area_size(40)
                    .y_label_area_size(60)
                    .build_cartesian_2d((x0 - 0.4)..(x1 + 0.4), (lo.max(1.0)..hi).log_scale())
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .opaque_grid()
                    .x_desc(axis)
                    .y_desc("parameters (log)")
                    .x_labels((x1 - x0) as usize + 1)
                    .x_label_formatter(&|v| format!("{v:.0}"))
                    .y_label_formatter(&|v| format!("{v:.0}"))
                    .draw()
                    .map_err(err)?;
                let line = |pick: &dyn Fn(&DepthProfile) -> Option<u64>| -> Vec<(f64, f64)> {
                    ps.iter().filter_map(|q| pick(q).map(|v| (x(q), v as f64))).collect()
                };
                // Depth 1: the construction and the certified lower bound (grey).
                let c1 = line(&|q| q.depths.first()?.constructed.as_ref().map(|k| k.params));
                if !c1.is_empty() {
                    chart
                        .draw_series(LineSeries::new(c1, GREY.stroke_width(2)))
                        .map_err(err)?
                        .label("depth 1, constructed (grey; certified lower bound dashed)")
                        .legend(swatch(GREY));
                }
                chart
                    .draw_series(DashedLineSeries::new(
                        line(&|q| q.depths.first()?.lower.as_ref().map(|l| l.params)),
                        6,
                        4,
                        GREY.stroke_width(1),
                    ))
                    .map_err(err)?;
                // Depth ≥ 2: the best construction and its lower bound (black).
                let cd = line(&|q| deep(q, |c| c.constructed.as_ref().map(|k| k.params)));
                chart
                    .draw_series(LineSeries::new(cd.clone(), BLACK.stroke_width(2)))
                    .map_err(err)?
                    .label("depth ≥ 2, constructed, fewest over depths (black; lower bound dashed)")
                    .legend(swatch(BLACK));
                chart.draw_series(cd.iter().map(|&pt| Circle::new(pt, 3, BLACK.filled()))).map_err(err)?;
                chart
                    .draw_series(DashedLineSeries::new(
                        line(&|q| deep(q, |c| c.lower.as_ref().map(|l| l.params))),
                        6,
                        4,
                        BLACK.stroke_width(1),
                    ))
                    .map_err(err)?;
                // Depth ≥ 2, trained (generic), where it reached the tolerance.
                let td = line(&|q| deep(q, |c| c.best_trained().map(|b| b.0)));
                if !td.is_empty() {
                    let c = PALETTE[3];
                    chart
                        .draw_series(td.iter().map(|&pt| {
                            Rectangle::new([(pt.0 - 0.12, pt.1 * 0.9), (pt.0 + 0.12, pt.1 * 1.1)], c.filled())
                        }))
                        .map_err(err)?
                        .label("depth ≥ 2, trained (generic recipes)")
                        .legend(swatch(c));
                }
                // Depth 1, trained: one colour per shallow trainer.
                let mut trainers: Vec<String> = Vec::new();
                for q in &ps {
                    for t in q.depths.first().map_or(&[][..], |c| &c.trained[..]) {
                        if !trainers.contains(&t.by) {
                            trainers.push(t.by.clone());
                        }
                    }
                }
                for (i, name) in trainers.iter().enumerate() {
                    let c = PALETTE[i % 3];
                    let pts: Vec<(f64, f64, bool)> = ps
                        .iter()
                        .filter_map(|q| {
                            let t = q.depths.first()?.trained.iter().find(|t| &t.by == name)?;
                            Some(match t.m_star {
                                MStar::Found { .. } => (x(q), t.params? as f64, true),
                                MStar::Censored { m_max } => (x(q), cap(q, m_max) as f64, false),
                            })
                        })
                        .collect();
                    let found: Vec<(f64, f64)> = pts.iter().filter(|p| p.2).map(|p| (p.0, p.1)).collect();
                    chart
                        .draw_series(LineSeries::new(found.clone(), c.stroke_width(1)))
                        .map_err(err)?
                        .label(format!(
                            "depth 1, trained: {} (hollow: censored, at the cap)",
                            name.trim_end_matches(" (shallow search)")
                        ))
                        .legend(swatch(c));
                    let off = 0.06 * (i as f64 - 1.0);
                    chart
                        .draw_series(found.iter().map(|&(a, b)| TriangleMarker::new((a + off, b), 5, c.filled())))
                        .map_err(err)?;
                    chart
                        .draw_series(
                            pts.iter()
                                .filter(|p| !p.2)
                                .map(|&(a, b, _)| TriangleMarker::new((a + off, b), 5, c.stroke_width(1))),
                        )
                        .map_err(err)?;
                }
                legend(&mut chart, SeriesLabelPosition::UpperLeft, 11)?;
            }
            Ok(())
        })
    }
}
