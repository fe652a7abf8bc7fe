//! Reports redrawn from a results document alone: SVG figures (plotters, SVG backend, no system
//! fonts, so the bytes are the same on every machine) and citable tables (Markdown, CSV, LaTeX).
//!
//! Everything is rendered in memory first; files are written only when every item rendered, each
//! through a synced temporary file and a rename (see [`crate::durable`]).

pub mod cells;
mod figures;
mod plot;
mod tables;

use crate::results::Results;
use std::path::{Path, PathBuf};

/// One output file of a report.
pub trait Artifact {
    /// File name, e.g. `"mstar.svg"`.
    fn file_name(&self) -> &'static str;
    /// The file's contents.
    fn render(&self, results: &Results) -> anyhow::Result<String>;
}

/// Every figure and table, in a fixed order.
pub fn artifacts() -> Vec<Box<dyn Artifact>> {
    let mut v = figures::all();
    v.extend(tables::all());
    v
}

/// Render everything in memory: (file name, contents).
pub fn render_all(results: &Results) -> anyhow::Result<Vec<(&'static str, String)>> {
    artifacts().iter().map(|a| Ok((a.file_name(), a.render(results).map_err(|e| e.context(a.file_name()))?))).collect()
}

/// Render every artifact and write them into `out`; returns the paths written.
pub fn write_report(results: &Results, out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    use anyhow::Context;
    let rendered = render_all(results)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create report folder {}", out.display()))?;
    let mut paths = Vec::new();
    for (name, text) in rendered {
        let path = out.join(name);
        crate::durable::write_atomic_via(&path, &out.join(format!(".{name}.tmp")), &text)?;
        paths.push(path);
    }
    Ok(paths)
}
