//! The constructed deep net layer by layer, as the family reads it ([`crate::family::Target::layer_functions`]):
//! for the sawtooth, the readout 2σ(z) − 4σ(z − ½) of hidden layer l, as an exact function of x
//! (drawn through its exact knots), is Δ^l: each layer composes the tent map with the function
//! computed below it.

use crate::report::Artifact;
use crate::report::plot::OpaqueGrid;
use crate::report::plot::{FONT, PALETTE, err, legend, svg, swatch};
use crate::results::Results;
use plotters::prelude::*;

pub struct Layers;

impl Artifact for Layers {
    fn file_name(&self) -> &'static str {
        "layers.svg"
    }

    fn render(&self, r: &Results) -> anyhow::Result<String> {
        let t = super::showcase(r)?;
        let target = t.target.build()?;
        let rows = target.layer_functions()?;
        let net = target.construct_deep()?.net;
        let k = rows.len().max(1) as u32;
        svg((900, 150 * k + 60), |root| {
            let (title, body) = root.split_vertically(40);
            let title_text = if rows.is_empty() {
                format!("{}: the family gives no per-layer reading of its construction", t.label)
            } else {
                format!(
                    "Constructed deep net (width {}, depth {}): what each hidden layer computes",
                    net.hidden().iter().max().unwrap_or(&0),
                    net.hidden().len()
                )
            };
            title.titled(&title_text, (FONT, 20)).map_err(err)?;
            for (l, (panel, (label, f))) in body.split_evenly((k as usize, 1)).iter().zip(&rows).enumerate() {
                let c = PALETTE[l % PALETTE.len()];
                let mut chart = ChartBuilder::on(panel)
                    .margin(6)
                    .x_label_area_size(if l + 1 == k as usize { 30 } else { 5 })
                    .y_label_area_size(50)
                    .build_cartesian_2d(0f64..1f64, -0.1f64..1.35f64)
                    .map_err(err)?;
                let last = l + 1 == k as usize;
                chart
                    .configure_mesh()
                    .opaque_grid()
                    .y_labels(3)
                    .x_desc(if last { "x" } else { "" })
                    .draw()
                    .map_err(err)?;
                chart
                    .draw_series(LineSeries::new(f.xs().iter().copied().zip(f.ys().iter().copied()), c.stroke_width(2)))
                    .map_err(err)?
                    .label(label.as_str())
                    .legend(swatch(c));
                legend(&mut chart, SeriesLabelPosition::UpperRight, 12)?;
            }
            Ok(())
        })
    }
}
