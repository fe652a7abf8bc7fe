//! Reports: valid SVG with every series, identical bytes on every draw, reproduction of the
//! committed reports, and clear refusals of bad results files.

use depthsep::report::{render_all, write_report};
use depthsep::results::{Results, SCHEMA_VERSION};
use depthsep::suite::{RunOptions, load_suite, run_suite};
use std::process::Command;

fn tiny_results() -> Results {
    let dir = tempfile::tempdir().unwrap();
    run_suite(
        &load_suite("tiny").unwrap(),
        &RunOptions { out: dir.path().to_path_buf(), threads: 2, progress: false, shard: None },
    )
    .unwrap()
}

/// Legend labels each figure must carry (a prefix of the text is enough).
const EXPECTED: [(&str, &[&str]); 7] = [
    (
        "mstar.svg",
        &[
            "trained m* (freeknot), nMSE ≤ 1e-1",
            "trained m* (freeknot), nMSE ≤ 1e-2",
            "theory bracket",
            "deep net: hidden units",
        ],
    ),
    ("gap.svg", &["nMSE ≤ 1e-1", "best possible width", "m* freeknot", "m* hybrid", "m* adam", "censored"]),
    (
        "error_vs_width.svg",
        &[
            "best possible error: theory band",
            "tolerance 1e-1",
            "freeknot: width sweep",
            "hybrid: trained shallow nets",
        ],
    ),
    ("functions.svg", &["target: sawtooth", "deep constructed", "deep trained", "matched shallow"]),
    ("layers.svg", &["layer 1:", "layer 2:", "layer 3:"]),
    ("pieces.svg", &["shallow bound", "trained shallow nets", "trained deep nets", "constructed deep nets"]),
    ("collapse.svg", &["collapse rate over"]),
];

#[test]
fn every_svg_parses_as_xml_and_shows_each_expected_series() {
    let res = tiny_results();
    let files = render_all(&res).unwrap();
    for (name, labels) in EXPECTED {
        let svg = &files.iter().find(|(n, _)| *n == name).unwrap().1;
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{name} is not XML: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        let texts: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
        for l in labels {
            assert!(texts.iter().any(|t| t.contains(l)), "{name}: no text containing `{l}`");
        }
        let drawn = doc.descendants().filter(|n| n.has_tag_name("polyline") || n.has_tag_name("circle")).count();
        assert!(drawn > 0, "{name} draws nothing");
    }
    for table in ["summary.md", "summary.csv", "summary.tex"] {
        let text = &files.iter().find(|(n, _)| *n == table).unwrap().1;
        // One row per target × reference × floor (+ header lines).
        let rows = res.targets.len() * res.config.references.len() * res.config.floors.len();
        assert!(text.lines().count() > rows, "{table} has too few lines");
    }
    // Every Markdown table line has as many cells as the header.
    let md = &files.iter().find(|(n, _)| *n == "summary.md").unwrap().1;
    let cells = |l: &str| l.matches('|').count();
    let table: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    assert!(table.iter().all(|l| cells(l) == cells(table[0])), "ragged summary.md");
    let tex = &files.iter().find(|(n, _)| *n == "summary.tex").unwrap().1;
    let amps: Vec<usize> = tex.lines().filter(|l| l.ends_with("\\\\")).map(|l| l.matches(" & ").count()).collect();
    assert!(amps.len() > 1 && amps.iter().all(|&a| a == amps[0]), "ragged summary.tex: {amps:?}");
    {}
}

#[test]
fn drawing_twice_gives_identical_bytes() {
    let res = tiny_results();
    assert_eq!(render_all(&res).unwrap(), render_all(&res).unwrap());
}

#[test]
fn grid_lines_are_opaque_so_a_pdf_has_a_transparency_group_only_per_translucent_band() {
    // plotters draws its mesh translucent by default; svg2pdf turns every translucent element into a
    // form XObject with its own graphics state, which made three quarters of a figure's PDF.
    let files = render_all(&tiny_results()).unwrap();
    let mut lines = 0;
    for (name, svg) in files.iter().filter(|(n, _)| n.ends_with(".svg")) {
        for line in svg.split("<line ").skip(1) {
            lines += 1;
            assert!(line.starts_with("opacity=\"1\""), "{name} draws a translucent line: <line {}", &line[..60]);
        }
    }
    assert!(lines > 100, "the figures draw their grids as <line> elements ({lines})");
    for (name, pdf) in depthsep::report::render_pdfs(&files).unwrap() {
        let svg = &files.iter().find(|(n, _)| n.strip_suffix(".svg") == name.strip_suffix(".pdf")).unwrap().1;
        let translucent = svg.matches("opacity=\"0.").count();
        let forms = pdf.windows(14).filter(|w| w == b"/Subtype /Form").count();
        assert_eq!(forms, translucent, "{name}: one form XObject per translucent element of its SVG");
    }
}

#[test]
fn report_reproduces_the_committed_reports_byte_for_byte() {
    // The full suite's report, the sup suite's (reports/sup), the landmarks suite's and the compositional suite's.
    for dir in ["reports", "reports/sup", "reports/landmarks", "reports/compositional", "reports/product"] {
        let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let res = Results::read(&committed.join("results.json")).unwrap_or_else(|e| panic!("{dir}/results.json: {e}"));
        let out = tempfile::tempdir().unwrap();
        for path in write_report(&res, out.path()).unwrap() {
            let name = path.file_name().unwrap();
            let want = std::fs::read(committed.join(name)).unwrap_or_else(|_| panic!("{dir}/{name:?} missing"));
            assert!(std::fs::read(&path).unwrap() == want, "{dir}/{name:?} differs from what `depthsep report` draws");
        }
    }
}

#[test]
fn every_committed_document_reads_back_and_writes_again_to_the_same_bytes() {
    // Every JSON document under reports/ is in depthsep's layout (src/json.rs), and reading it into
    // its type loses nothing that writing it again would show.
    use depthsep::experiment::ExperimentResults;
    use depthsep::probe::run::ProbeResults;
    use depthsep::probe::tree::TreeProbeResults;
    use depthsep::transfer::TransferResults;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs = vec![];
    let mut stack = vec![root.join("reports")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                docs.push(path);
            }
        }
    }
    assert!(docs.len() >= 6, "{docs:?}");
    for path in docs {
        let text = std::fs::read_to_string(&path).unwrap();
        let again = match path.file_name().unwrap().to_str().unwrap() {
            "tree-probes.json" => depthsep::json::to_string(&serde_json::from_str::<TreeProbeResults>(&text).unwrap()),
            "transfer.json" => depthsep::json::to_string(&serde_json::from_str::<TransferResults>(&text).unwrap()),
            name if name.ends_with("probes.json") => {
                depthsep::json::to_string(&serde_json::from_str::<ProbeResults>(&text).unwrap())
            }
            _ if path.parent().unwrap().file_name().unwrap().to_str().unwrap().starts_with("safran2017") => {
                depthsep::json::to_string(&serde_json::from_str::<ExperimentResults>(&text).unwrap())
            }
            _ => depthsep::json::to_string(&Results::read(&path).unwrap()),
        }
        .unwrap();
        assert!(again == text, "{} is not what depthsep writes for its contents", path.display());
    }
}

#[test]
fn report_on_a_bad_results_file_fails_clearly_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let good = serde_json::to_string(&tiny_results()).unwrap();
    let cases = [
        ("missing.json", None, "cannot read"),
        ("truncated.json", Some(good[..good.len() / 2].to_string()), "not valid JSON"),
        ("foreign.json", Some("{\"name\": \"something else\"}".to_string()), "not a depthsep results document"),
        (
            "newer.json",
            Some(good.replace(&format!("\"schema_version\":{SCHEMA_VERSION}"), "\"schema_version\":999")),
            "newer",
        ),
        (
            "older.json",
            Some(good.replace(&format!("\"schema_version\":{SCHEMA_VERSION}"), "\"schema_version\":2")),
            "Regenerate it",
        ),
        (
            "inconsistent.json",
            Some(good.replacen("\"params\":7,", "\"params\":8,", 1)),
            "targets[0].references[0].hidden",
        ),
    ];
    for (file, content, message) in cases {
        if let Some(c) = content {
            std::fs::write(dir.path().join(file), c).unwrap();
        }
        let out = dir.path().join(format!("out-{file}"));
        let o = Command::new(env!("CARGO_BIN_EXE_depthsep"))
            .args(["report", "--in", dir.path().join(file).to_str().unwrap(), "--out", out.to_str().unwrap()])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{file}: should fail");
        assert!(stderr.contains(message) && stderr.contains(file), "{file}: {stderr}");
        assert!(!out.exists(), "{file}: nothing may be written");
    }
}

#[test]
fn costs_import_reads_criterion_medians_into_figure_and_tables_but_not_the_deterministic_part() {
    let mut res = tiny_results();
    let before = res.deterministic_json();
    let crit = tempfile::tempdir().unwrap();
    assert!(depthsep::costs::import_criterion(&mut res, crit.path()).unwrap_err().to_string().contains("cargo bench"));
    let nets = depthsep::costs::nets(&res);
    assert!(nets.contains(&vec![2, 2, 2]) && nets.iter().any(|h| h.len() == 1), "{nets:?}");
    for (i, h) in nets.iter().enumerate() {
        for (group, ns) in [("infer", 1000.0 * (i + 1) as f64), ("train", 7000.0 * (i + 1) as f64)] {
            let dir = crit.path().join("matched").join(group).join(depthsep::costs::label(h)).join("new");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("estimates.json"), format!("{{\"median\": {{\"point_estimate\": {ns}}}}}"))
                .unwrap();
        }
    }
    assert_eq!(depthsep::costs::import_criterion(&mut res, crit.path()).unwrap(), nets.len());
    let c = res.costs.as_ref().unwrap();
    let deep = c.get(&[2, 2, 2]).unwrap();
    let i = nets.iter().position(|h| h == &vec![2, 2, 2]).unwrap();
    assert_eq!((deep.infer_ns, deep.train_ns), (Some(1000.0 * (i + 1) as f64), Some(7000.0 * (i + 1) as f64)));
    assert_eq!(res.deterministic_json(), before, "measured costs are not part of the deterministic results");
    let files = render_all(&res).unwrap();
    let svg = &files.iter().find(|(n, _)| *n == "costs.svg").unwrap().1;
    let doc = roxmltree::Document::parse(svg).unwrap();
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    for l in ["exact deep net (constructed): inference", "matched shallow (freeknot), nMSE 1e-1: training step"] {
        assert!(texts.iter().any(|t| t.contains(l)), "costs.svg lacks `{l}`");
    }
    let md = &files.iter().find(|(n, _)| *n == "summary.md").unwrap().1;
    assert!(md.contains(&format!("{:.2}", 1000.0 * (i + 1) as f64 / 1e3)), "the table shows the deep net's µs");
}
