//! The constructed deep net layer by layer: the readout 2σ(z) − 4σ(z − ½) of hidden layer l, as an
//! exact function of x (drawn through its exact knots), is Δ^l: each layer composes the tent map
//! with the function computed below it.

use crate::net::{construct, pieces};
use crate::report::Artifact;
use crate::report::plot::{FONT, PALETTE, err, legend, svg, swatch};
use crate::results::Results;
use plotters::prelude::*;

pub struct Layers;

impl Artifact for Layers {
    fn file_name(&self) -> &'static str {
        "layers.svg"
    }

    fn render(&self, r: &Results) -> anyhow::Result<String> {
        let k = super::showcase(r)?.k.min(5);
        let layers = pieces::propagate(&construct::telgarsky_deep(k)?)?;
        let rows: Vec<_> = layers[..k as usize].iter().map(|l| l.readout(&[2.0, -4.0], 0.0)).collect();
        svg((900, 150 * k + 60), |root| {
            let (title, body) = root.split_vertically(40);
            title
                .titled(
                    &format!("Constructed deep net (width 2, depth {k}): what each hidden layer computes"),
                    (FONT, 20),
                )
                .map_err(err)?;
            for (l, (panel, f)) in body.split_evenly((k as usize, 1)).iter().zip(&rows).enumerate() {
                let c = PALETTE[l % PALETTE.len()];
                let mut chart = ChartBuilder::on(panel)
                    .margin(6)
                    .x_label_area_size(if l + 1 == k as usize { 30 } else { 5 })
                    .y_label_area_size(50)
                    .build_cartesian_2d(0f64..1f64, -0.1f64..1.35f64)
                    .map_err(err)?;
                let last = l + 1 == k as usize;
                chart.configure_mesh().y_labels(3).x_desc(if last { "x" } else { "" }).draw().map_err(err)?;
                chart
                    .draw_series(LineSeries::new(f.xs().iter().copied().zip(f.ys().iter().copied()), c.stroke_width(2)))
                    .map_err(err)?
                    .label(format!("layer {}: 2·σ(z) − 4·σ(z − ½) = Δ^{} ({} pieces)", l + 1, l + 1, f.pieces()))
                    .legend(swatch(c));
                legend(&mut chart, SeriesLabelPosition::UpperRight, 12)?;
            }
            Ok(())
        })
    }
}
