//! An experiment's figure (`curves.svg`: held-out error against training step, one colour per
//! architecture, a thin line per seed and a thick line through the median) and table (`curves.md`:
//! per architecture its parameters, and the final and best errors over seeds).

use super::ExperimentResults;
use crate::report::plot::{FONT, PALETTE, err, legend, svg, swatch};
use plotters::prelude::*;

/// An architecture as text: `d→100→1`, `d→100→100→1`.
pub fn arch_label(d: usize, hidden: &[usize]) -> String {
    let mut s = d.to_string();
    for w in hidden {
        s += &format!("→{w}");
    }
    s + "→1"
}

/// Median of a non-empty list.
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

/// The runs of each architecture, in config order.
fn by_arch(r: &ExperimentResults) -> Vec<(&Vec<usize>, Vec<&super::CurveRun>)> {
    r.config.architectures.iter().map(|h| (h, r.runs.iter().filter(|run| &run.hidden == h).collect())).collect()
}

/// The figure.
pub fn svg_text(r: &ExperimentResults) -> anyhow::Result<String> {
    let d = r.config.target.build()?.dim();
    let steps = r.config.train.steps as f64;
    let values = r.runs.iter().flat_map(|run| run.curve.iter().map(|p| p.1)).filter(|v| v.is_finite() && *v > 0.0);
    let (lo, hi) = values.fold((f64::INFINITY, 0f64), |(l, h), v| (l.min(v), h.max(v)));
    anyhow::ensure!(lo.is_finite(), "the experiment has no finite error to draw");
    let (ylo, yhi) = (lo / 1.5, hi * 1.5);
    svg((900, 560), |root| {
        let title = format!(
            "{}: held-out {} against training step ({})",
            r.config.name,
            r.config.metric.short(),
            r.config.target
        );
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..steps, (ylo..yhi).log_scale())
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("training step")
            .y_desc(format!("held-out {}", r.config.metric.short()))
            .y_label_formatter(&|v| format!("{v:.0e}"))
            .draw()
            .map_err(err)?;
        for (i, (hidden, runs)) in by_arch(r).into_iter().enumerate() {
            let c = PALETTE[i % PALETTE.len()];
            for run in &runs {
                let pts = run.curve.iter().map(|&(s, v)| (s as f64, v.clamp(ylo, yhi)));
                chart.draw_series(LineSeries::new(pts, c.mix(0.35).stroke_width(1))).map_err(err)?;
            }
            let Some(first) = runs.first() else { continue };
            let med: Vec<(f64, f64)> = (0..first.curve.len())
                .map(|j| {
                    let vals = runs.iter().filter_map(|run| run.curve.get(j).map(|p| p.1)).collect();
                    (first.curve[j].0 as f64, median(vals).clamp(ylo, yhi))
                })
                .collect();
            let label =
                format!("{} ({} parameters, median of {} seeds)", arch_label(d, hidden), first.params, runs.len());
            chart.draw_series(LineSeries::new(med, c.stroke_width(3))).map_err(err)?.label(label).legend(swatch(c));
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight, 14)
    })
}

/// The table, Markdown.
pub fn markdown(r: &ExperimentResults) -> anyhow::Result<String> {
    let d = r.config.target.build()?.dim();
    let m = r.config.metric.short();
    let mut s = format!(
        "# Experiment `{}`\n\n{}\n\nTarget {}; {} seeds per architecture, {} steps each; held-out {m} on {} Monte Carlo points \
         (1 = the best constant). Config hash {}; CPU {}.\n\n",
        r.config.name,
        r.config.about,
        r.config.target,
        r.config.seeds,
        r.config.train.steps,
        r.config.eval_points,
        r.config_hash,
        r.cpu
    );
    s += &format!(
        "| architecture | parameters | training points | final {m}, median (min–max over seeds) | best {m}, median (min–max) |\n|---|---|---|---|---|\n"
    );
    for (hidden, runs) in by_arch(r) {
        let Some(first) = runs.first() else { continue };
        let last: Vec<f64> = runs.iter().map(|run| run.last).collect();
        let best: Vec<f64> = runs.iter().map(|run| run.best).collect();
        let span = |v: &[f64]| {
            let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| (l.min(x), h.max(x)));
            format!("{:.3e} ({:.3e}–{:.3e})", median(v.to_vec()), lo, hi)
        };
        s += &format!(
            "| {} | {} | {} | {} | {} |\n",
            arch_label(d, hidden),
            first.params,
            first.data_n,
            span(&last),
            span(&best)
        );
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_medians() {
        assert_eq!(arch_label(8, &[100, 100]), "8→100→100→1");
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
