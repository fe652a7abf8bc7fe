//! Shared plotting helpers: one font, one palette, SVG into a string.

use plotters::prelude::*;

/// The one font family used (never loaded: the SVG backend writes it as a name).
pub const FONT: &str = "sans-serif";

/// Series colours, fixed so every figure uses the same colour for the same tolerance index.
pub const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
];

/// Grey for targets and theory lines.
pub const GREY: RGBColor = RGBColor(120, 120, 120);

/// The mesh's bold and light lines: plotters' defaults (black at 20 % and at 10 % opacity) flattened
/// onto the white background, 255 · (1 − 0.2) = 204 and 255 · (1 − 0.1) = 229.5 → 230.
///
/// Drawn translucent, each grid line became a transparency group of its own in the PDFs (an
/// ExtGState and a form XObject per line: 1 516 of each in `reports/depth.pdf`, three quarters of its
/// 1 MB). The opaque greys look the same on the white page and need neither.
pub const MESH_BOLD: RGBColor = RGBColor(204, 204, 204);
/// See [`MESH_BOLD`].
pub const MESH_LIGHT: RGBColor = RGBColor(230, 230, 230);

/// `configure_mesh().opaque_grid()`: the mesh in [`MESH_BOLD`] and [`MESH_LIGHT`].
pub trait OpaqueGrid {
    /// Draw the grid lines opaque (see [`MESH_BOLD`]).
    fn opaque_grid(&mut self) -> &mut Self;
}

impl<X: Ranged, Y: Ranged, DB: DrawingBackend> OpaqueGrid for plotters::chart::MeshStyle<'_, '_, X, Y, DB> {
    fn opaque_grid(&mut self) -> &mut Self {
        self.bold_line_style(MESH_BOLD).light_line_style(MESH_LIGHT)
    }
}

/// Render an SVG of `size` pixels with `draw`, returning its text.
pub fn svg(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>) -> anyhow::Result<()>,
) -> anyhow::Result<String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(buf)
}

/// Convert a plotters error (not `Send`/`Sync`) to anyhow.
pub fn err<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow::anyhow!("drawing failed: {e}")
}

/// A short legend swatch for a line series.
pub fn swatch(color: RGBColor) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
}

/// Tolerance floor as text, e.g. `1e-2`.
pub fn floor_label(f: f64) -> String {
    format!("{f:.0e}")
}

/// A search's tolerance as text: `nMSE ≤ 1e-2`, or the reference's own error for floor 0.
pub fn tolerance_label(metric: &str, floor: f64) -> String {
    if floor == 0.0 {
        format!("τ = the deep net's own {metric}")
    } else {
        format!("{metric} ≤ {}", floor_label(floor))
    }
}

/// Draw the series legend in the house style.
pub fn legend<'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, CT>,
    position: SeriesLabelPosition,
    font_size: u32,
) -> anyhow::Result<()> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font((FONT, font_size))
        .draw()
        .map_err(err)
}
