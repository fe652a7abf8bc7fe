//! Depth profiles (`depthsep profile`, issue 38): the committed sawtooth profiles are complete, never
//! below their certified lower bounds, agree with the suite's bracket and m* at depth 1, and their
//! constructions reach the tolerance from the stored weights; bad configs name their field; a
//! measurement is the same at 1 and 2 threads and resumes from its run log without retraining.

use depthsep::family::TargetId;
use depthsep::profile::{ProfileConfig, Profiles, bound, measure};
use depthsep::results::Results;
use std::path::Path;

fn committed() -> Results {
    Results::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/results.json")).unwrap()
}

fn profiles(r: &Results) -> &Profiles {
    r.depth_profiles.as_ref().expect("reports/results.json holds depth profiles")
}

#[test]
fn the_committed_profiles_cover_the_sawtooth_k_1_to_12_at_every_depth_and_both_tolerances() {
    let r = committed();
    let p = profiles(&r);
    for k in 1..=12u32 {
        for floor in [0.1, 0.01] {
            let q = p
                .profiles
                .iter()
                .find(|q| q.target == TargetId::Sawtooth { k } && q.floor == floor)
                .unwrap_or_else(|| panic!("no profile for k = {k} at {floor}"));
            let depths: Vec<usize> = q.depths.iter().map(|c| c.depth).collect();
            assert_eq!(depths, (1..=k as usize).collect::<Vec<_>>(), "k = {k}");
            assert!(q.depths.iter().all(|c| c.lower.is_some() && c.constructed.is_some()), "k = {k}: every column");
            assert!(!q.depths[0].trained.is_empty(), "k = {k}: depth 1 has the suite's m*");
        }
    }
}

#[test]
fn no_constructed_or_trained_size_is_below_its_certified_lower_bound() {
    let r = committed();
    let mut checked = 0;
    for q in &profiles(&r).profiles {
        for c in &q.depths {
            let Some(lb) = &c.lower else { continue };
            if let Some(k) = &c.constructed {
                let units: usize = k.hidden.iter().sum();
                assert!(
                    units as u64 >= lb.units && k.params >= lb.params,
                    "{} L={}: constructed {k:?} < {lb:?}",
                    q.label,
                    c.depth
                );
                checked += 1;
            }
            for t in &c.trained {
                if let Some(w) = t.m_star.width() {
                    assert!(w * c.depth as u64 >= lb.units, "{} L={}: {} width {w} < {lb:?}", q.label, c.depth, t.by);
                    assert!(t.params.unwrap() >= lb.params, "{} L={}: {} params", q.label, c.depth, t.by);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 190, "{checked} sizes checked");
}

#[test]
fn at_depth_one_the_profile_is_the_suites_bracket_and_best_m_star() {
    let r = committed();
    for q in profiles(&r).profiles.iter().filter(|q| q.target.family() == "sawtooth") {
        let t = r.targets.iter().find(|t| t.target == q.target).unwrap();
        let c = &q.depths[0];
        let searches: Vec<_> = t.references[0].searches.iter().filter(|s| s.floor == q.floor).collect();
        let bracket = searches.iter().find_map(|s| s.bracket).expect("a bracket");
        assert_eq!(c.lower.as_ref().unwrap().units, bracket.lower, "{} at {}", q.label, q.floor);
        assert_eq!(c.constructed.as_ref().unwrap().hidden, vec![bracket.upper as usize], "{}", q.label);
        // One trained entry per shallow trainer, each that trainer's m*; the best is the smallest.
        assert_eq!(c.trained.len(), searches.len(), "{}", q.label);
        for (t, s) in c.trained.iter().zip(&searches) {
            assert_eq!((t.m_star, t.by.as_str()), (s.m_star, format!("{} (shallow search)", s.trainer).as_str()));
        }
        let best = searches.iter().filter_map(|s| s.m_star.width()).min().map(|m| 3 * m + 1);
        assert_eq!(c.best_trained().map(|b| b.0), best, "{} at {}", q.label, q.floor);
    }
}

#[test]
fn every_stored_construction_reaches_its_tolerance_exactly_from_its_weights() {
    let r = committed();
    let mut rebuilt = 0;
    // Every exact one-input family: the sawtooth, the golden-ratio map and x².
    for q in profiles(&r).profiles.iter().filter(|q| matches!(q.target.family(), "sawtooth" | "golden" | "square")) {
        let target = q.target.build().unwrap();
        let ev = depthsep::train::Evaluator::new(target.as_ref(), r.depth_profiles.as_ref().unwrap().config.metric);
        for c in &q.depths {
            let k = c.constructed.as_ref().unwrap();
            assert!(k.error <= q.floor * (1.0 + 1e-9), "{} L={}: {}", q.label, c.depth, k.error);
            if k.weights.is_empty() {
                continue;
            }
            let mut dims = vec![1];
            dims.extend(&k.hidden);
            dims.push(1);
            let net = depthsep::net::Mlp::from_params(&dims, &k.weights).unwrap();
            let e = ev.eval(&net).unwrap().value;
            assert!(e <= q.floor * (1.0 + 1e-9) && (e - k.error).abs() <= 1e-12, "{} L={}: {e}", q.label, c.depth);
            rebuilt += 1;
        }
    }
    assert!(rebuilt > 200, "{rebuilt} nets rebuilt");
}

#[test]
fn x_squared_is_profiled_at_its_references_own_error_and_depth_halves_its_parameters_at_l_6() {
    use depthsep::family::square::theory::bracket;
    let r = committed();
    for l in 1..=6u32 {
        let q = profiles(&r).profiles.iter().find(|q| q.target == TargetId::Square { l }).expect("x² profile");
        // The tolerance is Yarotsky's depth-L net's own nMSE, 0.375·16^{−L}, as in the suite.
        assert!(q.own_tolerance && (q.floor / (0.375 * 16f64.powi(-(l as i32))) - 1.0).abs() < 1e-9, "L={l}");
        let depths: Vec<usize> = q.depths.iter().map(|c| c.depth).collect();
        assert_eq!(depths, (1..=l as usize).collect::<Vec<_>>());
        assert!(q.depths.iter().all(|c| c.lower.is_some() && c.constructed.is_some()), "L={l}: every column");
        // Depth 1 is the shallow bracket [n − 1, n] and the suite's m* per trainer.
        let (c, b) = (&q.depths[0], bracket(q.floor));
        assert_eq!(
            (c.lower.as_ref().unwrap().units, c.constructed.as_ref().unwrap().hidden[0] as u64),
            (b.lower, b.upper)
        );
        assert_eq!(c.trained.len(), 3, "L={l}: freeknot, hybrid and adam at depth 1");
    }
    let q = profiles(&r).profiles.iter().find(|q| q.target == TargetId::Square { l: 6 }).unwrap();
    let params: Vec<u64> = q.depths.iter().map(|c| c.constructed.as_ref().unwrap().params).collect();
    // 41 units (124 parameters) at depth 1; under 60 at some depth ≥ 2, below Yarotsky's 70 at depth 6.
    assert_eq!(params[0], 124);
    assert!(params[1..].iter().min().unwrap() * 2 < params[0] && params[5] < 70, "{params:?}");
}

#[test]
fn depth_buys_parameters_on_the_sawtooth_as_the_theory_says() {
    let r = committed();
    let q = profiles(&r).profiles.iter().find(|q| q.target == TargetId::Sawtooth { k: 12 } && q.floor == 0.01).unwrap();
    let one = q.depths[0].constructed.as_ref().unwrap().params;
    let deep = q.depths.iter().map(|c| c.constructed.as_ref().unwrap().params).min().unwrap();
    // Δ^12 at nMSE 0.01: one hidden layer needs thousands of parameters, a deep net under a hundred-odd.
    assert!(one > 10_000 && deep < 200, "{one} → {deep}");
    // The lower bound at depth 1 is within the same order as the construction there (the shallow
    // bracket), and the deep lower bound is far below the shallow one.
    let lb: Vec<u64> = q.depths.iter().map(|c| c.lower.as_ref().unwrap().params).collect();
    assert!(lb[0] > 20 * lb[11], "{lb:?}");
}

fn tiny_profile() -> String {
    "name = \"t\"\nmaster_seed = 3\nmetric = \"nmse\"\nfloors = [1e-1]\nl_max = 3\n[[targets]]\nfamily = \"sawtooth\"\nk_min = 2\nk_max = 3\n\
     [trained]\nmax_pieces = 8\nrecipes = [\"plain\"]\nseeds = 2\nw_max = 8\ntrain = { steps = 200, eval_every = 50, data_per_piece = 8, \
     data_min = 128, optimizer = { kind = \"hybrid\", lsq_every = 50, lr = 1e-2, schedule = { kind = \"constant\" } } }\n"
        .to_string()
}

#[test]
fn a_bad_profile_config_names_its_field() {
    let bad = |from: &str, to: &str| tiny_profile().replace(from, to);
    let cases: Vec<(String, &[&str])> = vec![
        (bad("l_max = 3", "l_max = 0"), &["l_max", "1..=24"]),
        (bad("l_max = 3", "l_max = 25"), &["l_max", "1..=24"]),
        (bad("recipes = [\"plain\"]", "recipes = [\"triangle\"]"), &["trained.recipes", "generic"]),
        (bad("floors = [1e-1]", "floors = [0.0]"), &["floors", "> 0"]),
        (bad("w_max = 8", "w_max = 0"), &["trained.w_max"]),
        (bad("seeds = 2", "seeds = 0"), &["trained.seeds"]),
        (bad("max_pieces = 8", "max_pieces = 8\nfamilies = [\"golden\"]"), &["trained.families", "golden", "sawtooth"]),
    ];
    for (text, needles) in cases {
        let e = format!("{:#}", ProfileConfig::from_toml(&text).unwrap_err());
        for n in needles {
            assert!(e.contains(n), "missing `{n}`: {e}");
        }
    }
    // Absent, each target goes to its construction's depth.
    assert_eq!(ProfileConfig::from_toml(&bad("l_max = 3\n", "")).unwrap().l_max, None);
    // A depth no target of the config can be built at: sawtooth k ≤ 3 has no depth-4 construction.
    let cfg = ProfileConfig::from_toml(&bad("l_max = 3", "l_max = 4")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let e = measure(&cfg, None, dir.path(), &|_, _| {}).unwrap_err().to_string();
    assert!(e.contains("l_max") && e.contains("at most 3"), "{e}");
    assert!(!dir.path().join("profile-runs.jsonl").exists(), "refused before anything was written");
}

#[test]
fn a_profile_is_the_same_at_one_and_two_threads_and_resumes_without_retraining() {
    let cfg = ProfileConfig::from_toml(&tiny_profile()).unwrap();
    let run = |threads: usize, dir: &Path| {
        let count = std::sync::atomic::AtomicUsize::new(0);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let p = pool
            .install(|| {
                measure(&cfg, None, dir, &|_, _| {
                    count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                })
            })
            .unwrap();
        (p, count.into_inner())
    };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (one, n1) = run(1, a.path());
    let (two, n2) = run(2, b.path());
    assert_eq!(one, two, "thread count changed the profile");
    assert!(n1 > 0 && n1 == n2, "{n1} vs {n2} runs");
    let (again, n3) = run(2, a.path());
    assert_eq!(again, one);
    assert_eq!(n3, 0, "a rerun on the same log trains nothing");
    // The trained column exists at depth ≥ 2 and sizes are whole nets of that depth.
    let t = one.profiles.iter().find(|q| q.target == TargetId::Sawtooth { k: 3 }).unwrap();
    let c = &t.depths[2];
    assert_eq!(c.trained.len(), 1);
    assert!(!c.trained[0].tried.is_empty());
    // Lower bounds recomputed from the closed forms.
    let (p, _) = t.fewest_pieces.clone().unwrap();
    assert_eq!(c.lower.as_ref().unwrap().units, bound::min_units(p, 3).0);
    let st = TargetId::Sawtooth { k: 3 }.build().unwrap();
    assert_eq!(st.pieces(), 8);
    let _ = st.fewest_pieces(0.1, depthsep::train::Metric::Nmse).unwrap();
}

/// The crossover of `series` at `floor` against `trainer` in the committed document at `path`.
fn crossover(path: &str, series: &str, floor: f64, trainer: &str) -> Option<u32> {
    let r = Results::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    let cs = depthsep::report::depth::crossovers(profiles(&r));
    let c = cs
        .iter()
        .find(|c| c.series == series && c.floor == floor && c.trainer.starts_with(trainer))
        .unwrap_or_else(|| panic!("{path}: no crossover for {series} at {floor} against {trainer}"));
    c.from
}

#[test]
fn the_readme_states_the_crossovers_the_committed_profiles_give() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let land = "reports/landmarks/results.json";
    assert_eq!(crossover(land, "ball δ=0.25", 0.1, "greedy"), Some(3));
    assert_eq!(crossover(land, "ball δ=0.25", 0.3, "greedy"), None);
    assert_eq!(crossover(land, "radial d=2", 0.1, "greedy"), Some(2));
    assert_eq!(crossover(land, "radial d=2", 0.3, "greedy"), Some(2));
    assert_eq!(crossover("reports/results.json", "sawtooth", 0.01, "freeknot"), Some(3));
    assert_eq!(crossover("reports/results.json", "max", 0.01, "greedy"), Some(3));
    assert_eq!(crossover("reports/results.json", "square", 0.0, "freeknot"), Some(4));
    // Trained deep nets (generic recipes) as the deep side.
    let trained = |path: &str, series: &str, floor: f64, trainer: &str| {
        let r = Results::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
        let cs = depthsep::report::depth::trained_crossovers(profiles(&r));
        cs.iter().find(|c| c.series == series && c.floor == floor && c.trainer.starts_with(trainer)).unwrap().from
    };
    assert_eq!(trained(land, "ball δ=0.25", 0.1, "greedy"), Some(3));
    assert_eq!(trained(land, "radial d=2", 0.1, "greedy"), None);
    assert_eq!(trained(land, "radial d=4", 0.1, "greedy"), Some(1));
    assert_eq!(trained("reports/results.json", "max", 0.01, "greedy"), Some(3));
    assert_eq!(trained("reports/results.json", "sawtooth", 0.01, "freeknot"), None);
    for needle in [
        "from\nd = 3 at nMSE 0.1 (65 against 49 at d = 2, 113 against 156 at d = 3)",
        "not up to d = 8 at 0.3",
        "radial sawtooth in d = 2 from k = 2 at both tolerances (91 against 261 at 0.1)",
        "the sawtooth from k = 3\nagainst `freeknot`",
        "max of d from d = 3 at 0.01",
        "x² at its own reference's error\nfrom L = 4 against `freeknot`",
        "a trained depth-2 net within nMSE 0.1 from d = 3 against `greedy`",
        "max of d (0.01, from d = 3:\n79 against 349 at d = 4)",
    ] {
        assert!(readme.contains(needle), "README lacks {needle:?}");
    }
}

#[test]
fn ball_and_radial_constructions_are_sized_to_the_tolerance_and_measured_within_it() {
    let r = Results::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/landmarks/results.json")).unwrap();
    let p = profiles(&r);
    let mut seen = 0;
    for q in &p.profiles {
        let target = q.target.build().unwrap();
        for c in q.depths.iter().filter(|c| c.constructed.is_some()) {
            let k = c.constructed.as_ref().unwrap();
            assert!((2..=target.natural_depth()).contains(&c.depth), "{}: built at depth {}", q.label, c.depth);
            assert_eq!(k.hidden.len(), c.depth);
            assert!(k.error <= q.floor, "{} at {}: measured {}", q.label, q.floor, k.error);
            // Sized to the tolerance: fewer parameters than the round-off-sized reference construction.
            if c.depth == target.natural_depth() {
                assert!(k.params < target.construct_deep().unwrap().net.n_params() as u64, "{}", q.label);
            }
            seen += 1;
        }
    }
    // The ball at depth 2; the radial sawtooth at every depth 2..=k + 1 (1 + 2 + 3 + 4 in d = 2, 1 + 2
    // in d = 4); two tolerances.
    assert_eq!(seen, 2 * (7 + 10 + 3), "ball d = 2..8, radial d = 2 k ≤ 4 and d = 4 k ≤ 2");
}

#[test]
fn ball_and_radial_are_trained_at_every_depth_and_depth_two_reaches_the_ball_where_one_layer_is_censored() {
    let r = Results::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/landmarks/results.json")).unwrap();
    let p = profiles(&r);
    for q in &p.profiles {
        for c in q.depths.iter().filter(|c| c.depth >= 2) {
            assert_eq!(c.trained.len(), 1, "{} L = {}: `plain` only", q.label, c.depth);
            assert!(c.trained[0].by.starts_with("plain") && !c.trained[0].tried.is_empty(), "{}", q.label);
        }
    }
    // Ball d = 6..8 at nMSE 0.1: every one-hidden-layer search is censored, a trained depth-2 net passes
    // with fewer parameters than the widest shallow net tried.
    for d in 6..=8u32 {
        let q = p
            .profiles
            .iter()
            .find(|q| matches!(q.target, TargetId::Ball { d: e, ramp_milli: 250, .. } if e == d) && q.floor == 0.1)
            .unwrap();
        let caps: Vec<u64> = q.depths[0]
            .trained
            .iter()
            .map(|t| match t.m_star {
                depthsep::search::MStar::Censored { m_max } => {
                    depthsep::net::Mlp::count_params(d as usize, &[m_max as usize]) as u64
                }
                other => panic!("d = {d}: depth 1 reached at {other}"),
            })
            .collect();
        let (deep, _) = q.depths[1].best_trained().expect("depth 2 trained");
        assert!(caps.len() == 3 && caps.iter().all(|&c| deep < c), "d = {d}: {deep} against caps {caps:?}");
    }
}

#[test]
fn the_compositional_tree_is_trained_at_every_depth_up_to_eight_inputs_and_depth_pays() {
    let r = Results::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/compositional/results.json")).unwrap();
    let p = profiles(&r);
    let trained_at = |d: u32, floor: f64, depth: usize| {
        let q = p.profiles.iter().find(|q| q.target == TargetId::Compositional { d } && q.floor == floor).unwrap();
        q.depths.iter().find(|c| c.depth == depth).map(|c| c.trained.clone()).unwrap_or_default()
    };
    for (d, floor) in [(4u32, 0.3), (4, 0.1), (8, 0.3), (8, 0.1)] {
        let levels = d.trailing_zeros() as usize;
        for depth in 2..=levels {
            let t = trained_at(d, floor, depth);
            assert_eq!(t.len(), 1, "d = {d} at {floor}, L = {depth}: `plain` only (the grown recipes need one input)");
            assert!(t[0].by.starts_with("plain"), "{}", t[0].by);
            assert!(!t[0].tried.is_empty(), "d = {d} L = {depth}: every width tried is stored");
        }
    }
    // d = 16 is above the config's max_dim: the tree is constructed, not trained, at L ≥ 2.
    assert!((2..=4).all(|l| trained_at(16, 0.3, l).is_empty()));
    // Where both are measured, the best trained depth ≥ 2 needs fewer parameters than one hidden layer.
    let params = |d: u32, floor: f64, depth: usize| trained_at(d, floor, depth).iter().filter_map(|t| t.params).min();
    for (d, floor, deep) in [(4, 0.3, 2), (4, 0.1, 2), (8, 0.3, 3)] {
        let (shallow, deep) = (params(d, floor, 1).unwrap(), params(d, floor, deep).unwrap());
        assert!(deep < shallow, "d = {d} at {floor}: depth {deep} params against {shallow} at depth 1");
    }
}

#[test]
fn trained_parameters_at_every_depth_count_the_targets_inputs() {
    // A width-w depth-L net on d inputs has w(d + 1) + (L − 1)·w(w + 1) + w + 1 parameters; the d-input
    // profiles once counted one input.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for doc in ["reports/results.json", "reports/compositional/results.json", "reports/landmarks/results.json"] {
        let r = Results::read(&root.join(doc)).unwrap();
        for q in &profiles(&r).profiles {
            let d = q.target.build().unwrap().dim();
            for c in q.depths.iter().filter(|c| c.depth >= 2) {
                for t in &c.trained {
                    if let Some(w) = t.m_star.width() {
                        let w = w as usize;
                        let expect = w * (d + 1) + (c.depth - 1) * w * (w + 1) + w + 1;
                        assert_eq!(t.params, Some(expect as u64), "{doc}: {} at L = {}", q.label, c.depth);
                        seen += usize::from(d > 1);
                    }
                }
            }
        }
    }
    assert!(seen >= 5, "d-input trained cells checked: {seen}");
}

#[test]
fn a_profile_resumes_from_its_document_when_the_run_log_is_gone() {
    let cfg = ProfileConfig::from_toml(&tiny_profile()).unwrap();
    let first = tempfile::tempdir().unwrap();
    let p = measure(&cfg, None, first.path(), &|_, _| {}).unwrap();
    // A document holding those profiles, measured again into an empty folder: nothing retrains.
    let mut doc = committed();
    doc.depth_profiles = Some(p.clone());
    let fresh = tempfile::tempdir().unwrap();
    let count = std::sync::atomic::AtomicUsize::new(0);
    let again = measure(&cfg, Some(&doc), fresh.path(), &|_, _| {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    })
    .unwrap();
    assert_eq!(count.into_inner(), 0, "every run came from the document");
    // Same widths, errors and verdicts; the depth-1 column now reads the document's shallow searches.
    let trained = |p: &Profiles| -> Vec<_> {
        p.profiles.iter().flat_map(|q| q.depths.iter().filter(|c| c.depth >= 2).map(|c| c.trained.clone())).collect()
    };
    assert_eq!(trained(&again), trained(&p));
    // A different trainer setting does not take them: everything trains again.
    let other = ProfileConfig::from_toml(&tiny_profile().replace("steps = 200", "steps = 150")).unwrap();
    let count = std::sync::atomic::AtomicUsize::new(0);
    let _ = measure(&other, Some(&doc), tempfile::tempdir().unwrap().path(), &|_, _| {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    })
    .unwrap();
    assert!(count.into_inner() > 0, "runs of another trainer setting are not reused");
}
