//! Layer probes (`depthsep probe`): deterministic across thread counts, and the committed
//! `reports/probes/` tables and figure redraw from their JSON byte for byte.

use depthsep::probe::run::{ProbeConfig, ProbeResults, markdown, run};
use std::path::Path;

#[test]
fn probes_are_the_same_on_one_thread_and_on_two_and_the_construction_carries_its_levels() {
    let cfg = ProbeConfig { k_max: 3, seeds: 1, points: 512, ..Default::default() };
    let (a, b) = (run(&cfg, 1).unwrap(), run(&cfg, 2).unwrap());
    assert_eq!(a.nets, b.nets);
    for n in a.nets.iter().filter(|n| n.net == "constructed") {
        for (l, row) in n.probes.iter().enumerate() {
            assert!(
                row[l].linear > 1.0 - 1e-9,
                "k {}: layer {} carries Δ^{} with R² {}",
                n.k,
                l + 1,
                l + 1,
                row[l].linear
            );
        }
    }
    assert_eq!(
        a.nets.iter().filter(|n| n.net != "constructed").count(),
        8,
        "two widths, two generic recipes, k = 2 and 3"
    );
}

#[test]
fn a_structure_aware_recipe_is_refused() {
    let cfg = ProbeConfig { recipes: vec![depthsep::recipe::Recipe::Triangle], ..Default::default() };
    let e = run(&cfg, 1).unwrap_err().to_string();
    assert!(e.contains("`triangle` is structure-aware"), "{e}");
}

#[test]
fn the_committed_probe_table_and_figure_redraw_from_their_json() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/probes");
    for stem in ["probes", "golden-probes", "takagi-a2-probes"] {
        let read = |ext: &str| std::fs::read_to_string(dir.join(format!("{stem}.{ext}"))).unwrap();
        let r: ProbeResults = serde_json::from_str(&read("json")).unwrap();
        assert_eq!(depthsep::probe::run::stem(&r.config.family), stem);
        assert_eq!(markdown(&r), read("md"), "{stem}.md");
        assert_eq!(depthsep::probe::figure::heatmap(&r).unwrap(), read("svg"), "{stem}.svg");
    }
}

#[test]
fn each_constructed_tree_layer_carries_its_own_level_linearly_and_not_the_next() {
    use depthsep::probe::tree::{TreeProbeConfig, run as run_tree};
    let cfg = TreeProbeConfig { d: vec![2, 4, 8], widths: vec![4], seeds: 1, points: 1024, ..Default::default() };
    let (a, b) = (run_tree(&cfg, 1).unwrap(), run_tree(&cfg, 2).unwrap());
    assert_eq!(a.nets, b.nets, "the same on one thread and on two");
    assert_eq!(a.nets.len(), 6, "per d: the tree and one trained net");
    for n in a.nets.iter().filter(|n| n.net == "constructed") {
        assert_eq!(n.nmse, 0.0, "the tree is exact");
        for (l, row) in n.probes.iter().enumerate() {
            assert!(
                n.min_linear[l][l] > 1.0 - 1e-9,
                "d {}: layer {} carries level {}: R² {}",
                n.d,
                l + 1,
                l + 1,
                n.min_linear[l][l]
            );
            for (j, p) in row.iter().enumerate().skip(l + 1) {
                assert!(p.linear < 0.9, "d {}: layer {} carries level {} linearly: R² {}", n.d, l + 1, j + 1, p.linear);
            }
        }
    }
    let e = run_tree(&TreeProbeConfig { d: vec![6], ..Default::default() }, 1).unwrap_err().to_string();
    assert!(e.contains("--d 6: allowed 2, 4, 8 or 16"), "{e}");
}

#[test]
fn the_committed_tree_probe_table_and_figure_redraw_from_their_json() {
    use depthsep::probe::tree::{TreeProbeResults, heatmap, markdown as tree_markdown};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/probes");
    let r: TreeProbeResults =
        serde_json::from_str(&std::fs::read_to_string(dir.join("tree-probes.json")).unwrap()).unwrap();
    assert_eq!(tree_markdown(&r), std::fs::read_to_string(dir.join("tree-probes.md")).unwrap());
    assert_eq!(heatmap(&r).unwrap(), std::fs::read_to_string(dir.join("tree-probes.svg")).unwrap());
}

#[test]
fn the_golden_and_takagi_constructions_carry_member_l_at_layer_l() {
    for family in ["golden", "takagi-a2", "takagi-a4"] {
        let cfg = ProbeConfig {
            family: family.into(),
            k_max: 4,
            seeds: 1,
            widths: vec![4],
            recipes: vec![depthsep::recipe::Recipe::Plain],
            points: 512,
            ..Default::default()
        };
        let r = run(&cfg, 2).unwrap();
        assert_eq!(r.nets.len(), 6, "{family}: per k = 2..4 the construction and one trained net");
        for n in r.nets.iter().filter(|n| n.net == "constructed") {
            assert!(n.nmse < 1e-12, "{family} k {}: the construction is exact ({})", n.k, n.nmse);
            for (l, row) in n.probes.iter().enumerate() {
                assert!(
                    row[l].linear > 1.0 - 1e-9,
                    "{family} k {}: layer {} carries member {}: R² {}",
                    n.k,
                    l + 1,
                    l + 1,
                    row[l].linear
                );
            }
        }
        let md = markdown(&r);
        let level = if family == "golden" { "f^" } else { "T_" };
        assert!(md.contains(&format!("| net (nMSE) | layer | {level}1 | {level}2 |")), "{md}");
    }
    for bad in ["square", "max", "radial-d2"] {
        let e = run(&ProbeConfig { family: bad.into(), ..Default::default() }, 1).unwrap_err().to_string();
        assert!(e.contains(&format!("--family {bad}: allowed sawtooth, golden, takagi-aA")), "{e}");
    }
}
