//! Minimal shallow width vs the family's parameter (log₂ axis), one panel per family, for the
//! headline trainer (the first `[[shallow]]` table that searched the family): one series per
//! tolerance against the constructed deep reference, the theory bracket as a band, and the deep
//! reference's units and parameters (read from the results).

use super::Family;
use crate::report::Artifact;
use crate::report::plot::OpaqueGrid;
use crate::report::plot::{FONT, GREY, PALETTE, err, legend, swatch, tolerance_label};
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
        super::per_family(r, |area, fam| panel(area, r, fam))
    }
}

/// One family's panel.
fn panel(root: &DrawingArea<SVGBackend, plotters::coord::Shift>, r: &Results, fam: &Family) -> anyhow::Result<()> {
    let (kmin, kmax) = fam.range();
    let (name, family) = (fam.axis, &fam.name);
    let metric = r.config.metric.short();
    let targets = &fam.targets;
    // The headline trainer, or the first one that searched this family (freeknot skips d > 1).
    let searched = |name: &str| {
        targets.iter().flat_map(|t| &t.references).flat_map(|re| &re.searches).any(|s| s.trainer.name() == name)
    };
    let Some(sh) = r.config.shallow.iter().find(|s| searched(s.train.optimizer.name())).or(r.config.shallow.first())
    else {
        anyhow::bail!("no shallow trainer")
    };
    let trainer = sh.train.optimizer.name();
    let m_max = sh.m_max as f64;
    let pieces_max = targets.iter().map(|t| t.pieces).max().unwrap_or(1) as f64;
    let ytop = (m_max * 4.0).max(2.0 * pieces_max);
    let mut chart = ChartBuilder::on(root)
        .caption(format!("Minimal one-hidden-layer width matching the exact deep net: {family}"), (FONT, 20))
        .margin(12)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d((kmin - 0.3)..(kmax + 0.3), (0.8f64..ytop).log_scale().base(2.0))
        .map_err(err)?;
    chart
        .configure_mesh()
        .opaque_grid()
        .x_desc(format!("{name} ({family} parameter)"))
        .y_desc("hidden units (log2 scale)")
        .x_labels((kmax - kmin + 1.0) as usize)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()
        .map_err(err)?;
    for (i, &floor) in fam.floors().iter().enumerate() {
        let c = PALETTE[i % PALETTE.len()];
        let mut found = Vec::new();
        let mut censored = Vec::new();
        let mut band_lo = Vec::new();
        let mut band_hi = Vec::new();
        for &t in targets {
            let Some(re) = super::reference(t, ReferenceKind::Constructed) else { continue };
            let Some(s) = re.searches.iter().find(|s| s.floor == floor && s.trainer.name() == trainer) else {
                continue;
            };
            let x = super::axis(t);
            if let Some(b) = s.bracket {
                band_lo.push((x, b.lower as f64));
                band_hi.push((x, b.upper as f64));
            }
            match s.m_star {
                MStar::Found { m } => found.push((x, m as f64)),
                // Offset by tolerance so censored markers of different tolerances stay visible.
                MStar::Censored { m_max } => censored.push((x + 0.12 * (i as f64 - 1.0), m_max as f64)),
            }
        }
        if !band_lo.is_empty() {
            let mut poly = band_lo.clone();
            poly.extend(band_hi.iter().rev());
            chart
                .draw_series(std::iter::once(Polygon::new(poly, c.mix(0.12).filled())))
                .map_err(err)?
                .label(format!("theory bracket, {}", tolerance_label(metric, floor)))
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], c.mix(0.25).filled()));
        }
        chart
            .draw_series(LineSeries::new(found.clone(), c.stroke_width(2)))
            .map_err(err)?
            .label(format!("trained m* ({trainer}), {}", tolerance_label(metric, floor)))
            .legend(swatch(c));
        chart.draw_series(found.iter().map(|&p| Circle::new(p, 4, c.filled()))).map_err(err)?;
        chart.draw_series(censored.iter().map(|&p| TriangleMarker::new(p, 6, c.stroke_width(2)))).map_err(err)?;
    }
    let deep: Vec<(f64, f64, f64)> = targets
        .iter()
        .filter_map(|&t| {
            let re = super::reference(t, ReferenceKind::Constructed)?;
            Some((super::axis(t), re.hidden.iter().sum::<usize>() as f64, re.params as f64))
        })
        .collect();
    chart
        .draw_series(LineSeries::new(deep.iter().map(|d| (d.0, d.1)), GREY.stroke_width(2)))
        .map_err(err)?
        .label(format!("{}: hidden units", super::constructed_name(targets.iter().copied())))
        .legend(swatch(GREY));
    chart
        .draw_series(DashedLineSeries::new(deep.iter().map(|d| (d.0, d.2)), 6, 4, GREY.stroke_width(1)))
        .map_err(err)?
        .label(format!("{}: parameters", super::constructed_name(targets.iter().copied())))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], GREY.stroke_width(1)));
    chart
        .draw_series(std::iter::once(TriangleMarker::new((kmin, m_max), 0, GREY.stroke_width(2))))
        .map_err(err)?
        .label(format!("triangle: censored, m* > m_max = {}", sh.m_max))
        .legend(|(x, y)| TriangleMarker::new((x + 9, y), 6, GREY.stroke_width(2)));
    legend(&mut chart, SeriesLabelPosition::UpperLeft, 13)?;
    Ok(())
}
