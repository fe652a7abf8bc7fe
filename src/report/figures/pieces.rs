//! Linear pieces vs parameters, one panel per family: constructed deep nets (2^k pieces from 6k+1 parameters), trained
//! deep and trained shallow nets (measured exactly), and the shallow bound: a width-m shallow net
//! has at most m + 1 pieces from 3m + 1 parameters. Points above that line are out of reach of any
//! shallow net with as many parameters.

use super::Family;
use crate::report::Artifact;
use crate::report::plot::OpaqueGrid;
use crate::report::plot::{FONT, GREY, PALETTE, err, legend, swatch};
use crate::results::Results;
use crate::suite::ReferenceKind;
use plotters::prelude::*;

pub struct PiecesVsParams;

impl Artifact for PiecesVsParams {
    fn file_name(&self) -> &'static str {
        "pieces.svg"
    }

    fn render(&self, r: &Results) -> anyhow::Result<String> {
        super::per_family(r, |area, fam| panel(area, r, fam))
    }
}

/// One family's panel.
fn panel(root: &DrawingArea<SVGBackend, plotters::coord::Shift>, r: &Results, fam: &Family) -> anyhow::Result<()> {
    let mut constructed = Vec::new();
    let mut trained = Vec::new();
    let mut shallow = Vec::new();
    for &t in &fam.targets {
        if let Some(re) = super::reference(t, ReferenceKind::Constructed) {
            constructed.extend(re.pieces.map(|p| (re.params as f64, p as f64)));
        }
        if let Some(re) = super::reference(t, ReferenceKind::Trained) {
            trained.extend(re.seeds.iter().filter_map(|s| s.pieces.map(|p| (re.params as f64, p as f64))));
        }
        shallow.extend(
            t.shallow_runs
                .iter()
                .filter_map(|s| s.pieces.map(|p| (crate::net::Mlp::count_params(t.dim, &s.hidden) as f64, p as f64))),
        );
    }
    let all = constructed.iter().chain(&trained).chain(&shallow);
    let xmax = all.clone().map(|p| p.0).fold(10.0, f64::max) * 2.0;
    let ymax = all.map(|p| p.1).fold(10.0, f64::max) * 32.0; // headroom for the legend
    {
        let mut chart = ChartBuilder::on(root)
            .caption(format!("Linear pieces on [0,1] vs parameters (exact counts): {}", fam.name), (FONT, 20))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d((4f64..xmax).log_scale().base(2.0), (1f64..ymax).log_scale().base(2.0))
            .map_err(err)?;
        chart
            .configure_mesh()
            .opaque_grid()
            .x_desc("parameters (log2)")
            .y_desc("linear pieces (log2)")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .draw()
            .map_err(err)?;
        let line: Vec<(f64, f64)> =
            (2..=(xmax.log2() as i32)).map(|e| 2f64.powi(e)).map(|p| (p, ((p - 1.0) / 3.0 + 1.0).max(1.0))).collect();
        chart
            .draw_series(DashedLineSeries::new(line, 6, 4, GREY.stroke_width(2)))
            .map_err(err)?
            .label("shallow bound: m + 1 pieces from 3m + 1 parameters")
            .legend(swatch(GREY));
        let step: Vec<&str> =
            r.config.shallow.iter().filter(|s| !s.train.optimizer.sweeps()).map(|s| s.train.optimizer.name()).collect();
        let shallow_label = format!("trained shallow nets ({}: every run)", step.join(", "));
        let constructed_label = format!("{}s (exact pieces)", super::constructed_name(fam.targets.iter().copied()));
        let series = [
            (shallow_label.as_str(), &shallow, PALETTE[2], 2),
            ("trained deep nets (every seed)", &trained, PALETTE[1], 4),
            (constructed_label.as_str(), &constructed, PALETTE[0], 5),
        ];
        for (label, pts, c, size) in series {
            chart
                .draw_series(pts.iter().map(move |&p| Circle::new(p, size, c.filled())))
                .map_err(err)?
                .label(label)
                .legend(move |(x, y)| Circle::new((x + 9, y), size, c.filled()));
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft, 13)?;
        Ok(())
    }
}
