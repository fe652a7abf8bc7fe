//! Train one shallow net on the sawtooth Δ^3 and compare it with the theory.
//!
//! Expected output (the run is deterministic):
//!
//! ```text
//! sawtooth k=3: width 12, hybrid LS/Adam, 2000 steps, 12 linear pieces
//! exact normalised MSE 3.46e-1; theory: best width-12 error in [0.00e0, 0.00e0]
//! ```
//!
//! Run with `cargo run --release --example train_shallow`.

use depthsep::family::{Bound, Target, sawtooth::Sawtooth};
use depthsep::rng::run_rng;
use depthsep::train::{Evaluator, Init, Metric, Optimizer, Schedule, TrainSettings, fit};

fn main() -> anyhow::Result<()> {
    let (k, m) = (3, 12);
    let target = Sawtooth::new(k)?;
    // The quick suite's shallow settings: 256 points, hybrid least squares / Adam.
    let cfg = TrainSettings {
        init: Init::Breakpoint,
        steps: 2000,
        eval_every: 100,
        data_per_piece: 8,
        data_min: 256,
        optimizer: Optimizer::Hybrid(depthsep::train::hybrid::HybridSettings {
            lr: 1e-3,
            schedule: Schedule::Cosine { final_frac: 0.01 },
            batch: None,
            lsq_every: 250,
        }),
        dtype: Default::default(),
        sampled: Default::default(),
    };
    let ev = Evaluator::new(&target, Metric::Nmse);
    let run = fit(&target, &[m], &cfg, &ev, &[1e-4], &mut run_rng(1, "example"))?;
    println!(
        "sawtooth k={k}: width {m}, hybrid LS/Adam, {} steps, {} linear pieces",
        run.steps_used,
        run.best.pieces.unwrap()
    );
    println!(
        "exact normalised MSE {:.2e}; theory: best width-{m} error in [{:.2e}, {:.2e}]",
        run.best.value,
        target.error_bound(Bound::Lower, m as u64, Metric::Nmse).unwrap(),
        target.error_bound(Bound::Upper, m as u64, Metric::Nmse).unwrap()
    );
    Ok(())
}
