//! Sharded runs merge into exactly the one-machine results; bad shard sets are refused.

use depthsep::results::{Results, ShardInfo};
use depthsep::suite::{RunOptions, load_suite, merge_into, run_suite};
use std::path::{Path, PathBuf};

fn run(dir: &Path, shard: Option<ShardInfo>) -> Results {
    let cfg = load_suite("tiny").unwrap();
    run_suite(&cfg, &RunOptions { out: dir.to_path_buf(), threads: 2, progress: false, shard }).unwrap()
}

fn shards(root: &Path, n: usize) -> Vec<(PathBuf, Results)> {
    (0..n)
        .map(|i| {
            let dir = root.join(format!("s{i}"));
            let r = run(&dir, Some(ShardInfo { index: i, count: n }));
            (dir.join("results.json"), r)
        })
        .collect()
}

#[test]
fn three_shards_merge_into_the_one_machine_results_byte_for_byte() {
    let root = tempfile::tempdir().unwrap();
    let whole = run(&root.path().join("whole"), None);
    let parts = shards(root.path(), 3);
    assert!(parts.iter().all(|(_, r)| r.targets.len() == 1), "3 targets over 3 shards: one each");
    let merged = merge_into(parts, &root.path().join("merged")).unwrap();
    assert_eq!(merged.deterministic_json(), whole.deterministic_json());
    assert_eq!(merged.shard_provenance.len(), 3);
    let reread = Results::read(&root.path().join("merged/results.json")).unwrap();
    assert_eq!(reread.deterministic_json(), whole.deterministic_json());
}

#[test]
fn missing_duplicated_and_mismatched_shards_are_listed_and_nothing_is_written() {
    let root = tempfile::tempdir().unwrap();
    let parts = shards(root.path(), 3);
    let out = root.path().join("merged");
    let e = merge_into(vec![parts[0].clone(), parts[2].clone()], &out).unwrap_err().to_string();
    assert!(e.contains("shard 1/3 is missing"), "{e}");
    let e = merge_into(vec![parts[0].clone(), parts[1].clone(), parts[1].clone(), parts[2].clone()], &out)
        .unwrap_err()
        .to_string();
    assert!(e.contains("shard 1/3 is given more than once"), "{e}");
    let mut foreign = parts[2].clone();
    foreign.1.config_hash = "0000000000000000".into();
    foreign.1.schema_version = 99;
    let e = merge_into(vec![parts[0].clone(), parts[1].clone(), foreign], &out).unwrap_err().to_string();
    assert!(e.contains("config hash 0000000000000000") && e.contains("schema_version 99"), "{e}");
    let whole = run(&root.path().join("whole"), None);
    let e = merge_into(vec![(root.path().join("whole/results.json"), whole)], &out).unwrap_err().to_string();
    assert!(e.contains("not a shard"), "{e}");
    assert!(!out.exists(), "a refused merge writes nothing");
}
