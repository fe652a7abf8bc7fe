//! The committed many-input results obey the data rule and the claims the README makes of them.

use depthsep::net::Mlp;
use depthsep::results::Results;
use depthsep::search::MStar;
use std::path::Path;

fn committed() -> Results {
    Results::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/results.json").as_path()).unwrap()
}

#[test]
fn no_d_input_run_trains_on_fewer_than_65536_points_or_20_per_parameter() {
    let r = committed();
    let many: Vec<_> = r.targets.iter().filter(|t| t.dim > 1).collect();
    assert!(!many.is_empty(), "the full suite has d-input targets");
    for t in many {
        let need = |hidden: &[usize]| (20 * Mlp::count_params(t.dim, hidden)).max(65_536);
        for s in &t.shallow_runs {
            let n = s.data_n.unwrap_or_else(|| panic!("{}: a run without its data size", t.label));
            assert!(n >= need(&s.hidden), "{} width {:?}: {n} points", t.label, s.hidden);
        }
        for w in &t.sweeps {
            let n = w.data_n.unwrap_or_else(|| panic!("{}: a sweep without its data size", t.label));
            assert!(n >= need(&[w.errors.len()]), "{} sweep: {n} points for {} units", t.label, w.errors.len());
        }
        for s in t.references.iter().flat_map(|r| &r.seeds) {
            assert!(s.data_n.is_some_and(|n| n >= need(&s.hidden)), "{}: deep seed {:?}", t.label, s.data_n);
        }
    }
}

#[test]
fn greedy_is_never_wider_than_hybrid_or_adam_where_they_find_a_width() {
    let landmarks = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/landmarks/results.json");
    for r in [committed(), Results::read(&landmarks).unwrap()] {
        for t in r.targets.iter().filter(|t| t.dim > 1) {
            for refr in &t.references {
                for s in refr.searches.iter().filter(|s| s.trainer.name() != "greedy") {
                    let MStar::Found { m } = s.m_star else { continue };
                    let g = refr.searches.iter().find(|g| g.trainer.name() == "greedy" && g.floor == s.floor).unwrap();
                    let gm = g.m_star.width().unwrap_or(u64::MAX);
                    assert!(gm <= m, "{} {:?} floor {}: greedy {gm} > {} {m}", t.label, refr.kind, s.floor, s.trainer);
                }
            }
        }
    }
}

#[test]
fn max_of_d_meets_the_issues_marks_and_the_trained_references_fit() {
    let r = committed();
    let find = |d: u32, floor: f64| {
        let t = r.targets.iter().find(|t| t.label == format!("max d={d}")).unwrap();
        let c = t.references.iter().find(|r| r.kind == depthsep::suite::ReferenceKind::Constructed).unwrap();
        c.searches.iter().filter(|s| s.floor == floor).filter_map(|s| s.m_star.width()).min().unwrap()
    };
    assert!(find(4, 1e-2) <= 256 && find(5, 1e-1) <= 64);
    for t in r.targets.iter().filter(|t| t.dim > 1 && t.dim <= 8) {
        let tr = t.references.iter().find(|r| r.kind == depthsep::suite::ReferenceKind::Trained).unwrap();
        assert!(tr.error.is_some_and(|e| e <= 1e-2), "{}: trained deep nMSE {:?}", t.label, tr.error);
    }
}
