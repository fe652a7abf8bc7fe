//! Sharding a suite for job arrays, and merging the shards back.
//!
//! A target's runs depend only on that target (its references fix its tolerances and its searches
//! never look at another target), so the unit of work is the whole target: `run --shard I/N` runs
//! the targets assigned to shard I, with every search inside it following the same deterministic
//! gallop/bisect plan as on one machine. Targets are assigned by longest-processing-time first on
//! their expected cost in the config ([`expected_cost`]), ties by config order, so the shares are
//! balanced by cost rather than count. Merging concatenates the targets in config
//! order: the result equals a one-machine run byte for byte, provenance aside (kept per shard).

use super::SuiteConfig;
use crate::family::TargetId;
use crate::results::{Provenance, Results, SCHEMA_VERSION, ShardInfo};
use anyhow::bail;
use std::path::PathBuf;

/// Every target of the suite, in config order.
pub fn expand_targets(cfg: &SuiteConfig) -> anyhow::Result<Vec<TargetId>> {
    Ok(cfg.targets.iter().flat_map(|spec| spec.expand()).collect())
}

/// A target's expected cost in `cfg`: the family's [`crate::family::Target::expected_cost`] when
/// some shallow trainer searches it; when `max_pieces` leaves it to the trained deep reference alone,
/// its piece count (one training set, no search); when nothing runs on it, nothing. A suite without
/// `max_pieces` keeps the family's costs, and so its shards.
pub fn expected_cost(cfg: &SuiteConfig, target: &dyn crate::family::Target) -> f64 {
    if (0..cfg.shallow.len()).any(|i| cfg.searches(i, target)) {
        target.expected_cost()
    } else if cfg.references_for(target).contains(&crate::config::ReferenceKind::Trained) {
        target.pieces() as f64
    } else {
        0.0
    }
}

/// The shard index of each target: greedy longest-processing-time on the expected cost in `cfg`.
pub fn assign(cfg: &SuiteConfig, targets: &[TargetId], count: usize) -> anyhow::Result<Vec<usize>> {
    anyhow::ensure!(count >= 1, "--shard: the number of shards must be ≥ 1");
    let cost: Vec<f64> =
        targets.iter().map(|t| Ok(expected_cost(cfg, t.build()?.as_ref()))).collect::<anyhow::Result<_>>()?;
    let mut order: Vec<usize> = (0..targets.len()).collect();
    order.sort_by(|&a, &b| cost[b].total_cmp(&cost[a]).then(a.cmp(&b)));
    let mut load = vec![0.0f64; count];
    let mut owner = vec![0; targets.len()];
    for i in order {
        let s = (0..count).min_by(|&a, &b| load[a].total_cmp(&load[b]).then(a.cmp(&b))).unwrap();
        owner[i] = s;
        load[s] += cost[i];
    }
    Ok(owner)
}

/// Parse `I/N` (0 ≤ I < N).
pub fn parse_shard(s: &str) -> Result<ShardInfo, String> {
    let (i, n) = s.split_once('/').ok_or_else(|| format!("expected I/N (for example 0/4), got `{s}`"))?;
    let index: usize = i.trim().parse().map_err(|_| format!("shard index `{i}` is not a whole number"))?;
    let count: usize = n.trim().parse().map_err(|_| format!("shard count `{n}` is not a whole number"))?;
    if count == 0 || index >= count {
        return Err(format!("need 0 ≤ I < N, got {index}/{count}"));
    }
    Ok(ShardInfo { index, count })
}

/// Merge shard documents into the one-machine document. Every problem is listed; nothing is written.
pub fn merge(docs: Vec<(PathBuf, Results)>, provenance: Provenance) -> anyhow::Result<Results> {
    let mut problems = Vec::new();
    let Some((_, first)) = docs.first() else { bail!("merge needs at least one shard results file") };
    let (hash, count) = (first.config_hash.clone(), first.shard.map(|s| s.count));
    let mut seen: Vec<Vec<String>> = vec![vec![]; count.unwrap_or(0)];
    for (path, d) in &docs {
        let p = path.display();
        if !(crate::results::OLDEST_READ..=SCHEMA_VERSION).contains(&d.schema_version) {
            problems.push(format!("{p}: schema_version {} (this depthsep writes {SCHEMA_VERSION})", d.schema_version));
        }
        if d.config_hash != hash {
            problems.push(format!("{p}: config hash {} differs from {hash}", d.config_hash));
        }
        match (d.shard, count) {
            (None, _) => problems.push(format!("{p}: not a shard (run with --shard I/N)")),
            (Some(s), Some(n)) if s.count != n => {
                problems.push(format!("{p}: shard {}/{} but others are of {n}", s.index, s.count))
            }
            (Some(s), _) => seen[s.index].push(p.to_string()),
        }
    }
    for (i, files) in seen.iter().enumerate() {
        match files.len() {
            0 => problems.push(format!("shard {i}/{} is missing", count.unwrap())),
            1 => {}
            _ => problems.push(format!("shard {i}/{} is given more than once: {}", count.unwrap(), files.join(", "))),
        }
    }
    if !problems.is_empty() {
        bail!("cannot merge; nothing was written:\n  - {}", problems.join("\n  - "));
    }
    let cfg = first.config.clone();
    let order: Vec<TargetId> = expand_targets(&cfg)?;
    let mut docs: Vec<Results> = docs.into_iter().map(|(_, d)| d).collect();
    docs.sort_by_key(|d| d.shard.unwrap().index);
    let mut targets: Vec<_> = docs.iter().flat_map(|d| d.targets.clone()).collect();
    targets.sort_by_key(|t| order.iter().position(|o| *o == t.target));
    Ok(Results {
        schema_version: SCHEMA_VERSION,
        provenance,
        config_hash: hash,
        config: cfg,
        targets,
        shard: None,
        shard_provenance: docs.into_iter().map(|d| d.provenance).collect(),
        costs: None,
        frontier: None,
        frontiers: vec![],
        depth_profiles: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_balanced_by_cost_not_count() {
        let targets: Vec<TargetId> = (1..=8).map(|k| TargetId::Sawtooth { k }).collect();
        let cfg = crate::suite::load_suite("tiny").unwrap();
        let owner = assign(&cfg, &targets, 2).unwrap();
        // k = 8 alone outweighs k = 1..7 together (4^8 > Σ 4^k, k < 8), so it gets a shard to itself.
        assert_eq!(owner.iter().filter(|&&o| o == owner[7]).count(), 1);
        assert_eq!(assign(&cfg, &targets, 2).unwrap(), owner, "deterministic");
    }

    #[test]
    fn landmarks_xl_shards_keep_the_targets_their_committed_folders_hold() {
        // reports/landmarks-xl/shard-I-of-17/ (and the partial logs) were run before costs
        // looked at the config; a suite without max_pieces must keep its shards.
        let cfg = crate::suite::load_suite("landmarks-xl").unwrap();
        let targets = expand_targets(&cfg).unwrap();
        let owner = assign(&cfg, &targets, 17).unwrap();
        let held = |i: usize| -> Vec<String> {
            targets.iter().zip(&owner).filter(|(_, o)| **o == i).map(|(t, _)| t.build().unwrap().label()).collect()
        };
        for (i, label) in [
            (0, "radial d=4 k=4"),
            (1, "radial d=2 k=4"),
            (2, "radial d=4 k=3"),
            (3, "radial d=2 k=3"),
            (4, "radial d=4 k=2"),
            (5, "ball d=10 δ=0.25"),
            (6, "ball d=9 δ=0.25"),
            (7, "ball d=8 δ=0.25"),
            (8, "radial d=2 k=2"),
            (9, "radial d=4 k=1"),
            (10, "ball d=7 δ=0.25"),
            (11, "ball d=6 δ=0.25"),
            (12, "ball d=5 δ=0.25"),
            (13, "ball d=4 δ=0.25"),
            (14, "radial d=2 k=1"),
            (15, "ball d=3 δ=0.25"),
            (16, "ball d=2 δ=0.25"),
        ] {
            assert_eq!(held(i), vec![label.to_string()], "shard {i}/17");
        }
    }

    #[test]
    fn a_target_left_to_the_deep_reference_by_max_pieces_costs_its_pieces_only() {
        let mut cfg = crate::suite::load_suite("full").unwrap();
        let big = TargetId::Sawtooth { k: 12 }.build().unwrap();
        let searched = expected_cost(&cfg, big.as_ref());
        assert_eq!(searched, big.expected_cost(), "freeknot searches k = 12 in `full`");
        cfg.shallow.retain(|s| s.max_pieces.is_some());
        assert_eq!(expected_cost(&cfg, big.as_ref()), 4096.0, "hybrid and adam stop at 1024 pieces");
        cfg.deep.max_pieces = Some(1024);
        assert_eq!(expected_cost(&cfg, big.as_ref()), 0.0, "nothing runs on it");
    }

    #[test]
    fn shard_argument_errors_say_what_is_wrong() {
        assert_eq!(parse_shard("1/3"), Ok(ShardInfo { index: 1, count: 3 }));
        assert!(parse_shard("3/3").unwrap_err().contains("0 ≤ I < N"));
        assert!(parse_shard("x/3").unwrap_err().contains("`x`"));
        assert!(parse_shard("2").unwrap_err().contains("I/N"));
        assert!(parse_shard("0/0").is_err());
    }
}
