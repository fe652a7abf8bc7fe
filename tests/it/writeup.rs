//! The writeup kit: index.html's structure and links, PDFs that are byte-identical and well formed,
//! methods that cite only what references.bib holds, the README's generated block, and the LaTeX
//! example (compiled when pdflatex is installed, skipped with a message otherwise).

use depthsep::report::{headline, render_all, render_pdfs, write_report};
use depthsep::results::Results;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn committed() -> Results {
    Results::read(&root().join("reports/results.json")).expect("reports/results.json is committed")
}

/// Every value of `attr="…"` in `html`.
fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let pat = format!(" {attr}=\"");
    html.match_indices(&pat)
        .map(|(i, _)| {
            let rest = &html[i + pat.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

#[test]
fn index_html_names_only_files_that_exist_and_anchors_that_exist() {
    let res = committed();
    let dir = tempfile::tempdir().unwrap();
    let written = write_report(&res, dir.path()).unwrap();
    std::fs::copy(root().join("reports/results.json"), dir.path().join("results.json")).unwrap();
    let html = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(written.iter().any(|p| p.ends_with("index.html")));

    let ids: BTreeSet<&str> = attr_values(&html, "id").into_iter().collect();
    let mut files = 0;
    for href in attr_values(&html, "href").into_iter().chain(attr_values(&html, "src")) {
        if let Some(anchor) = href.strip_prefix('#') {
            assert!(ids.contains(anchor), "index.html links to #{anchor}, which it does not have");
        } else {
            assert!(!href.contains("://") && !href.starts_with('/'), "index.html reaches outside the report: {href}");
            assert!(dir.path().join(href).is_file(), "index.html names {href}, which the report does not hold");
            files += 1;
        }
    }
    assert!(files >= 30, "index.html links only {files} files");
    // Self-contained: no script, no external style or image, every figure inlined.
    assert!(!html.contains("<script") && !html.contains("<link") && !html.contains("<img"));
    let svgs = written.iter().filter(|p| p.extension().is_some_and(|e| e == "svg")).count();
    assert_eq!(html.matches("<svg").count(), svgs, "every SVG figure is inlined once");
    for tag in ["table", "figure", "details", "section", "ul", "dl", "main", "nav"] {
        assert_eq!(
            html.matches(&format!("<{tag}>")).count() + html.matches(&format!("<{tag} ")).count(),
            html.matches(&format!("</{tag}>")).count(),
            "unbalanced <{tag}>"
        );
    }
    // Every series has its table, the config hash and the bracket explanation are there.
    for t in headline::tables(&res) {
        assert!(html.contains(&format!(">Results: {}</h2>", t.title)), "no table for {}", t.title);
    }
    assert!(html.contains(&res.config_hash) && html.contains("<strong>bracket</strong>"));
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
}

/// Check a PDF's skeleton: header, trailer, and every in-use cross-reference entry pointing at its object.
fn check_pdf(name: &str, pdf: &[u8]) {
    assert!(pdf.starts_with(b"%PDF-1.") && pdf.ends_with(b"%%EOF"), "{name}: not a PDF");
    let text = String::from_utf8_lossy(pdf);
    let sx = text.rfind("startxref\n").unwrap_or_else(|| panic!("{name}: no startxref"));
    let at: usize = text[sx + 10..].lines().next().unwrap().trim().parse().unwrap();
    let xref = &pdf[at..];
    assert!(xref.starts_with(b"xref\n0 "), "{name}: startxref does not point at the xref table");
    let head = std::str::from_utf8(&xref[..40]).unwrap_or_default();
    let count: usize = head.lines().nth(1).unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let table = &xref[head.lines().take(2).map(|l| l.len() + 1).sum::<usize>()..];
    let mut objects = 0;
    for i in 0..count {
        let entry = std::str::from_utf8(&table[20 * i..20 * i + 18]).unwrap();
        if entry.ends_with('n') {
            let offset: usize = entry[..10].parse().unwrap();
            assert!(
                pdf[offset..].starts_with(format!("{i} 0 obj").as_bytes()),
                "{name}: object {i} is not at {offset}"
            );
            objects += 1;
        }
    }
    assert!(objects > 3, "{name}: only {objects} objects");
    assert!(text.contains("/FontFile2"), "{name}: the font is not embedded");
}

#[test]
fn pdfs_are_byte_identical_across_renders_and_well_formed() {
    let files = render_all(&committed()).unwrap();
    let (a, b) = (render_pdfs(&files).unwrap(), render_pdfs(&files).unwrap());
    assert_eq!(a.len(), files.iter().filter(|(n, _)| n.ends_with(".svg")).count());
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs between two renders");
        check_pdf(name, x);
    }
}

#[test]
fn pdf_resource_sorting_keeps_length_and_orders_entries() {
    let raw = b"1 0 obj\n<<\n  /XObject <<\n    /xo10 5 0 R\n    /xo2 7 0 R\n    /xo1 9 0 R\n  >>\n  /ca 0.1\n>>\nstream\n    /xo9 1 0 R\n    /xo3 1 0 R\nendstream\n".to_vec();
    let out = depthsep::report::pdf::canonical_order(raw.clone());
    assert_eq!(out.len(), raw.len());
    let s = String::from_utf8(out).unwrap();
    assert!(s.contains("    /xo1 9 0 R\n    /xo2 7 0 R\n    /xo10 5 0 R\n"), "{s}");
    assert!(s.contains("    /xo9 1 0 R\n    /xo3 1 0 R\n"), "stream data must not be touched: {s}");
}

/// Citation keys of methods.md (`@key`) or methods.tex (`\cite{a,b}`).
fn cited(md: &str, tex: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let md_keys = md
        .split("[@")
        .skip(1)
        .flat_map(|s| s[..s.find(']').unwrap()].split("; @").map(str::to_string).collect::<Vec<_>>())
        .collect();
    let tex_keys = tex
        .split("\\cite{")
        .skip(1)
        .flat_map(|s| s[..s.find('}').unwrap()].split(',').map(str::to_string).collect::<Vec<_>>())
        .collect();
    (md_keys, tex_keys)
}

#[test]
fn methods_cite_only_keys_that_references_bib_defines_and_name_every_family_and_trainer() {
    let res = committed();
    let files = render_all(&res).unwrap();
    let get = |n: &str| files.iter().find(|(f, _)| *f == n).unwrap().1.clone();
    let (md, tex, bib) = (get("methods.md"), get("methods.tex"), get("references.bib"));
    let defined: BTreeSet<String> = bib
        .lines()
        .filter(|l| l.starts_with('@'))
        .map(|l| l[l.find('{').unwrap() + 1..l.find(',').unwrap()].to_string())
        .collect();
    let (md_keys, tex_keys) = cited(&md, &tex);
    assert_eq!(md_keys, tex_keys, "both files cite the same works");
    assert!(md_keys.len() >= 10, "{md_keys:?}");
    for k in &md_keys {
        assert!(defined.contains(k), "methods cite {k}, which references.bib lacks");
    }
    for s in &res.config.shallow {
        assert!(md.contains(&format!("`{}`", s.train.optimizer.name())));
    }
    for needle in ["iterated tent map", "golden-ratio", "Takagi", "Yarotsky", "maximum of", &res.config_hash] {
        assert!(md.contains(needle) && tex.contains(needle), "methods lack `{needle}`");
    }
    assert!(bib.contains(&res.config_hash) && bib.contains(&format!("version {}", res.provenance.crate_version)));
    // LaTeX: no raw Unicode maths left outside what pdflatex reads in text mode.
    for c in ['Δ', 'Σ', 'τ', 'ε', '≤', '²', '∈'] {
        assert!(!tex.contains(c), "methods.tex contains a raw `{c}`");
    }
}

#[test]
fn readme_headline_block_is_the_committed_reports_headline() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let block = headline::block_of(&readme).expect("README.md has the generated headline block");
    let committed = std::fs::read_to_string(root().join("reports/headline.md")).unwrap();
    assert!(
        block == headline::readme_block(&self::committed()),
        "README.md's headline block differs from reports/results.json: run `depthsep report --readme README.md`"
    );
    assert_eq!(committed, headline::markdown(&self::committed()));
    // The README's table is the first of reports/headline.md, row for row.
    let rows = |t: &str| t.lines().filter(|l| l.starts_with('|')).map(str::to_string).collect::<Vec<_>>();
    let readme_rows = rows(block);
    assert!(
        readme_rows.len() > 2 && rows(&committed).starts_with(&readme_rows),
        "the README's table is not reports/headline.md's first"
    );
}

#[test]
fn filling_the_readme_block_changes_only_the_block_and_needs_both_markers() {
    let readme = format!("intro\n{}\n\nold table\n{}\noutro\n", headline::BEGIN, headline::END);
    let filled = headline::fill_block(&readme, "| new |\n").unwrap();
    assert!(filled.starts_with("intro\n") && filled.ends_with(&format!("{}\noutro\n", headline::END)));
    assert_eq!(headline::block_of(&filled), Some("| new |\n"));
    assert_eq!(headline::fill_block(&filled, "| new |\n").unwrap(), filled, "filling is idempotent");
    assert!(headline::fill_block("no markers here\n", "x").is_err());
    let reversed = format!("{}\n{}\n", headline::END, headline::BEGIN);
    assert!(headline::fill_block(&reversed, "x").is_err());
}

fn have(tool: &str) -> bool {
    std::process::Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
#[cfg_attr(
    depthsep_no_latex,
    ignore = "pdflatex/bibtex not installed (Debian: texlive-latex-base texlive-latex-recommended)"
)]
fn latex_example_compiles_with_the_reports_methods_table_figure_and_bibliography() {
    assert!(have("pdflatex") && have("bibtex"), "built where TeX was installed, run where it is not: touch build.rs");
    let out = tempfile::tempdir().unwrap();
    let run = std::process::Command::new("bash")
        .arg(root().join("examples/latex/build.sh"))
        .arg(root().join("reports"))
        .arg(out.path())
        .output()
        .unwrap();
    assert!(run.status.success(), "build.sh failed: {}", String::from_utf8_lossy(&run.stderr));
    let pdf = std::fs::read(out.path().join("paper.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let log = std::fs::read_to_string(out.path().join("pdflatex.log")).unwrap();
    for bad in ["undefined", "Missing character", "PDF inclusion"] {
        assert!(!log.contains(bad), "pdflatex warns `{bad}`:\n{log}");
    }
    let bbl = std::fs::read_to_string(out.path().join("paper.bbl")).unwrap();
    assert!(bbl.matches("\\bibitem").count() >= 10, "the bibliography is short:\n{bbl}");
}
