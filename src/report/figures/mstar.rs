//! Minimal shallow width vs k (log₂ axis): one series per tolerance against the constructed deep
//! reference, the theory bracket as a band, and the deep reference's units and parameters.

use crate::report::Artifact;
use crate::report::plot::{FONT, GREY, PALETTE, err, floor_label, legend, svg, swatch};
use crate::results::Results;
use crate::search::MStar;
use crate::suite::ReferenceKind;
use plotters::prelude::*;

pub struct MStarVsK;

impl Artifact for MStarVsK {
    fn file_name(&self) -> &'static str {
        "mstar.svg"
    }

    fn render(&self, r: &Results) -> anyhow::Result<String> {
        let (kmin, kmax) = super::k_range(r);
        let m_max = r.config.shallow.m_max as f64;
        let ytop = (m_max * 4.0).max(2f64.powi(kmax as i32 + 1));
        svg((900, 600), |root| {
            let mut chart = ChartBuilder::on(root)
                .caption("Minimal one-hidden-layer width matching the exact deep net on the sawtooth", (FONT, 20))
                .margin(12)
                .x_label_area_size(45)
                .y_label_area_size(70)
                .build_cartesian_2d((kmin as f64 - 0.3)..(kmax as f64 + 0.3), (0.8f64..ytop).log_scale().base(2.0))
                .map_err(err)?;
            chart
                .configure_mesh()
                .x_desc("k (compositions of the tent map; the target has 2^k linear pieces)")
                .y_desc("hidden units (log2 scale)")
                .x_labels((kmax - kmin + 1) as usize)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_label_formatter(&|y| format!("{y:.0}"))
                .draw()
                .map_err(err)?;
            for (i, &floor) in r.config.floors.iter().enumerate() {
                let c = PALETTE[i % PALETTE.len()];
                let mut found = Vec::new();
                let mut censored = Vec::new();
                let mut band_lo = Vec::new();
                let mut band_hi = Vec::new();
                for t in &r.targets {
                    let Some(re) = super::reference(t, ReferenceKind::Constructed) else { continue };
                    let Some(s) = re.searches.iter().find(|s| s.floor == floor) else { continue };
                    if let Some(b) = s.bracket {
                        band_lo.push((t.k as f64, b.lower as f64));
                        band_hi.push((t.k as f64, b.upper as f64));
                    }
                    match s.m_star {
                        MStar::Found { m } => found.push((t.k as f64, m as f64)),
                        // Offset by tolerance so censored markers of different tolerances stay visible.
                        MStar::Censored { m_max } => {
                            censored.push((t.k as f64 + 0.12 * (i as f64 - 1.0), m_max as f64))
                        }
                    }
                }
                let mut poly = band_lo.clone();
                poly.extend(band_hi.iter().rev());
                chart
                    .draw_series(std::iter::once(Polygon::new(poly, c.mix(0.12).filled())))
                    .map_err(err)?
                    .label(format!("theory bracket, nMSE {}", floor_label(floor)))
                    .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], c.mix(0.25).filled()));
                chart
                    .draw_series(LineSeries::new(found.clone(), c.stroke_width(2)))
                    .map_err(err)?
                    .label(format!("trained m*, nMSE ≤ {}", floor_label(floor)))
                    .legend(swatch(c));
                chart.draw_series(found.iter().map(|&p| Circle::new(p, 4, c.filled()))).map_err(err)?;
                chart
                    .draw_series(censored.iter().map(|&p| TriangleMarker::new(p, 6, c.stroke_width(2))))
                    .map_err(err)?;
            }
            let ks: Vec<f64> = r.targets.iter().map(|t| t.k as f64).collect();
            chart
                .draw_series(LineSeries::new(ks.iter().map(|&k| (k, 2.0 * k)), GREY.stroke_width(2)))
                .map_err(err)?
                .label("deep net: hidden units (2k)")
                .legend(swatch(GREY));
            chart
                .draw_series(DashedLineSeries::new(ks.iter().map(|&k| (k, 6.0 * k + 1.0)), 6, 4, GREY.stroke_width(1)))
                .map_err(err)?
                .label("deep net: parameters (6k+1)")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], GREY.stroke_width(1)));
            chart
                .draw_series(std::iter::once(TriangleMarker::new((kmin as f64, m_max), 0, GREY.stroke_width(2))))
                .map_err(err)?
                .label(format!("triangle: censored, m* > m_max = {}", r.config.shallow.m_max))
                .legend(|(x, y)| TriangleMarker::new((x + 9, y), 6, GREY.stroke_width(2)));
            legend(&mut chart, SeriesLabelPosition::UpperLeft, 13)?;
            Ok(())
        })
    }
}
