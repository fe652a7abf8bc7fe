//! Error vs shallow width for a few targets of the drawn family: every seed's trained error, the
//! theory band [certified lower bound, constructive upper bound] on the best width-m error (where the
//! family has one), and the tolerances.

use crate::family::Bound;
use crate::report::Artifact;
use crate::report::plot::OpaqueGrid;
use crate::report::plot::{FONT, GREY, PALETTE, err, floor_label, legend, svg, swatch};
use crate::results::{Results, TargetResult};
use plotters::prelude::*;

pub struct ErrorVsWidth;

/// One colour per shallow trainer (black first, as before trainers were several).
const TRAINER_COLOURS: [RGBColor; 3] = [BLACK, RGBColor(214, 39, 40), RGBColor(148, 103, 189)];

const Y_MIN: f64 = 1e-6;

impl Artifact for ErrorVsWidth {
    fn file_name(&self) -> &'static str {
        "error_vs_width.svg"
    }

    fn render(&self, r: &Results) -> anyhow::Result<String> {
        // The largest target with shallow runs and the ones two and four places below it.
        let with_runs: Vec<&TargetResult> =
            super::family_targets(r).into_iter().filter(|t| !t.shallow_runs.is_empty()).collect();
        let n = with_runs.len();
        let shown: Vec<&TargetResult> = [n.checked_sub(5), n.checked_sub(3), n.checked_sub(1)]
            .into_iter()
            .flatten()
            .map(|i| with_runs[i])
            .collect();
        let mut shown = shown;
        shown.dedup_by(|a, b| a.target == b.target);
        let m_max = r.config.shallow.iter().map(|s| s.m_max).max().unwrap_or(1) as f64;
        let metric = r.config.metric;
        let metric_name = metric.long();
        svg((1200, 480), |root| {
            let (title, body) = root.split_vertically(40);
            title
                .titled(
                    &format!("Trained shallow error vs width ({metric_name}, every seed) with the theory band"),
                    (FONT, 20),
                )
                .map_err(err)?;
            let panels = body.split_evenly((1, shown.len().max(1)));
            for (panel, &t) in panels.iter().zip(&shown) {
                let target = t.target.build()?;
                let mut chart = ChartBuilder::on(panel)
                    .caption(t.label.replace('=', " = "), (FONT, 16))
                    .margin(10)
                    .x_label_area_size(40)
                    .y_label_area_size(60)
                    .build_cartesian_2d((1f64..m_max * 1.5).log_scale().base(2.0), (Y_MIN..3.0).log_scale())
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .opaque_grid()
                    .x_desc("hidden units m (log2)")
                    .y_desc(metric_name)
                    .x_label_formatter(&|x| format!("{x:.0}"))
                    .y_label_formatter(&|y| format!("{y:.0e}"))
                    .draw()
                    .map_err(err)?;
                let ms: Vec<f64> =
                    (0..=(m_max.log2() * 8.0) as u32).map(|i| 2f64.powf(i as f64 / 8.0).round()).collect();
                let band = |side| -> Option<Vec<(f64, f64)>> {
                    ms.iter().map(|&m| Some((m, target.error_bound(side, m as u64, metric)?.max(Y_MIN)))).collect()
                };
                if let (Some(lo), Some(hi)) = (band(Bound::Lower), band(Bound::Upper)) {
                    let mut poly = lo;
                    poly.extend(hi.iter().rev());
                    chart
                        .draw_series(std::iter::once(Polygon::new(poly, GREY.mix(0.2).filled())))
                        .map_err(err)?
                        .label("best possible error: theory band")
                        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], GREY.mix(0.3).filled()));
                }
                for (i, &f) in r.config.floors.iter().enumerate() {
                    let c = PALETTE[i % PALETTE.len()];
                    chart
                        .draw_series(DashedLineSeries::new(vec![(1.0, f), (m_max * 1.5, f)], 5, 4, c.stroke_width(1)))
                        .map_err(err)?
                        .label(format!("tolerance {}", floor_label(f)))
                        .legend(swatch(c));
                }
                for (i, sh) in r.config.shallow.iter().enumerate() {
                    let name = sh.train.optimizer.name();
                    let c = TRAINER_COLOURS[i % TRAINER_COLOURS.len()];
                    let pts: Vec<(f64, f64)> = t
                        .shallow_runs
                        .iter()
                        .filter(|s| s.trainer.name() == name)
                        .filter_map(|s| s.error.map(|e| (s.hidden[0] as f64, e.clamp(Y_MIN, 3.0))))
                        .collect();
                    let curves: Vec<Vec<(f64, f64)>> = t
                        .sweeps
                        .iter()
                        .filter(|s| s.trainer.name() == name)
                        .map(|s| {
                            s.errors
                                .iter()
                                .enumerate()
                                .filter_map(|(m, e)| e.map(|e| ((m + 1) as f64, e.clamp(Y_MIN, 3.0))))
                                .collect()
                        })
                        .collect();
                    if pts.is_empty() && curves.is_empty() {
                        continue;
                    }
                    let label = format!("{name}: trained shallow nets (every seed)");
                    if curves.is_empty() {
                        chart
                            .draw_series(pts.iter().map(|&p| Circle::new(p, 3, c.filled())))
                            .map_err(err)?
                            .label(label)
                            .legend(move |(x, y)| Circle::new((x + 9, y), 3, c.filled()));
                    } else {
                        for (j, curve) in curves.into_iter().enumerate() {
                            let drawn = chart.draw_series(LineSeries::new(curve, c.stroke_width(1))).map_err(err)?;
                            if j == 0 {
                                drawn.label(format!("{name}: width sweep (every seed)")).legend(swatch(c));
                            }
                        }
                    }
                }
                legend(&mut chart, SeriesLabelPosition::LowerLeft, 12)?;
            }
            Ok(())
        })
    }
}
