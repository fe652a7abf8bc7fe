//! The transfer experiment (`depthsep transfer`): deterministic across thread counts, frozen layers
//! trained as stated, and the committed `reports/transfer/` table redraws from its JSON.

use depthsep::transfer::{ARMS, TransferConfig, TransferResults, markdown, run};
use std::path::Path;

#[test]
fn transfer_runs_are_the_same_on_one_thread_and_on_two_and_freeze_what_they_say() {
    let cfg = TransferConfig { d: vec![4], width: 6, seeds: 2, ..Default::default() };
    let (a, b) = (run(&cfg, 1).unwrap(), run(&cfg, 2).unwrap());
    assert_eq!(a.runs, b.runs);
    assert_eq!(a.runs.len(), 2);
    for r in &a.runs {
        let names: Vec<&str> = r.arms.iter().map(|x| x.arm.as_str()).collect();
        assert_eq!(names, ARMS);
        // 4 → 6 → 6 → 1: scratch trains all 30 + 42 + 7 parameters, the others the top 42 + 7.
        let trained: Vec<usize> = r.arms.iter().map(|x| x.trained_params).collect();
        assert_eq!(trained, [79, 49, 49]);
        for arm in &r.arms {
            assert!(arm.nmse.is_finite() && arm.nmse < 1.0, "{}: {}", arm.arm, arm.nmse);
            assert_eq!(arm.reached.len(), depthsep::transfer::TOLERANCES.len());
        }
    }
    assert!(markdown(&a).contains("| 4 | frozen random | 49 |"), "{}", markdown(&a));
}

#[test]
fn the_committed_transfer_table_redraws_from_its_json() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/transfer");
    let r: TransferResults =
        serde_json::from_str(&std::fs::read_to_string(dir.join("transfer.json")).unwrap()).unwrap();
    assert_eq!(markdown(&r), std::fs::read_to_string(dir.join("transfer.md")).unwrap());
}
