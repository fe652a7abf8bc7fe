//! Reports redrawn from a results document alone: SVG figures (plotters, SVG backend, no system
//! fonts, so the bytes are the same on every machine) and their PDFs (one shipped font), citable
//! tables (Markdown, CSV, LaTeX), the per-family headline tables (`headline.md`, also the README's
//! generated block), a methods paragraph (`methods.md`, `methods.tex`), `references.bib`, and one
//! self-contained page of all of it (`index.html`).
//!
//! Everything is rendered in memory first; files are written only when every item rendered, each
//! through a synced temporary file and a rename (see [`crate::durable`]).

mod bib;
pub mod cells;
mod cite;
pub mod depth;
mod figures;
mod frontier;
pub mod grid;
pub mod headline;
mod html;
mod methods;
pub mod pdf;
pub(crate) mod plot;
mod sufficiency;
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

pub use depth::markdown as depth_markdown;
pub use frontier::markdown as frontier_markdown;

/// Every figure and text file drawn from the results alone, in a fixed order (`index.html`, which
/// shows them all, and the PDFs, which convert the SVGs, come on top: see [`render_all`]).
pub fn artifacts() -> Vec<Box<dyn Artifact>> {
    let mut v = figures::all();
    v.extend(tables::all());
    v.push(Box::new(frontier::FrontierTable));
    v.push(Box::new(depth::DepthTable));
    v.push(Box::new(sufficiency::SufficiencyTable));
    v.push(Box::new(headline::Headline));
    v.push(Box::new(headline::HeadlineTex));
    v.extend(methods::all());
    v.push(Box::new(bib::References));
    v
}

/// Render every text file in memory: (file name, contents), `index.html` last.
pub fn render_all(results: &Results) -> anyhow::Result<Vec<(&'static str, String)>> {
    let mut files = artifacts()
        .iter()
        .map(|a| Ok((a.file_name(), a.render(results).map_err(|e| e.context(a.file_name()))?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let index = html::page(results, &tables::grid(results), &files);
    files.push(("index.html", index));
    Ok(files)
}

/// The PDF of every SVG among `files`: (file name, bytes).
pub fn render_pdfs(files: &[(&'static str, String)]) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    use rayon::prelude::*;
    files
        .par_iter()
        .filter(|(n, _)| n.ends_with(".svg"))
        .map(|(n, svg)| {
            let name = n.replace(".svg", ".pdf");
            let bytes = pdf::from_svg(svg).map_err(|e| e.context(name.clone()))?;
            Ok((name, bytes))
        })
        .collect()
}

/// Render everything (text files and PDFs) and write it into `out`; returns the paths written.
/// Nothing is written unless everything rendered.
pub fn write_report(results: &Results, out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    use anyhow::Context;
    let rendered = render_all(results)?;
    let pdfs = render_pdfs(&rendered)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create report folder {}", out.display()))?;
    let mut paths = Vec::new();
    let all = rendered
        .iter()
        .map(|(n, t)| (n.to_string(), t.as_bytes()))
        .chain(pdfs.iter().map(|(n, b)| (n.clone(), &b[..])));
    for (name, bytes) in all {
        let path = out.join(&name);
        crate::durable::write_atomic_via(&path, &out.join(format!(".{name}.tmp")), bytes)?;
        paths.push(path);
    }
    Ok(paths)
}
