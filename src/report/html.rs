//! `index.html`: one self-contained page of the whole report. The figures are inlined SVG, the
//! tables are HTML, the style is one `<style>` block: no scripts, no network, no other file needed
//! to read it (links to the SVG/PDF/CSV/TeX files beside it are for download only).

use super::grid::{Grid, escape_html};
use super::headline;
use crate::results::Results;

/// What each figure shows (the captions of the page).
pub const CAPTIONS: &[(&str, &str)] = &[
    (
        "mstar.svg",
        "Minimal one-hidden-layer width m* (headline trainer) against the certified bracket and the deep net's units and parameters, one panel per family.",
    ),
    (
        "gap.svg",
        "The optimization gap: each trainer's m* against the bracket on the best possible width, per tolerance (first family).",
    ),
    (
        "error_vs_width.svg",
        "Every seed's error at every width against the theory band: sweeps as lines, step-trainer runs as dots (first family).",
    ),
    ("functions.svg", "Target, constructed deep net, trained deep net and matched shallow nets on [0, 1], per family."),
    ("layers.svg", "Hidden layer l of the constructed deep net computes the l-th composition."),
    ("pieces.svg", "Exact linear pieces against parameters: shallow bound, trained and constructed nets, per family."),
    ("collapse.svg", "Collapse rate of the trained deep references over seeds."),
    (
        "frontier.svg",
        "The trainability frontier: the best seed's exact nMSE of each deep-training recipe against k, per width (`depthsep frontier`).",
    ),
    ("costs.svg", "Measured time of the deep vs the matched shallow nets (criterion medians, when imported)."),
];

const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1400px;margin:0 auto;padding:0 1em;\
line-height:1.45;color:#111}h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}\
nav ul{columns:2;padding-left:1.2em}figure{margin:1.5em 0}figure svg{width:100%;height:auto;border:1px solid #ddd}\
figcaption{font-size:.92em;color:#333}.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85em;\
margin:.6em 0}th,td{border:1px solid #ccc;padding:.2em .45em;text-align:left;vertical-align:top;white-space:nowrap}th{white-space:normal;min-width:4em}th{background:#f3f3f3}\
tbody tr:nth-child(even){background:#fafafa}code{background:#f3f3f3;padding:0 .2em}dt{font-weight:bold}\
dd{margin:0 0 .4em 1.2em;overflow-wrap:anywhere}@media (max-width:600px){nav ul{columns:1}body{padding:0 .5em}}";

/// The page, from the results, the full table and every rendered text file of the report
/// (`(name, contents)`; the SVGs among them are inlined, the rest linked).
pub fn page(r: &Results, full: &Grid, files: &[(&str, String)]) -> String {
    let e = escape_html;
    let fams = headline::tables(r);
    let svgs: Vec<&(&str, String)> = files.iter().filter(|(n, _)| n.ends_with(".svg")).collect();
    let anchor = |s: &str| s.replace([' ', '=', '.'], "-");

    let mut nav = String::from("<li><a href=\"#reading\">How to read the numbers</a></li>\n");
    for f in &fams {
        nav += &format!("<li><a href=\"#family-{}\">Results: {}</a></li>\n", anchor(&f.title), e(&f.title));
    }
    if r.frontier.is_some() {
        nav += "<li><a href=\"#frontier\">Trainability frontier</a></li>\n";
    }
    for (name, _) in &svgs {
        nav += &format!("<li><a href=\"#fig-{}\">Figure: {}</a></li>\n", anchor(name), e(name));
    }
    nav += "<li><a href=\"#all-rows\">All rows</a></li>\n<li><a href=\"#methods\">Methods</a></li>\n\
            <li><a href=\"#provenance\">Provenance</a></li>\n<li><a href=\"#files\">Files</a></li>\n";

    let mut body = format!(
        "<h2 id=\"reading\">How to read the numbers</h2>\n<p>For every target the suite fixes a deep ReLU net that computes it \
         (the <em>constructed</em> net of the theory, or your own net for a target of your own, and where trained, a deep \
         net trained from random initialisation), then \
         searches the minimal width m* of a one-hidden-layer net that reaches τ = max(the deep net's error, floor) in {}, \
         for each shallow trainer. Beside m* stands the <strong>bracket</strong> [certified lower bound, constructive upper \
         bound] on the best possible width, where theory gives one: no narrower net can reach τ (a proof), and explicit \
         weights of the upper width do (a construction). A trainer's distance from the bracket is what it leaves on the \
         table; the bracket's own growth with the depth parameter is the depth separation.</p>\n<p>{}.</p>\n",
        e(r.config.metric.long()),
        e(super::cells::MARKERS)
    );
    for f in &fams {
        body += &format!(
            "<h2 id=\"family-{}\">Results: {}</h2>\n<div class=\"scroll\">\n{}</div>\n",
            anchor(&f.title),
            e(&f.title),
            f.grid.html()
        );
    }
    for (i, f) in r.all_frontiers().enumerate() {
        let id = if i == 0 { "frontier".to_string() } else { format!("frontier-{i}") };
        body += &format!(
            "<h2 id=\"{id}\">Trainability frontier: {}</h2>\n<p>Deep references trained by each recipe on the target of parameter k; the \
             best of {} seeds per cell (letters: C collapse, P fewer pieces than Δ^k, M misplaced pieces, D divergence; \
             then the collapse rate). Also <a href=\"frontier.md\">frontier.md</a>.</p>\n<div class=\"scroll\">\n{}</div>\n",
            e(&f.series.series()),
            f.seeds,
            super::frontier::grid(f).html()
        );
    }
    for (name, svg) in &svgs {
        let caption = CAPTIONS.iter().find(|(n, _)| n == name).map_or("", |(_, c)| c);
        let pdf = name.replace(".svg", ".pdf");
        // Drop the XML prolog, if any: the SVG element is inlined as is.
        let inline = svg.find("<svg").map_or(svg.as_str(), |i| &svg[i..]);
        body += &format!(
            "<h2 id=\"fig-{}\">Figure: {}</h2>\n<figure>\n{inline}\n<figcaption>{} Download: <a href=\"{name}\">SVG</a> · \
             <a href=\"{pdf}\">PDF</a>.</figcaption>\n</figure>\n",
            anchor(name),
            e(name),
            e(caption)
        );
    }
    body += &format!(
        "<h2 id=\"all-rows\">All rows</h2>\n<p>Every target, reference, tolerance and trainer; the same rows as \
         <a href=\"summary.md\">summary.md</a>, <a href=\"summary.csv\">summary.csv</a> and \
         <a href=\"summary.tex\">summary.tex</a> (booktabs).</p>\n<details>\n<summary>Show all {} rows</summary>\n\
         <div class=\"scroll\">\n{}</div>\n</details>\n",
        full.rows.len(),
        full.html()
    );
    let methods = files.iter().find(|(n, _)| *n == "methods.md").map_or("", |(_, t)| t.as_str());
    body += "<h2 id=\"methods\">Methods</h2>\n";
    let bib = files.iter().find(|(n, _)| *n == "references.bib").map_or("", |(_, t)| t.as_str());
    let mut cited = Vec::new();
    for para in methods.split("\n\n").filter(|p| !p.trim().is_empty() && !p.starts_with("References: `references.bib`"))
    {
        body += &format!("<p>{}</p>\n", super::cite::author_year(&code_spans(&e(para.trim())), bib, &mut cited));
    }
    if !cited.is_empty() {
        body += "<h3 id=\"references\">References</h3>\n";
        body += &super::cite::reference_list(&cited, bib, e);
    }
    body += "<p>As LaTeX: <a href=\"methods.tex\">methods.tex</a>, with <a href=\"references.bib\">references.bib</a>.</p>\n";
    let p = &r.provenance;
    let mut prov = vec![
        ("suite", r.config.name.clone()),
        ("config hash", r.config_hash.clone()),
        ("master seed", r.config.master_seed.to_string()),
        ("depthsep", p.crate_version.clone()),
        ("git commit", p.git_commit.clone().unwrap_or_else(|| "unknown".into())),
        ("rustc", p.rustc.clone()),
        ("CPU", p.cpu.clone()),
        ("threads", p.threads.to_string()),
        ("started", p.started.clone()),
        ("finished", p.finished.clone()),
    ];
    if let Some(c) = &r.costs {
        prov.push(("costs", format!("{} (batch {})", c.source, c.batch)));
    }
    body += "<h2 id=\"provenance\">Provenance</h2>\n<dl>\n";
    for (k, v) in prov {
        body += &format!("<dt>{}</dt><dd>{}</dd>\n", e(k), e(&v));
    }
    body += "</dl>\n";
    let config = toml::to_string(&r.config).unwrap_or_else(|err| format!("(config not printable: {err})"));
    body += &format!(
        "<details>\n<summary>The suite's configuration (TOML)</summary>\n<pre>{}</pre>\n</details>\n",
        e(&config)
    );
    body += "<h2 id=\"files\">Files</h2>\n<ul>\n<li><a href=\"results.json\">results.json</a>: the results document \
             everything here is drawn from</li>\n";
    for (name, _) in files {
        body += &format!("<li><a href=\"{name}\">{name}</a></li>\n");
        if name.ends_with(".svg") {
            let pdf = name.replace(".svg", ".pdf");
            body += &format!("<li><a href=\"{pdf}\">{pdf}</a></li>\n");
        }
    }
    body += "</ul>\n";

    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>depthsep report: suite {}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>depthsep report: suite <code>{}</code></h1>\n\
         <p>depthsep {}, config hash <code>{}</code>. Regenerate with <code>depthsep report --in results.json</code>; \
         cite with <a href=\"references.bib\">references.bib</a>.</p>\n</header>\n<nav>\n<h2>Contents</h2>\n<ul>\n{nav}</ul>\n</nav>\n\
         <main>\n{body}</main>\n</body>\n</html>\n",
        e(&r.config.name),
        e(&r.config.name),
        e(&p.crate_version),
        e(&r.config_hash)
    )
}

/// Turn Markdown `code` spans of already-escaped text into `<code>` elements.
fn code_spans(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in s.split('`').enumerate() {
        if i % 2 == 1 {
            out += &format!("<code>{part}</code>");
        } else {
            out += part;
        }
    }
    out
}
