//! Structure-aware training recipes never appear unlabelled: wherever the generated headline,
//! methods paragraph or frontier table names `triangle` or `triangle_curriculum` (recipes that
//! build in the tent map, [`Recipe::structure_aware`]), the same table row, column header or
//! sentence says "structure-aware".

use depthsep::recipe::{Recipe, STRUCTURE_AWARE};
use depthsep::results::Results;
use std::path::Path;

/// Pieces of text that must each carry the label when they name a triangle recipe: Markdown table
/// rows and header cells, and sentences elsewhere.
fn units(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut prose = String::new();
    for line in text.lines() {
        if line.starts_with('|') {
            if line.contains("---") {
                continue;
            }
            // A header row: each column header on its own; a data row as a whole.
            if line.contains("trained deep") || line.contains("recipe |") {
                out.extend(line.split('|').map(str::to_string));
            } else {
                out.push(line.to_string());
            }
        } else if line.trim().is_empty() {
            out.extend(prose.split(". ").map(str::to_string));
            prose.clear();
        } else {
            // Prose: sentences run across line breaks within a paragraph.
            prose.push(' ');
            prose.push_str(line.trim());
        }
    }
    out.extend(prose.split(". ").map(str::to_string));
    out
}

fn check(name: &str, text: &str) {
    for u in units(text) {
        let names_triangle = u.contains("triangle") || u.contains("triangle-wave");
        assert!(!names_triangle || u.contains(STRUCTURE_AWARE), "{name}: a structure-aware recipe unlabelled in: {u}");
    }
}

#[test]
fn structure_aware_recipes_are_labelled_wherever_the_committed_report_names_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = Results::read(&root.join("reports/results.json")).unwrap();
    assert!(
        r.config.deep.recipe_for("sawtooth").structure_aware(),
        "the full suite trains the sawtooth's reference by a triangle recipe"
    );
    let dir = tempfile::tempdir().unwrap();
    depthsep::report::write_report(&r, dir.path()).unwrap();
    for f in ["headline.md", "methods.md", "frontier.md"] {
        let fresh = std::fs::read_to_string(dir.path().join(f)).unwrap();
        assert!(fresh.contains("triangle"), "{f} names the triangle recipe");
        check(f, &fresh);
        check(&format!("reports/{f}"), &std::fs::read_to_string(root.join("reports").join(f)).unwrap());
    }
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    check("README.md", &readme);
}

#[test]
fn the_label_check_fails_on_an_unlabelled_mention() {
    let bad = "| k | trained deep (w8×k; triangle_curriculum): best nMSE |\n|---|---|\n| 1 | 0 |\n";
    assert!(std::panic::catch_unwind(|| check("bad", bad)).is_err());
    check("good", &bad.replace("triangle_curriculum)", "triangle_curriculum, structure-aware)"));
    assert_eq!(Recipe::TriangleCurriculum.kind(), STRUCTURE_AWARE);
}
