//! A plain table of text cells, written as Markdown, CSV, HTML or LaTeX (booktabs): the one table
//! writer of the report (headline, summary, frontier, `index.html` and the README's block), with
//! the one LaTeX escaper.

/// A header row and body rows of text cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grid {
    /// Column titles.
    pub header: Vec<String>,
    /// Body rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
}

impl Grid {
    /// A GitHub-flavoured Markdown table.
    pub fn markdown(&self) -> String {
        let mut s = format!("| {} |\n|{}\n", self.header.join(" | "), "---|".repeat(self.header.len()));
        for row in &self.rows {
            s += &format!("| {} |\n", row.join(" | "));
        }
        s
    }

    /// Comma-separated values: a header line, then one line per row; a cell holding a comma is
    /// quoted.
    pub fn csv(&self) -> String {
        let line = |cells: &[String]| {
            cells
                .iter()
                .map(|c| if c.contains(',') { format!("\"{c}\"") } else { c.clone() })
                .collect::<Vec<_>>()
                .join(",")
                + "\n"
        };
        self.rows.iter().fold(line(&self.header), |s, row| s + &line(row))
    }

    /// An HTML `<table>` with escaped cells.
    pub fn html(&self) -> String {
        let mut s = String::from("<table>\n<thead><tr>");
        for h in &self.header {
            s += &format!("<th>{}</th>", escape_html(h));
        }
        s += "</tr></thead>\n<tbody>\n";
        for row in &self.rows {
            s += "<tr>";
            for c in row {
                s += &format!("<td>{}</td>", escape_html(c));
            }
            s += "</tr>\n";
        }
        s + "</tbody>\n</table>\n"
    }

    /// A booktabs `tabular` (needs `\usepackage{booktabs}`), cells escaped for LaTeX text mode.
    pub fn latex(&self) -> String {
        let mut s = format!(
            "\\begin{{tabular}}{{{}}}\n\\toprule\n{} \\\\\n\\midrule\n",
            "l".repeat(self.header.len()),
            self.header.iter().map(|c| header_latex(c)).collect::<Vec<_>>().join(" & ")
        );
        for row in &self.rows {
            s += &format!("{} \\\\\n", row.iter().map(|c| escape_latex(c)).collect::<Vec<_>>().join(" & "));
        }
        s + "\\bottomrule\n\\end{tabular}\n"
    }
}

/// A header cell for LaTeX: long titles broken before ` at ` and after `: ` into a nested
/// one-column tabular (base LaTeX, no extra package), so the table stays narrow.
fn header_latex(c: &str) -> String {
    let parts: Vec<String> =
        c.replace(" at ", "\n at ").replace(": ", ":\n").split('\n').map(|p| escape_latex(p.trim())).collect();
    if parts.len() == 1 {
        parts[0].clone()
    } else {
        format!("\\begin{{tabular}}[t]{{@{{}}l@{{}}}}{}\\end{{tabular}}", parts.join(" \\\\ "))
    }
}

/// Escape `&`, `<`, `>` and `"` for HTML text and attribute values.
pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Escape a cell for LaTeX text mode; the few non-ASCII symbols the tables use become math.
pub fn escape_latex(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out += "\\textbackslash{}",
            '%' | '&' | '#' | '_' | '$' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out += "\\textasciitilde{}",
            '^' => out += "\\textasciicircum{}",
            '>' => out += "$>$",
            '<' => out += "$<$",
            '*' => out += "$^*$",
            '†' => out += "$^\\dagger$",
            '‡' => out += "$^\\ddagger$",
            '×' => out += "$\\times$",
            '÷' => out += "$\\div$",
            '≤' => out += "$\\le$",
            '≥' => out += "$\\ge$",
            '²' => out += "$^2$",
            'τ' => out += "$\\tau$",
            'Δ' => out += "$\\Delta$",
            '–' => out += "--",
            _ => out.push(c),
        }
    }
    out
}
