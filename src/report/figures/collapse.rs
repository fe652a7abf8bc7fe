//! Collapse rate of the trained deep reference vs k: the fraction of seeds whose best error is
//! within 5% of the best constant predictor's.

use crate::report::Artifact;
use crate::report::plot::OpaqueGrid;
use crate::report::plot::{FONT, PALETTE, err, legend, svg, swatch};
use crate::results::Results;
use crate::suite::ReferenceKind;
use plotters::prelude::*;

pub struct CollapseRate;

impl Artifact for CollapseRate {
    fn file_name(&self) -> &'static str {
        "collapse.svg"
    }

    fn render(&self, r: &Results) -> anyhow::Result<String> {
        let pts: Vec<(f64, f64)> = super::family_targets(r)
            .into_iter()
            .filter_map(|t| {
                super::reference(t, ReferenceKind::Trained).and_then(|re| re.collapse_rate.map(|c| (super::axis(t), c)))
            })
            .collect();
        let (kmin, kmax) = super::axis_range(r);
        let (name, family) = super::axis_name(r);
        let depth = match r.config.deep.depth {
            crate::suite::Depth::PerK(_) => "the construction's".to_string(),
            crate::suite::Depth::Fixed(d) => d.to_string(),
        };
        let arch = format!("width {}, depth {depth}", r.config.deep.width);
        svg((800, 450), |root| {
            let mut chart = ChartBuilder::on(root)
                .caption(format!("Trained deep reference on the {family} ({arch}): collapse to a constant"), (FONT, 18))
                .margin(12)
                .x_label_area_size(45)
                .y_label_area_size(60)
                .build_cartesian_2d((kmin - 0.3)..(kmax + 0.3), -0.05f64..1.1f64)
                .map_err(err)?;
            chart
                .configure_mesh()
                .opaque_grid()
                .x_desc(name)
                .y_desc("fraction of seeds collapsed")
                .x_labels((kmax - kmin + 1.0) as usize)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .draw()
                .map_err(err)?;
            let c = PALETTE[1];
            chart
                .draw_series(LineSeries::new(pts.clone(), c.stroke_width(2)))
                .map_err(err)?
                .label(format!(
                    "collapse rate over {} seeds (error ≥ {:.0}% of the constant's)",
                    r.config.deep.seeds,
                    crate::train::COLLAPSE_FRACTION * 100.0
                ))
                .legend(swatch(c));
            chart.draw_series(pts.iter().map(|&p| Circle::new(p, 4, c.filled()))).map_err(err)?;
            legend(&mut chart, SeriesLabelPosition::UpperLeft, 13)?;
            Ok(())
        })
    }
}
