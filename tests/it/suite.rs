//! The suite runner on the tiny suite: theory never violated, determinism, resumption.

use depthsep::family::Bound;
use depthsep::results::Results;
use depthsep::search::MStar;
use depthsep::suite::{ReferenceKind, RunOptions, load_suite, run_suite};

fn run(threads: usize, dir: &std::path::Path) -> Results {
    let cfg = load_suite("tiny").unwrap();
    run_suite(&cfg, &RunOptions { out: dir.to_path_buf(), threads, progress: false, shard: None }).unwrap()
}

#[test]
fn tiny_suite_respects_the_theory_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let res = run(2, dir.path());
    let metric = res.config.metric;
    assert!(
        res.config.shallow.iter().all(|s| !s.prune_with_theory),
        "the tiny suite searches from width 1, so the lower bound is a real check"
    );
    for t in &res.targets {
        let target = t.target.build().unwrap();
        for r in &t.references {
            if r.kind == ReferenceKind::Constructed {
                assert!(
                    r.error.unwrap() <= 1e-24 && r.errors.unwrap().sup <= 1e-12,
                    "constructed reference must be exact"
                );
                assert_eq!(r.pieces, Some(t.pieces));
            } else {
                assert_eq!(r.seeds.len(), res.config.deep.seeds as usize);
                assert!(r.collapse_rate.is_some());
            }
            for s in &r.searches {
                let b = s.bracket.unwrap();
                if let MStar::Found { m } = s.m_star {
                    assert!(m >= b.lower, "{}: m* = {m} below the certified lower bound {}", t.target, b.lower);
                    assert!(s.successes >= 1);
                }
            }
        }
        assert!(!t.shallow_runs.is_empty() && !t.sweeps.is_empty());
        for sw in &t.sweeps {
            for (i, e) in sw.errors.iter().enumerate() {
                let lb = target.error_bound(Bound::Lower, i as u64 + 1, metric).unwrap();
                assert!(
                    e.is_none_or(|e| e >= lb - 1e-12),
                    "{} sweep seed {}: width {} below {lb}",
                    t.label,
                    sw.seed,
                    i + 1
                );
            }
        }
        for run in &t.shallow_runs {
            let m = run.hidden[0] as u64;
            if let Some(e) = run.error {
                let lb = target.error_bound(Bound::Lower, m, metric).unwrap();
                assert!(
                    e >= lb - 1e-12,
                    "{} width {m} seed {}: error {e} below the certified bound {lb}",
                    t.label,
                    run.seed
                );
            }
        }
    }
}

#[test]
fn results_are_byte_identical_for_one_and_two_threads() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    assert_eq!(run(1, a.path()).deterministic_json(), run(2, b.path()).deterministic_json());
}

#[test]
fn a_resumed_run_redoes_only_lost_runs_and_ends_identical() {
    let whole = tempfile::tempdir().unwrap();
    let reference = run(2, whole.path()).deterministic_json();
    let log = std::fs::read_to_string(whole.path().join("runs.jsonl")).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert!(lines.len() > 10);
    // An interruption: half the runs finished, the next one torn mid-line, no results document yet.
    let cut = tempfile::tempdir().unwrap();
    let keep = lines.len() / 2;
    let mut partial = lines[..keep].join("\n");
    partial.push('\n');
    partial.push_str(&lines[keep][..lines[keep].len() / 2]);
    std::fs::write(cut.path().join("runs.jsonl"), &partial).unwrap();
    let resumed = run(1, cut.path()).deterministic_json();
    assert_eq!(resumed, reference);
    // Every kept run was read back, not redone: the kept lines are still the log's prefix.
    let after = std::fs::read_to_string(cut.path().join("runs.jsonl")).unwrap();
    assert!(after.starts_with(&partial));
    let keys: Vec<String> = after
        .lines()
        .skip(1)
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| format!("{} {}", v["id"], v["stop"]))
        .collect();
    let unique: std::collections::BTreeSet<&String> = keys.iter().collect();
    assert_eq!(keys.len(), lines.len() - 1, "every run recorded once, the torn one redone");
    assert_eq!(unique.len(), keys.len(), "no run was done twice");
}

#[test]
fn rerunning_a_finished_suite_trains_nothing_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let first = run(2, dir.path()).deterministic_json();
    let log = std::fs::read(dir.path().join("runs.jsonl")).unwrap();
    assert_eq!(run(2, dir.path()).deterministic_json(), first);
    assert_eq!(std::fs::read(dir.path().join("runs.jsonl")).unwrap(), log);
}

#[test]
fn every_search_against_a_reference_that_did_not_fit_is_flagged_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    let res = run(2, dir.path());
    let largest = res.config.floors.iter().copied().fold(0.0, f64::max);
    let mut flagged = 0;
    for t in &res.targets {
        for r in &t.references {
            for s in &r.searches {
                let above = r.error.is_none_or(|e| e > largest);
                match r.kind {
                    ReferenceKind::Constructed => assert!(!s.reference_unfit && !s.reference_collapsed),
                    ReferenceKind::Trained => {
                        assert_eq!(s.reference_unfit || s.reference_collapsed, above, "{}: {s:?}", t.label);
                        assert!(!(s.reference_unfit && s.reference_collapsed), "one flag at a time");
                    }
                }
                flagged += usize::from(s.reference_unfit);
            }
        }
    }
    assert!(flagged > 0, "the tiny suite's width-2 references do not fit: the rule must fire");
    let files = depthsep::report::render_all(&res).unwrap();
    let md = &files.iter().find(|(n, _)| *n == "summary.md").unwrap().1;
    let rows_with_mark = md.lines().filter(|l| l.starts_with("| ") && l.contains("‡ |")).count();
    assert_eq!(rows_with_mark, flagged, "summary.md marks every unfit row");
    assert_eq!(depthsep::console::mstar(&res).unwrap().matches("‡ ").count(), flagged, "the CLI table too");
}

#[test]
fn nets_above_the_storage_cap_are_matched_by_shape_and_error_without_weights() {
    let text = depthsep::suite::builtin("tiny")
        .unwrap()
        .replace("k_min = 1\nk_max = 3", "k_min = 10\nk_max = 10")
        .replace("references = [\"constructed\", \"trained\"]", "references = [\"constructed\"]")
        .replace("floors = [1e-1, 1e-2]", "floors = [1e-1]")
        .replacen("seeds = 2\nm_max = 32", "seeds = 1\nm_max = 2048", 1)
        .replace("m_max = 32\n", "m_max = 32\nmax_pieces = 8\n");
    let cfg = depthsep::suite::SuiteConfig::from_toml(&text, "cap.toml").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let res = run_suite(&cfg, &RunOptions { out: dir.path().to_path_buf(), threads: 2, progress: false, shard: None })
        .unwrap();
    let s = &res.targets[0].references[0].searches[0];
    let m = s.m_star.width().expect("freeknot reaches nMSE 0.1 on Δ^10 below 2048 units");
    assert!(3 * m as usize + 1 > depthsep::suite::MAX_STORED_PARAMS, "m* = {m} should be above the cap");
    assert!(s.matched_weights.is_empty() && s.shallow_params == Some(3 * m as usize + 1));
    depthsep::report::render_all(&res).unwrap();
}

#[test]
fn every_family_runs_through_the_suite_and_x_squared_is_matched_at_its_deep_nets_own_error() {
    use depthsep::family::TargetSpec;
    let mut cfg = load_suite("families").unwrap();
    cfg.targets = vec![
        TargetSpec::Golden { t_min: 2, t_max: 4 },
        TargetSpec::Takagi { a: 2, k_min: 2, k_max: 4 },
        TargetSpec::Square { l_min: 1, l_max: 4 },
        TargetSpec::Max { d_min: 3, d_max: 3 },
    ];
    cfg.references = vec![ReferenceKind::Constructed];
    cfg.shallow.truncate(3); // freeknot, greedy and hybrid
    cfg.shallow[1].m_max = 16;
    cfg.shallow[2].m_max = 64;
    cfg.shallow[2].m_max_sampled = None;
    for s in &mut cfg.shallow {
        s.prune_with_theory = false; // so the certified lower bound is a real check
    }
    let dir = tempfile::tempdir().unwrap();
    let res = run_suite(&cfg, &RunOptions { out: dir.path().to_path_buf(), threads: 2, progress: false, shard: None })
        .unwrap();
    let families: Vec<&str> = res.targets.iter().map(|t| t.target.family()).collect();
    assert_eq!(
        families,
        ["golden", "golden", "golden", "takagi", "takagi", "takagi", "square", "square", "square", "square", "max"]
    );
    for t in &res.targets {
        let target = t.target.build().unwrap();
        let r = &t.references[0];
        let searches = r.searches.len();
        if target.dim() > 1 {
            // max of 3: Monte Carlo errors with their interval; greedy and hybrid search it, freeknot
            // (1-D) does not; every run trained on the data rule's 65 536 points or more.
            let trainers: Vec<&str> = r.searches.iter().map(|s| s.trainer.name()).collect();
            let floors = res.config.floors.len();
            let want: Vec<&str> = ["greedy", "hybrid"].iter().flat_map(|t| vec![*t; floors]).collect();
            assert_eq!(trainers, want);
            assert!(t.sweeps.iter().all(|s| s.trainer.name() == "greedy" && s.intervals.len() == s.errors.len()));
            assert!(r.error.unwrap() <= 1e-24, "the max tree is exact");
            assert!(t.shallow_runs.iter().all(|s| s.interval.is_some_and(|i| i > 0.0)));
            assert!(
                t.shallow_runs.iter().all(|s| s.data_n.is_some_and(|n| n >= 65536 && n >= 20 * (5 * s.hidden[0] + 1)))
            );
            for s in r.searches.iter().filter(|s| s.trainer.name() == "greedy") {
                // A greedy m* is a width whose whole interval some seed's sweep put at or below τ.
                if let MStar::Found { m } = s.m_star {
                    let at = |w: &depthsep::results::SweepSummary| {
                        w.errors.get(m as usize - 1).copied().flatten().map(|e| e + w.intervals[m as usize - 1])
                    };
                    assert!(t.sweeps.iter().any(|w| at(w).is_some_and(|e| e <= s.tau)), "{}: greedy m* = {m}", t.label);
                }
            }
            for s in r.searches.iter().filter(|s| s.trainer.name() == "hybrid") {
                if let MStar::Found { m } = s.m_star {
                    let ok = t.shallow_runs.iter().filter(|x| x.hidden[0] as u64 == m).any(|x| x.reaches(s.tau));
                    assert!(ok, "{}: m* = {m} needs a run whose whole interval is below τ", t.label);
                }
                // No width counted as failed had a run whose whole interval was below τ.
                for x in t.shallow_runs.iter().filter(|x| s.failed_below.is_some_and(|f| x.hidden[0] as u64 == f)) {
                    assert!(!x.reaches(s.tau));
                }
            }
            continue;
        }
        if target.own_tolerance() {
            // x²: one search per trainer, τ = the deep net's own normalised MSE 0.375·16^{−L}.
            let l = t.target.axis().1 as i32;
            let want = 0.375 * 16f64.powi(-l);
            assert!((r.error.unwrap() / want - 1.0).abs() < 1e-6, "{}: deep nMSE {:?}", t.label, r.error);
            assert_eq!(searches, 2);
            for s in &r.searches {
                assert_eq!((s.floor, s.tau), (0.0, r.error.unwrap()));
                let b = s.bracket.unwrap();
                if let MStar::Found { m } = s.m_star {
                    assert!(m >= b.lower, "{} {}: m* = {m} below the certified {}", t.label, s.trainer, b.lower);
                }
            }
            for run in &t.shallow_runs {
                let lb = target.error_bound(Bound::Lower, run.hidden[0] as u64, res.config.metric).unwrap();
                assert!(run.error.is_none_or(|e| e >= lb), "{} width {}: below the bound", t.label, run.hidden[0]);
            }
        } else {
            assert!(r.error.unwrap() <= 1e-24, "{}: the construction is exact", t.label);
            assert_eq!(searches, 2 * res.config.floors.len());
            // Golden and Takagi: the kink-free-cell bracket (optimum::cells), never above a width reached.
            for s in &r.searches {
                let b = s.bracket.unwrap_or_else(|| panic!("{}: every exact 1-D target has a bracket", t.label));
                assert!(b.lower <= b.upper, "{}: {b:?}", t.label);
                if let MStar::Found { m } = s.m_star {
                    assert!(m >= b.lower, "{} {}: m* = {m} below the certified {}", t.label, s.trainer, b.lower);
                }
            }
        }
        // The free-knot sweep reaches every tolerance within its budget.
        assert!(r.searches.iter().filter(|s| s.trainer.name() == "freeknot").all(|s| s.m_star.width().is_some()));
    }
}

#[test]
fn in_the_sup_norm_no_trained_width_falls_below_the_fewest_kinks() {
    use depthsep::family::TargetSpec;
    use depthsep::train::Metric;
    let mut cfg = load_suite("tiny").unwrap();
    cfg.metric = Metric::Sup;
    cfg.floors = vec![0.3, 0.05];
    cfg.targets = vec![
        TargetSpec::Sawtooth { k_min: 1, k_max: 3 },
        TargetSpec::Golden { t_min: 2, t_max: 4 },
        TargetSpec::Square { l_min: 1, l_max: 2 },
    ];
    cfg.references = vec![ReferenceKind::Constructed];
    cfg.shallow.truncate(2);
    assert!(cfg.shallow.iter().all(|s| !s.prune_with_theory), "searches start at width 1");
    let dir = tempfile::tempdir().unwrap();
    let res = run_suite(&cfg, &RunOptions { out: dir.path().to_path_buf(), threads: 2, progress: false, shard: None })
        .unwrap();
    let mut found = 0;
    for t in &res.targets {
        let target = t.target.build().unwrap();
        for s in &t.references[0].searches {
            let b = s.bracket.unwrap_or_else(|| panic!("{}: every exact 1-D target has a sup bracket", t.label));
            assert!(b.lower <= b.upper);
            if let MStar::Found { m } = s.m_star {
                found += 1;
                assert!(m >= b.lower, "{} {}: m* = {m} below the fewest kinks {}", t.label, s.trainer, b.lower);
            }
        }
        for run in &t.shallow_runs {
            if let (Some(e), Some(lb)) =
                (run.error, target.error_bound(Bound::Lower, run.hidden[0] as u64, Metric::Sup))
            {
                assert!(e >= lb - 1e-12, "{} width {}: sup {e} below {lb}", t.label, run.hidden[0]);
            }
        }
    }
    assert!(found >= 10, "only {found} searches found a width");
}

#[test]
fn the_progress_bars_fixed_total_counts_every_deep_run_sweep_and_search_of_the_results() {
    // The bar's total is known before anything runs; the results say afterwards what was done.
    let dir = tempfile::tempdir().unwrap();
    let landmarks = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/landmarks/results.json");
    for (cfg, res) in [
        (load_suite("tiny").unwrap(), run(2, dir.path())),
        (load_suite("landmarks").unwrap(), Results::read(&landmarks).unwrap()),
    ] {
        let targets: Vec<_> = res.targets.iter().map(|t| t.target.build().unwrap()).collect();
        let sweepers: Vec<&str> =
            cfg.shallow.iter().filter(|s| s.train.optimizer.sweeps()).map(|s| s.train.optimizer.name()).collect();
        let mut done = 0u64;
        for t in &res.targets {
            done += t.references.iter().map(|r| r.seeds.len() as u64).sum::<u64>();
            done += t.sweeps.len() as u64;
            done += t.sufficiency.iter().map(|c| c.seed_widths[1].len() as u64).max().unwrap_or(0);
            let searches = t.references.iter().flat_map(|r| &r.searches);
            done += searches.filter(|s| !sweepers.contains(&s.trainer.name())).count() as u64;
        }
        assert!(done > 0);
        assert_eq!(depthsep::suite::task_count(&cfg, &targets), done, "suite {}", cfg.name);
    }
}
