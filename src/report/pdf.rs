//! PDF versions of the SVG figures, for `\includegraphics` (svg2pdf: vector paths, text embedded
//! as a subset of the one font shipped in `assets/fonts/`, DejaVu Sans, so the bytes do not depend on
//! the fonts installed on a machine and are the same on every run).

use anyhow::Context;
use std::sync::{Arc, OnceLock};

/// DejaVu Sans (Bitstream Vera licence, `assets/fonts/DejaVuSans-LICENSE.txt`).
pub const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The font database every conversion uses: the shipped font alone, mapped to `sans-serif`.
fn options() -> &'static svg2pdf::usvg::Options<'static> {
    static OPTIONS: OnceLock<svg2pdf::usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut db = svg2pdf::usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        db.set_sans_serif_family("DejaVu Sans");
        svg2pdf::usvg::Options { font_family: "DejaVu Sans".into(), fontdb: Arc::new(db), ..Default::default() }
    })
}

/// The PDF of an SVG document (one page of the SVG's size at 72 dpi: 1 px = 1 pt).
pub fn from_svg(svg: &str) -> anyhow::Result<Vec<u8>> {
    let tree = svg2pdf::usvg::Tree::from_str(svg, options()).context("the SVG does not parse")?;
    let pdf = svg2pdf::to_pdf(&tree, svg2pdf::ConversionOptions::default(), svg2pdf::PageOptions::default())
        .map_err(|e| anyhow::anyhow!("PDF conversion failed: {e}"))?;
    Ok(canonical_order(pdf))
}

/// Sort the entries of every resource dictionary by name.
///
/// svg2pdf writes a resource dictionary (`/XObject <<`, `/ExtGState <<`, …: one `/xo12 80 0 R`
/// line per entry) in the iteration order of a `HashMap`, which differs from run to run. Every
/// other byte is deterministic. Entries of one dictionary are consecutive lines with the same
/// indentation and name prefix followed by a number; sorting them by that number permutes lines
/// of one run only, so the file keeps its length and every cross-reference offset stays right.
/// Stream data (between `stream` and `endstream`) is never touched.
pub fn canonical_order(mut pdf: Vec<u8>) -> Vec<u8> {
    let mut regions = Vec::new(); // (start, end) of text outside streams
    let mut at = 0;
    while at < pdf.len() {
        let open = find(&pdf, b"\nstream\n", at);
        regions.push((at, open.unwrap_or(pdf.len())));
        let Some(open) = open else { break };
        at = find(&pdf, b"\nendstream", open + 8).unwrap_or(pdf.len());
    }
    for (start, end) in regions {
        sort_entry_runs(&mut pdf[start..end]);
    }
    pdf
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|i| i + from)
}

/// A resource entry line's sort key: (indent, name prefix, number), e.g. `  /xo12 80 0 R` → (2, "xo", 12).
fn entry_key(line: &[u8]) -> Option<(usize, &[u8], u64)> {
    let indent = line.iter().take_while(|&&b| b == b' ').count();
    let rest = line[indent..].strip_prefix(b"/")?;
    let alpha = rest.iter().take_while(|b| b.is_ascii_lowercase()).count();
    let digits = rest[alpha..].iter().take_while(|b| b.is_ascii_digit()).count();
    if indent == 0 || alpha == 0 || digits == 0 || rest.get(alpha + digits) != Some(&b' ') {
        return None;
    }
    let n = std::str::from_utf8(&rest[alpha..alpha + digits]).ok()?.parse().ok()?;
    Some((indent, &rest[..alpha], n))
}

/// Sort each run of consecutive entry lines of one dictionary (same indent and prefix) by number.
fn sort_entry_runs(text: &mut [u8]) {
    let mut lines: Vec<(usize, usize)> = Vec::new(); // (start, end) without the newline
    let mut s = 0;
    for (i, &b) in text.iter().enumerate() {
        if b == b'\n' {
            lines.push((s, i));
            s = i + 1;
        }
    }
    let mut i = 0;
    while i < lines.len() {
        let key = |l: (usize, usize)| entry_key(&text[l.0..l.1]).map(|(ind, p, _)| (ind, p.to_vec()));
        let Some(k) = key(lines[i]) else {
            i += 1;
            continue;
        };
        let mut j = i + 1;
        while j < lines.len() && key(lines[j]).as_ref() == Some(&k) {
            j += 1;
        }
        if j - i > 1 {
            let (from, to) = (lines[i].0, lines[j - 1].1);
            let mut run: Vec<Vec<u8>> = lines[i..j].iter().map(|l| text[l.0..l.1].to_vec()).collect();
            run.sort_by_key(|l| entry_key(l).map(|k| k.2));
            text[from..to].copy_from_slice(&run.join(&b'\n'));
        }
        i = j;
    }
}
