//! The trainability frontier: per width (one panel each), the best seed's exact nMSE of each deep
//! training recipe against k on Δ^k (log scale, errors below 1e-16 drawn at 1e-16), with the
//! frontier tolerance as a dashed line. Without a measured frontier the figure says how to get one.

use crate::report::Artifact;
use crate::report::plot::OpaqueGrid;
use crate::report::plot::{FONT, PALETTE, err, legend, svg, swatch};
use crate::results::Results;
use crate::suite::frontier::FRONTIER_TOL;
use plotters::prelude::*;

pub struct FrontierFigure;

const FLOOR: f64 = 1e-16;

impl Artifact for FrontierFigure {
    fn file_name(&self) -> &'static str {
        "frontier.svg"
    }

    fn render(&self, r: &Results) -> anyhow::Result<String> {
        let Some(first) = &r.frontier else {
            return svg((800, 120), |root| {
                root.draw(&Text::new(
                    "No trainability frontier measured: run `depthsep frontier --in results.json`.",
                    (20, 50),
                    (FONT, 16),
                ))
                .map_err(err)
            });
        };
        let _ = first;
        // One row per frontier, one panel per width.
        let frontiers: Vec<_> = r.all_frontiers().collect();
        let panels = frontiers.iter().map(|f| f.widths.len()).max().unwrap_or(1).max(1) as u32;
        svg((620 * panels, 520 * frontiers.len() as u32), |root| {
            for (row, f) in root.split_evenly((frontiers.len(), 1)).iter().zip(&frontiers) {
                for (area, &width) in row.split_evenly((1, panels as usize)).iter().zip(&f.widths) {
                    let kmax = f.k_max as f64;
                    let mut chart = ChartBuilder::on(area)
                        .caption(
                            format!(
                                "{}: deep ReLU nets of width {width}, best of {} seeds",
                                f.series.series(),
                                f.seeds
                            ),
                            (FONT, 16),
                        )
                        .margin(12)
                        .x_label_area_size(40)
                        .y_label_area_size(60)
                        .build_cartesian_2d(0.7..(kmax + 0.3), (FLOOR / 3.0..3.0).log_scale())
                        .map_err(err)?;
                    chart
                        .configure_mesh()
                        .opaque_grid()
                        .x_desc(format!("{} (target parameter; depth = the construction's)", f.series.axis().0))
                        .y_desc("best nMSE (exact; 1 = the constant)")
                        .x_labels(f.k_max as usize)
                        .x_label_formatter(&|x| format!("{x:.0}"))
                        .y_label_formatter(&|y| format!("{y:.0e}"))
                        .draw()
                        .map_err(err)?;
                    chart
                        .draw_series(LineSeries::new(
                            vec![(0.7, FRONTIER_TOL), (kmax + 0.3, FRONTIER_TOL)],
                            BLACK.stroke_width(2),
                        ))
                        .map_err(err)?
                        .label(format!("frontier tolerance nMSE = {FRONTIER_TOL:.0e} (errors < 1e-16 drawn at 1e-16)"))
                        .legend(swatch(BLACK));
                    // One colour per base recipe; a larger step budget (`<name> ×n`) is its thin,
                    // hollow-marked twin.
                    let ordered = crate::report::frontier::ordered(f);
                    let mut bases: Vec<&str> = Vec::new();
                    for spec in &ordered {
                        let base = spec.name.split(" ×").next().unwrap_or(&spec.name);
                        if !bases.contains(&base) {
                            bases.push(base);
                        }
                    }
                    for spec in ordered {
                        let base = spec.name.split(" ×").next().unwrap_or(&spec.name);
                        let i = bases.iter().position(|b| *b == base).unwrap_or(0);
                        let c = PALETTE[i % PALETTE.len()];
                        let more = spec.name.contains(" ×");
                        let pts: Vec<(f64, f64)> = (1..=f.k_max)
                            .filter_map(|k| f.cell(&spec.name, width, k)?.best.map(|b| (k as f64, b.max(FLOOR))))
                            .collect();
                        chart
                            .draw_series(LineSeries::new(pts.clone(), c.stroke_width(if more { 1 } else { 2 })))
                            .map_err(err)?
                            .label(format!(
                                "{}, {} (frontier k = {})",
                                spec.name,
                                spec.recipe.kind(),
                                f.frontier(&spec.name, width)
                            ))
                            .legend(swatch(c));
                        let style = if more { c.stroke_width(1) } else { c.filled() };
                        chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, style))).map_err(err)?;
                    }
                    legend(&mut chart, SeriesLabelPosition::MiddleRight, 12)?;
                }
            }
            Ok(())
        })
    }
}
