//! The functions on \[0,1\] for one target of a 1-D family: the target, the constructed deep net, the
//! best trained deep net and the matched (smallest-tolerance) trained shallow net, one panel each
//! over the target.

use crate::report::Artifact;
use crate::report::plot::{FONT, GREY, PALETTE, err, legend, svg, swatch};
use crate::results::Results;
use crate::search::MStar;
use crate::suite::ReferenceKind;
use plotters::prelude::*;

pub struct Functions;

const GRID: usize = 2000;

impl Artifact for Functions {
    fn file_name(&self) -> &'static str {
        "functions.svg"
    }

    fn render(&self, r: &Results) -> anyhow::Result<String> {
        let t = super::showcase(r)?;
        let target = t.target.build()?;
        anyhow::ensure!(t.dim == 1, "the functions figure draws 1-D targets; {} has {} inputs", t.label, t.dim);
        let xs: Vec<f64> = (0..=GRID).map(|i| i as f64 / GRID as f64).collect();
        let mut rows: Vec<(String, Vec<f64>)> = Vec::new();
        for re in &t.references {
            if re.weights.is_empty() {
                continue;
            }
            let net = super::net(t.dim, &re.hidden, &re.weights)?;
            let mut ys = vec![0.0; xs.len()];
            net.forward(&xs, &mut ys);
            let kind = if re.kind == ReferenceKind::Constructed { "constructed" } else { "trained (best seed)" };
            let err = re.error.map_or("-".into(), |e| format!("{e:.1e}"));
            rows.push((
                format!(
                    "deep {kind}: width {} x depth {}, {} params, error {err}",
                    re.hidden[0],
                    re.hidden.len(),
                    re.params
                ),
                ys,
            ));
        }
        let constructed = super::reference(t, ReferenceKind::Constructed);
        // The headline trainer's matched net at the tightest tolerance it reached.
        let trainer = r.config.shallow.first().map_or("", |s| s.train.optimizer.name());
        if let Some(s) = constructed.and_then(|re| {
            re.searches.iter().rev().find(|s| {
                s.trainer == trainer && matches!(s.m_star, MStar::Found { .. }) && !s.matched_weights.is_empty()
            })
        }) {
            let m = s.m_star.width().unwrap() as usize;
            let net = super::net(t.dim, &[m], &s.matched_weights)?;
            let mut ys = vec![0.0; xs.len()];
            net.forward(&xs, &mut ys);
            rows.push((
                format!("matched shallow ({trainer}): width {m}, {} params, tolerance {:.0e}", net.n_params(), s.tau),
                ys,
            ));
        }
        let mut target_ys = vec![0.0; xs.len()];
        target.eval_batch(&xs, &mut target_ys);
        let name = t.label.replace('=', " = ");
        svg((900, 200 * rows.len() as u32 + 60), |root| {
            let (title, body) = root.split_vertically(40);
            title.titled(&format!("{name} on [0,1]: the target (grey) and each net"), (FONT, 20)).map_err(err)?;
            for (i, (panel, (label, ys))) in body.split_evenly((rows.len(), 1)).iter().zip(&rows).enumerate() {
                let c = PALETTE[i % PALETTE.len()];
                let mut chart = ChartBuilder::on(panel)
                    .margin(8)
                    .x_label_area_size(30)
                    .y_label_area_size(50)
                    .build_cartesian_2d(0f64..1f64, -0.2f64..1.5f64)
                    .map_err(err)?;
                chart.configure_mesh().x_desc("x").y_desc("f(x)").y_labels(4).draw().map_err(err)?;
                chart
                    .draw_series(LineSeries::new(
                        xs.iter().copied().zip(target_ys.iter().copied()),
                        GREY.stroke_width(3),
                    ))
                    .map_err(err)?
                    .label(format!("target: {name}"))
                    .legend(swatch(GREY));
                chart
                    .draw_series(LineSeries::new(
                        xs.iter().copied().zip(ys.iter().map(|y| y.clamp(-0.2, 1.5))),
                        c.stroke_width(1),
                    ))
                    .map_err(err)?
                    .label(label.as_str())
                    .legend(swatch(c));
                legend(&mut chart, SeriesLabelPosition::UpperRight, 12)?;
            }
            Ok(())
        })
    }
}
