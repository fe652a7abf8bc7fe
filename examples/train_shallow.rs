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

use depthsep::rng::run_rng;
use depthsep::target::Sawtooth;
use depthsep::theory::{Bound, error_bound};
use depthsep::train::{Evaluator, Init, Metric, Schedule, TrainConfig, fit};

fn main() -> anyhow::Result<()> {
    let (k, m) = (3, 12);
    let target = Sawtooth::new(k)?;
    let cfg = TrainConfig {
        init: Init::Breakpoint,
        lr: 1e-3,
        schedule: Schedule::Cosine { final_frac: 0.01 },
        steps: 2000,
        batch: None,
        data_n: 256,
        eval_every: 100,
        lsq_every: Some(250),
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
        error_bound(Bound::Lower, m as u64, k, Metric::Nmse),
        error_bound(Bound::Upper, m as u64, k, Metric::Nmse)
    );
    Ok(())
}
