//! The README stays a first screen, and every file the README and docs/ link to exists.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Relative link targets of a Markdown text (`](target)`), without anchors; web links skipped.
fn links(md: &str) -> Vec<String> {
    md.split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .filter(|t| !t.starts_with("http") && !t.starts_with('#') && !t.is_empty())
        .map(|t| t.split('#').next().unwrap_or(t).to_string())
        .collect()
}

#[test]
fn the_readme_is_at_most_250_lines_and_every_linked_file_exists() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.lines().count() <= 250, "README.md has {} lines", readme.lines().count());
    let mut docs = vec![(root().to_path_buf(), readme)];
    for e in std::fs::read_dir(root().join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            docs.push((root().join("docs"), std::fs::read_to_string(&p).unwrap()));
        }
    }
    let mut checked = 0;
    for (dir, text) in &docs {
        for l in links(text) {
            assert!(dir.join(&l).exists(), "{} links to {l}, which does not exist", dir.display());
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} links found: the link parser is broken");
    assert_eq!(links("see [a](docs/a.md#x), [b](https://x.org) and [c](#here)"), ["docs/a.md"]);
}
