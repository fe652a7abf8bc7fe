//! Cost of the exact deep net vs the matched shallow nets: measured time of one inference pass and
//! one training step at batch 1024 (criterion medians imported by `depthsep costs`), against the
//! family's parameter.

use crate::report::Artifact;
use crate::report::plot::OpaqueGrid;
use crate::report::plot::{FONT, GREY, PALETTE, err, floor_label, legend, svg, swatch};
use crate::results::Results;
use crate::suite::ReferenceKind;
use plotters::prelude::*;

pub struct CostVsK;

/// (label, colour, dashed, points).
type Series = (String, RGBColor, bool, Vec<(f64, f64)>);

impl Artifact for CostVsK {
    fn file_name(&self) -> &'static str {
        "costs.svg"
    }

    fn render(&self, r: &Results) -> anyhow::Result<String> {
        let costs = r.costs.as_ref();
        let (kmin, kmax) = super::axis_range(r);
        let (name, _) = super::axis_name(r);
        let metric = r.config.metric.short();
        let targets = super::family_targets(r);
        // The headline trainer's matched nets (the first [[shallow]] table).
        let trainer = r.config.shallow.first().map_or("", |s| s.train.optimizer.name());
        // Deep first, then one series per tolerance.
        let mut series: Vec<Series> = Vec::new();
        for (what, dashed) in [("inference", false), ("training step", true)] {
            let pick = |h: &[usize]| {
                costs
                    .and_then(|c| c.get(h))
                    .and_then(|n| if dashed { n.train_ns } else { n.infer_ns })
                    .map(|ns| ns / 1e3)
            };
            let deep: Vec<(f64, f64)> = targets
                .iter()
                .filter_map(|&t| {
                    super::reference(t, ReferenceKind::Constructed)
                        .and_then(|re| pick(&re.hidden))
                        .map(|us| (super::axis(t), us))
                })
                .collect();
            series.push((format!("exact deep net (constructed): {what}"), GREY, dashed, deep));
            for (i, &floor) in r.config.floors.iter().enumerate() {
                let pts: Vec<(f64, f64)> = targets
                    .iter()
                    .filter_map(|&t| {
                        let s = super::reference(t, ReferenceKind::Constructed)?
                            .searches
                            .iter()
                            .find(|s| s.floor == floor && s.trainer.name() == trainer)?;
                        pick(&[s.m_star.width()? as usize]).map(|us| (super::axis(t), us))
                    })
                    .collect();
                series.push((
                    format!("matched shallow ({trainer}), {metric} {}: {what}", floor_label(floor)),
                    PALETTE[i % PALETTE.len()],
                    dashed,
                    pts,
                ));
            }
        }
        let all: Vec<f64> = series.iter().flat_map(|s| s.3.iter().map(|p| p.1)).collect();
        let (lo, hi) = (all.iter().copied().fold(1.0, f64::min) / 2.0, all.iter().copied().fold(10.0, f64::max) * 20.0);
        let caption = match costs {
            Some(c) => format!("Time per pass at batch {} (criterion median, f64, 1 thread)", c.batch),
            None => "No measured costs in this results document (run `cargo bench -- matched`, then `depthsep costs`)"
                .into(),
        };
        svg((900, 600), |root| {
            let mut chart = ChartBuilder::on(root)
                .caption(caption, (FONT, 18))
                .margin(12)
                .x_label_area_size(45)
                .y_label_area_size(70)
                .build_cartesian_2d((kmin - 0.3)..(kmax + 0.3), (lo..hi).log_scale())
                .map_err(err)?;
            chart
                .configure_mesh()
                .opaque_grid()
                .x_desc(name)
                .y_desc("microseconds (log scale)")
                .x_labels((kmax - kmin + 1.0) as usize)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_label_formatter(&|y| format!("{y:.0e}"))
                .draw()
                .map_err(err)?;
            for (label, c, dashed, pts) in series.into_iter().filter(|s| !s.3.is_empty()) {
                let style = c.stroke_width(2);
                let drawn = if dashed {
                    chart.draw_series(DashedLineSeries::new(pts.clone(), 6, 4, style)).map_err(err)?
                } else {
                    chart.draw_series(LineSeries::new(pts.clone(), style)).map_err(err)?
                };
                drawn.label(label).legend(swatch(c));
                chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, c.filled()))).map_err(err)?;
            }
            if costs.is_some() {
                legend(&mut chart, SeriesLabelPosition::UpperLeft, 12)?;
            }
            Ok(())
        })
    }
}
