//! An experiment's figure (`curves.svg`: held-out error against training step, one colour per
//! architecture, a thin line per seed and a thick line through the median) and table (`curves.md`:
//! per architecture its parameters, and the final and best errors over seeds). With `train_error`
//! and `rmse` both in Safran & Shamir's form: RMSE against batches on the training and the
//! validation set side by side, the seeds' range as a band.

use super::ExperimentResults;
use crate::report::plot::OpaqueGrid;
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

/// Median, smallest and largest of a non-empty list (over a table cell's seeds).
fn median_range(v: Vec<f64>) -> (f64, f64, f64) {
    let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| (l.min(x), h.max(x)));
    (median(v), lo, hi)
}

/// The runs of each architecture, in config order.
fn by_arch(r: &ExperimentResults) -> Vec<(&Vec<usize>, Vec<&super::CurveRun>)> {
    r.config.architectures.iter().map(|h| (h, r.runs.iter().filter(|run| &run.hidden == h).collect())).collect()
}

/// √(nMSE · Var f): the root mean square error of a normalised MSE.
fn rmse(r: &ExperimentResults, nmse: f64) -> f64 {
    (nmse * r.variance).sqrt()
}

/// The curves of one panel: per architecture, (step, value of every seed) at each evaluation.
type Panel<'a> = Vec<(&'a Vec<usize>, usize, Vec<(f64, Vec<f64>)>)>;

fn panel<'a>(r: &'a ExperimentResults, train: bool) -> Panel<'a> {
    by_arch(r)
        .into_iter()
        .filter_map(|(hidden, runs)| {
            let first = runs.first()?;
            let pts = (0..first.curve.len())
                .map(|j| {
                    let vals = runs
                        .iter()
                        .filter_map(
                            |run| if train { run.train_curve.get(j).copied() } else { run.curve.get(j).map(|p| p.1) },
                        )
                        .map(|v| rmse(r, v))
                        .collect();
                    (first.curve[j].0 as f64, vals)
                })
                .collect();
            Some((hidden, first.params, pts))
        })
        .collect()
}

/// The figure in Safran & Shamir's form: RMSE against batches processed, on the training set (left)
/// and the validation set (right), one colour per architecture, the seeds' range as a band and
/// their median as a line.
fn paper_svg(r: &ExperimentResults) -> anyhow::Result<String> {
    let d = r.config.target.build()?.dim();
    let steps = r.config.train.steps as f64;
    let panels = [("training set", panel(r, true)), ("validation set", panel(r, false))];
    let hi = panels
        .iter()
        .flat_map(|(_, p)| p.iter().flat_map(|(_, _, pts)| pts.iter().flat_map(|(_, v)| v.iter().copied())))
        .filter(|v| v.is_finite())
        .fold(0f64, f64::max);
    anyhow::ensure!(hi > 0.0, "the experiment has no finite error to draw");
    // Headroom above the curves for the legend.
    let yhi = hi * 1.4;
    svg((1200, 560), |root| {
        let (left, right) = root.split_horizontally(600);
        for (area, (name, curves)) in [left, right].iter().zip(&panels) {
            let mut chart = ChartBuilder::on(area)
                .caption(format!("{}: RMSE on the {name}", r.config.name), (FONT, 18))
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(60)
                .build_cartesian_2d(0f64..steps, 0f64..yhi)
                .map_err(err)?;
            chart
                .configure_mesh()
                .opaque_grid()
                .x_desc("batches processed")
                .y_desc(format!("RMSE ({name})"))
                .x_label_formatter(&|v| format!("{v:.0}"))
                .y_label_formatter(&|v| format!("{v:.2}"))
                .draw()
                .map_err(err)?;
            for (i, (hidden, params, pts)) in curves.iter().enumerate() {
                let c = PALETTE[i % PALETTE.len()];
                let lo = pts.iter().map(|(x, v)| (*x, v.iter().copied().fold(f64::INFINITY, f64::min).min(yhi)));
                let up = pts.iter().rev().map(|(x, v)| (*x, v.iter().copied().fold(0f64, f64::max).min(yhi)));
                let band: Vec<(f64, f64)> = lo.chain(up).collect();
                chart.draw_series(std::iter::once(Polygon::new(band, c.mix(0.2).filled()))).map_err(err)?;
                let med = pts.iter().map(|(x, v)| (*x, median(v.clone()).min(yhi)));
                let label = format!("{} ({params} parameters)", arch_label(d, hidden));
                chart.draw_series(LineSeries::new(med, c.stroke_width(2))).map_err(err)?.label(label).legend(swatch(c));
            }
            legend(&mut chart, SeriesLabelPosition::UpperRight, 13)?;
        }
        Ok(())
    })
}

/// The figure: in Safran & Shamir's form when the experiment records training errors in RMSE,
/// else held-out error against training step.
pub fn svg_text(r: &ExperimentResults) -> anyhow::Result<String> {
    if r.config.rmse && r.config.train_error {
        return paper_svg(r);
    }
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
            .opaque_grid()
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

/// The table in RMSE, training and validation (Safran & Shamir's measures).
fn paper_markdown(r: &ExperimentResults) -> anyhow::Result<String> {
    let d = r.config.target.build()?.dim();
    let mut s = format!(
        "# Experiment `{}`\n\n{}\n\nTarget {}; {} seeds per architecture, {} batches each; RMSE = √MSE on the \
         training set and on {} validation points drawn alike (the best constant has RMSE {:.3}). Config hash {}; CPU {}.\n\n",
        r.config.name,
        r.config.about,
        r.config.target,
        r.config.seeds,
        r.config.train.steps,
        r.config.eval_points,
        r.variance.sqrt(),
        r.config_hash,
        r.cpu
    );
    s += "| architecture | parameters | training points | final training RMSE, median (min–max over seeds) \
          | final validation RMSE, median (min–max) | best validation RMSE, median (min–max) |\n|---|---|---|---|---|---|\n";
    let span = |v: Vec<f64>| {
        let (m, lo, hi) = median_range(v);
        format!("{m:.4} ({lo:.4}–{hi:.4})")
    };
    for (hidden, runs) in by_arch(r) {
        let Some(first) = runs.first() else { continue };
        let train = runs.iter().filter_map(|run| run.train_curve.last().map(|&v| rmse(r, v))).collect();
        s += &format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            arch_label(d, hidden),
            first.params,
            first.data_n,
            span(train),
            span(runs.iter().map(|run| rmse(r, run.last)).collect()),
            span(runs.iter().map(|run| rmse(r, run.best)).collect())
        );
    }
    Ok(s)
}

/// The table, Markdown.
pub fn markdown(r: &ExperimentResults) -> anyhow::Result<String> {
    if r.config.rmse && r.config.train_error {
        return paper_markdown(r);
    }
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
            let (m, lo, hi) = median_range(v.to_vec());
            format!("{m:.3e} ({lo:.3e}–{hi:.3e})")
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
