//! The optimization gap: per tolerance (one panel each), the theory bracket on the best possible
//! width and the minimal width each shallow trainer reached against the constructed deep reference,
//! vs the family's parameter. The distance between a trainer's line and the bracket is what that
//! trainer leaves on the table; censored searches are triangles at the trainer's m_max.

use crate::report::Artifact;
use crate::report::plot::OpaqueGrid;
use crate::report::plot::{FONT, GREY, PALETTE, err, floor_label, legend, svg, swatch};
use crate::results::{Results, SearchResult, TargetResult};
use crate::search::MStar;
use crate::suite::ReferenceKind;
use plotters::prelude::*;

pub struct Gap;

impl Artifact for Gap {
    fn file_name(&self) -> &'static str {
        "gap.svg"
    }

    fn render(&self, r: &Results) -> anyhow::Result<String> {
        let (kmin, kmax) = super::axis_range(r);
        let (name, family) = super::axis_name(r);
        let metric = r.config.metric.short();
        let targets = super::family_targets(r);
        let m_top = r.config.shallow.iter().map(|s| s.m_max).max().unwrap_or(1) as f64;
        let pieces_max = targets.iter().map(|t| t.pieces).max().unwrap_or(1) as f64;
        let ytop = (m_top * 4.0).max(2.0 * pieces_max);
        let floors = &r.config.floors;
        svg((420 * floors.len().max(1) as u32, 520), |root| {
            let (title, body) = root.split_vertically(40);
            title
                .titled(
                    &format!("The optimization gap on the {family}: minimal width per trainer vs the best possible"),
                    (FONT, 20),
                )
                .map_err(err)?;
            for (panel, &floor) in body.split_evenly((1, floors.len().max(1))).iter().zip(floors) {
                let mut chart = ChartBuilder::on(panel)
                    .caption(format!("{metric} ≤ {}", floor_label(floor)), (FONT, 16))
                    .margin(8)
                    .x_label_area_size(40)
                    .y_label_area_size(55)
                    .build_cartesian_2d((kmin - 0.3)..(kmax + 0.3), (0.8f64..ytop).log_scale().base(2.0))
                    .map_err(err)?;
                chart
                    .configure_mesh()
                    .opaque_grid()
                    .x_desc(name)
                    .y_desc("hidden units (log2)")
                    .x_labels((kmax - kmin + 1.0) as usize)
                    .x_label_formatter(&|x| format!("{x:.0}"))
                    .y_label_formatter(&|y| format!("{y:.0}"))
                    .draw()
                    .map_err(err)?;
                fn search<'a>(t: &'a TargetResult, trainer: &str, floor: f64) -> Option<&'a SearchResult> {
                    super::reference(t, ReferenceKind::Constructed)?
                        .searches
                        .iter()
                        .find(|s| s.floor == floor && s.trainer.name() == trainer)
                }
                let first = r.config.shallow.first().map_or("", |s| s.train.optimizer.name());
                let (mut lo, mut hi) = (Vec::new(), Vec::new());
                for &t in &targets {
                    if let Some(b) = search(t, first, floor).and_then(|s| s.bracket) {
                        lo.push((super::axis(t), b.lower as f64));
                        hi.push((super::axis(t), b.upper as f64));
                    }
                }
                if !lo.is_empty() {
                    let mut poly = lo.clone();
                    poly.extend(hi.iter().rev());
                    chart
                        .draw_series(std::iter::once(Polygon::new(poly, GREY.mix(0.25).filled())))
                        .map_err(err)?
                        .label("best possible width: theory bracket")
                        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], GREY.mix(0.35).filled()));
                }
                for (i, sh) in r.config.shallow.iter().enumerate() {
                    let trainer = sh.train.optimizer.name();
                    let c = PALETTE[i % PALETTE.len()];
                    let (mut found, mut censored) = (Vec::new(), Vec::new());
                    for &t in &targets {
                        match search(t, trainer, floor).map(|s| s.m_star) {
                            Some(MStar::Found { m }) => found.push((super::axis(t), m as f64)),
                            Some(MStar::Censored { m_max }) => {
                                censored.push((super::axis(t) + 0.1 * (i as f64 - 1.0), m_max as f64))
                            }
                            None => {}
                        }
                    }
                    chart
                        .draw_series(LineSeries::new(found.clone(), c.stroke_width(2)))
                        .map_err(err)?
                        .label(format!("m* {trainer}"))
                        .legend(swatch(c));
                    chart.draw_series(found.iter().map(|&p| Circle::new(p, 3, c.filled()))).map_err(err)?;
                    chart
                        .draw_series(censored.iter().map(|&p| TriangleMarker::new(p, 5, c.stroke_width(2))))
                        .map_err(err)?;
                }
                chart
                    .draw_series(std::iter::once(TriangleMarker::new((kmin, 1.0), 0, GREY.stroke_width(2))))
                    .map_err(err)?
                    .label("triangle: censored at the trainer's m_max")
                    .legend(|(x, y)| TriangleMarker::new((x + 9, y), 5, GREY.stroke_width(2)));
                legend(&mut chart, SeriesLabelPosition::UpperLeft, 12)?;
            }
            Ok(())
        })
    }
}
