//! The two text formats of a user's target, parsed with one error per fault naming its line.
//!
//! Both are comma- (or whitespace-) separated numbers, one point per line; blank lines and lines
//! starting with `#` are skipped, and a first line that is not numeric is taken as a header
//! (`x,y`).
//!
//! - **Knots** `x,y`: a continuous piecewise-linear function on \[0,1\], the straight lines
//!   between consecutive knots. The x must increase strictly, start at 0 and end at 1.
//! - **Samples** `x₁,…,x_d,y`: d ≥ 1 inputs and one output per line, every line with the same
//!   number of columns; all values finite. With one input they are sorted and joined by straight
//!   lines (so they must span \[0,1\] and not repeat an x); with more they are a table.

/// A fault in a target file, naming the line (1-based).
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ParseError {
    /// No data lines.
    #[error("the file has no data lines")]
    Empty,
    /// Too few points for the format.
    #[error("{found} data lines; at least {needed} are needed ({why})")]
    TooFew {
        /// Data lines found.
        found: usize,
        /// Lines needed.
        needed: usize,
        /// Why.
        why: &'static str,
    },
    /// A field that is not a number.
    #[error("line {line}: `{field}` is not a number")]
    NotNumber {
        /// Line.
        line: usize,
        /// The field as written (at most 40 characters).
        field: String,
    },
    /// A NaN or infinite value.
    #[error("line {line}: `{field}` is not finite")]
    NotFinite {
        /// Line.
        line: usize,
        /// The field.
        field: String,
    },
    /// A line with another number of columns than the first.
    #[error("line {line}: {found} columns, but the first data line has {expected}")]
    Columns {
        /// Line.
        line: usize,
        /// Columns found.
        found: usize,
        /// Columns of the first data line.
        expected: usize,
    },
    /// Knots out of order or repeated.
    #[error(
        "line {line}: x = {x} does not exceed the x = {prev} before it (knots must be sorted by increasing x, without repeats)"
    )]
    Unsorted {
        /// Line.
        line: usize,
        /// Its x.
        x: f64,
        /// The previous x.
        prev: f64,
    },
    /// The knots or 1-D samples do not span \[0,1\].
    #[error("line {line}: x = {x}, but the {which} x must be {want} (1-D targets live on [0, 1])")]
    Span {
        /// Line.
        line: usize,
        /// Its x.
        x: f64,
        /// "first"/"last" or "smallest"/"largest".
        which: &'static str,
        /// 0 or 1.
        want: f64,
    },
    /// A line longer than the parser reads (a binary file, or a corrupt one).
    #[error("line {line}: longer than {MAX_LINE} characters (is this a text file?)")]
    LongLine {
        /// Line.
        line: usize,
    },
}

/// Longest line read.
pub const MAX_LINE: usize = 65_536;
/// Most inputs a samples file may have.
pub const MAX_DIM: usize = 64;

/// Data lines as (line number, numbers).
fn rows(text: &str) -> Result<Vec<(usize, Vec<f64>)>, ParseError> {
    let mut out: Vec<(usize, Vec<f64>)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.len() > MAX_LINE {
            return Err(ParseError::LongLine { line });
        }
        let s = raw.trim();
        if s.is_empty() || s.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = s.split(|c: char| c == ',' || c.is_whitespace()).filter(|f| !f.is_empty()).collect();
        let parsed: Result<Vec<f64>, usize> =
            fields.iter().enumerate().map(|(j, f)| f.parse::<f64>().map_err(|_| j)).collect();
        match parsed {
            Ok(v) => {
                if let Some(j) = v.iter().position(|x| !x.is_finite()) {
                    return Err(ParseError::NotFinite { line, field: fields[j].chars().take(40).collect() });
                }
                if let Some((_, first)) = out.first()
                    && first.len() != v.len()
                {
                    return Err(ParseError::Columns { line, found: v.len(), expected: first.len() });
                }
                out.push((line, v));
            }
            // A header: the first non-comment line, if no field of it is a number.
            Err(_)
                if out.is_empty() && !header_seen(text, line) && fields.iter().all(|f| f.parse::<f64>().is_err()) => {}
            Err(j) => return Err(ParseError::NotNumber { line, field: fields[j].chars().take(40).collect() }),
        }
    }
    if out.is_empty() {
        return Err(ParseError::Empty);
    }
    Ok(out)
}

/// Whether a non-comment line comes before `line` (so `line` cannot be the header).
fn header_seen(text: &str, line: usize) -> bool {
    text.lines().take(line - 1).any(|l| {
        let s = l.trim();
        !s.is_empty() && !s.starts_with('#')
    })
}

/// Knots `(xs, ys)` of a knots file.
pub fn knots(text: &str) -> Result<(Vec<f64>, Vec<f64>), ParseError> {
    let rows = rows(text)?;
    let (line, first) = &rows[0];
    if first.len() != 2 {
        return Err(ParseError::Columns { line: *line, found: first.len(), expected: 2 });
    }
    if rows.len() < 2 {
        return Err(ParseError::TooFew { found: rows.len(), needed: 2, why: "a function on [0, 1] needs both ends" });
    }
    for w in rows.windows(2) {
        let (prev, (line, cur)) = (w[0].1[0], (&w[1].0, &w[1].1));
        if cur[0] <= prev {
            return Err(ParseError::Unsorted { line: *line, x: cur[0], prev });
        }
    }
    let (l0, r0) = &rows[0];
    let (l1, r1) = rows.last().unwrap();
    if r0[0] != 0.0 {
        return Err(ParseError::Span { line: *l0, x: r0[0], which: "first", want: 0.0 });
    }
    if r1[0] != 1.0 {
        return Err(ParseError::Span { line: *l1, x: r1[0], which: "last", want: 1.0 });
    }
    Ok(rows.iter().map(|(_, r)| (r[0], r[1])).unzip())
}

/// Samples: `(d, xs row-major, ys, line numbers)`.
pub struct Samples {
    /// Inputs per point.
    pub dim: usize,
    /// Points, row-major `n × dim`.
    pub xs: Vec<f64>,
    /// Values.
    pub ys: Vec<f64>,
}

/// Samples of a CSV file; with one input, sorted by x and checked to span \[0,1\] without
/// repeats (they become knots).
pub fn samples(text: &str) -> Result<Samples, ParseError> {
    let rows = rows(text)?;
    let cols = rows[0].1.len();
    if !(2..=MAX_DIM + 1).contains(&cols) {
        return Err(ParseError::Columns { line: rows[0].0, found: cols, expected: 2 });
    }
    let dim = cols - 1;
    let needed = if dim == 1 { 2 } else { 10 };
    if rows.len() < needed {
        let why = if dim == 1 { "a function on [0, 1] needs both ends" } else { "a held-out fifth needs two points" };
        return Err(ParseError::TooFew { found: rows.len(), needed, why });
    }
    let mut rows = rows;
    if dim == 1 {
        rows.sort_by(|a, b| a.1[0].total_cmp(&b.1[0]));
        for w in rows.windows(2) {
            if w[1].1[0] == w[0].1[0] {
                let line = w[0].0.max(w[1].0);
                return Err(ParseError::Unsorted { line, x: w[1].1[0], prev: w[0].1[0] });
            }
        }
        let (lo, hi) = (&rows[0], rows.last().unwrap());
        if lo.1[0] != 0.0 {
            return Err(ParseError::Span { line: lo.0, x: lo.1[0], which: "smallest", want: 0.0 });
        }
        if hi.1[0] != 1.0 {
            return Err(ParseError::Span { line: hi.0, x: hi.1[0], which: "largest", want: 1.0 });
        }
    }
    let xs = rows.iter().flat_map(|(_, r)| r[..dim].iter().copied()).collect();
    let ys = rows.iter().map(|(_, r)| r[dim]).collect();
    Ok(Samples { dim, xs, ys })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knots_with_a_header_comments_and_blank_lines_parse() {
        let (xs, ys) = knots("# tent\nx,y\n0,0\n\n0.5 1\n1,0\n").unwrap();
        assert_eq!((xs, ys), (vec![0.0, 0.5, 1.0], vec![0.0, 1.0, 0.0]));
    }

    #[test]
    fn each_fault_names_its_line() {
        assert_eq!(knots("0,0\n0.5,x\n1,0"), Err(ParseError::NotNumber { line: 2, field: "x".into() }));
        assert_eq!(knots("0,0\n0.5,NaN\n1,0"), Err(ParseError::NotFinite { line: 2, field: "NaN".into() }));
        assert_eq!(knots("0,0\n0.7,1\n0.5,1\n1,0"), Err(ParseError::Unsorted { line: 3, x: 0.5, prev: 0.7 }));
        assert_eq!(knots("0,0\n0.5,1,2\n1,0"), Err(ParseError::Columns { line: 2, found: 3, expected: 2 }));
        assert_eq!(knots("0.1,0\n1,0"), Err(ParseError::Span { line: 1, x: 0.1, which: "first", want: 0.0 }));
        assert_eq!(knots("# nothing\n\n"), Err(ParseError::Empty));
        assert!(matches!(samples("0,1\n"), Err(ParseError::TooFew { .. })));
        assert!(matches!(samples("0.5,1\n0,1\n0.5,2\n1,0"), Err(ParseError::Unsorted { line: 3, .. })));
    }

    #[test]
    fn one_input_samples_are_sorted_and_many_input_samples_kept_in_order() {
        let s = samples("x,y\n1,2\n0,0\n0.5,1\n").unwrap();
        assert_eq!((s.dim, s.xs, s.ys), (1, vec![0.0, 0.5, 1.0], vec![0.0, 1.0, 2.0]));
        let text: String = (0..10).map(|i| format!("{i},{},{}\n", i * 2, i * 3)).collect();
        let s = samples(&text).unwrap();
        assert_eq!((s.dim, s.xs[2..4].to_vec(), s.ys[1]), (2, vec![1.0, 2.0], 3.0));
    }
}
