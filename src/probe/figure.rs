//! `probes.svg`: for k = 3 (where generic training still fits) and the largest k, one heatmap per
//! net (constructed, then each recipe) and probe (linear, then random-feature): hidden layer l
//! down, level Δ^j across, each cell shaded by its held-out R² (white ≤ 0, dark blue 1) and
//! labelled with it.

use super::run::{ProbeResults, level_label};
use crate::report::plot::{FONT, err, svg};
use plotters::prelude::*;

pub(super) const CELL: i32 = 44;

/// The heatmap figure.
pub fn heatmap(r: &ProbeResults) -> anyhow::Result<String> {
    let mut ks = vec![3.min(r.config.k_max), r.config.k_max];
    ks.dedup();
    let columns = r.nets.iter().filter(|n| n.k == r.config.k_max).count() as i32;
    let (left, top, gap) = (60, 40, 56);
    let kmax = r.config.k_max as i32;
    let width = left + columns * (CELL * kmax + gap) + 10;
    let height = top + ks.iter().map(|&k| 2 * (CELL * k as i32 + gap)).sum::<i32>() + 10;
    svg((width as u32, height as u32), |root| {
        let f = r.config.family.as_str();
        let title = format!(
            "Held-out R² of level {} (across) from hidden layer l (down), {}",
            level_label(f, "j"),
            super::run::describe(f).0.replace("the sawtooth", "sawtooth")
        );
        root.draw(&Text::new(title, (left, 8), (FONT, 18))).map_err(err)?;
        let mut y0 = top + gap;
        for &k in &ks {
            let side = CELL * k as i32;
            let nets: Vec<_> = r.nets.iter().filter(|n| n.k == k).collect();
            for (row, probe) in ["linear probe", "random-feature probe"].iter().enumerate() {
                for (col, n) in nets.iter().enumerate() {
                    let x0 = left + col as i32 * (CELL * kmax + gap);
                    let head = format!("{}, {probe}: {} (nMSE {:.1e})", level_label(f, k), n.net, n.nmse);
                    root.draw(&Text::new(head, (x0, y0 - 34), (FONT, 11))).map_err(err)?;
                    let values: Vec<Vec<f64>> = n
                        .probes
                        .iter()
                        .map(|levels| levels.iter().map(|p| if row == 0 { p.linear } else { p.random }).collect())
                        .collect();
                    cells(root, (x0, y0), &values, col == 0)?;
                    for j in 0..k as i32 {
                        let at = (x0 + j * CELL + 10, y0 - 14);
                        root.draw(&Text::new(level_label(f, j + 1), at, (FONT, 11))).map_err(err)?;
                    }
                }
                y0 += side + gap;
            }
        }
        Ok(())
    })
}

/// One heatmap's cells: `values[l][j]` at row l, column j from `(x0, y0)`, each shaded by its value
/// (white ≤ 0, dark blue 1) and labelled with it; with `row_labels`, `l=1`, `l=2`, … on the left.
pub(super) fn cells<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    (x0, y0): (i32, i32),
    values: &[Vec<f64>],
    row_labels: bool,
) -> anyhow::Result<()> {
    for (l, levels) in values.iter().enumerate() {
        for (j, &v) in levels.iter().enumerate() {
            let t = if v.is_finite() { v.clamp(0.0, 1.0) } else { 0.0 };
            let shade = |c: f64| (255.0 - t * (255.0 - c)).round() as u8;
            let color = RGBColor(shade(31.0), shade(86.0), shade(160.0));
            let (x, y) = (x0 + j as i32 * CELL, y0 + l as i32 * CELL);
            let cell = [(x, y), (x + CELL, y + CELL)];
            root.draw(&Rectangle::new(cell, color.filled())).map_err(err)?;
            root.draw(&Rectangle::new(cell, RGBColor(200, 200, 200))).map_err(err)?;
            let ink = if t > 0.55 { WHITE } else { BLACK };
            let label = if v.is_finite() { format!("{v:.2}") } else { "–".into() };
            let style = (FONT, 12).into_font().color(&ink);
            root.draw(&Text::new(label, (x + 6, y + CELL / 2 - 6), style)).map_err(err)?;
        }
        if row_labels {
            let at = (x0 - 34, y0 + l as i32 * CELL + CELL / 2 - 6);
            root.draw(&Text::new(format!("l={}", l + 1), at, (FONT, 11))).map_err(err)?;
        }
    }
    Ok(())
}
