//! Grow one-hidden-layer nets on the sawtooth Δ^k with the free-knot trainer and compare the first
//! width reaching each tolerance with the theory's constructive width.
//!
//! Expected output (the run is deterministic):
//!
//! ```text
//! k = 6: first width reaching nMSE 1e-1 / 1e-2 / 1e-3: [60, 64, 64]; constructive upper bound [60, 64, 64]
//! k = 8: first width reaching nMSE 1e-1 / 1e-2 / 1e-3: [234, 256, 256]; constructive upper bound [232, 255, 256]
//! ```
//!
//! Run with `cargo run --release --example freeknot_sweep`.

use depthsep::family::{Objective, Target, sawtooth::Sawtooth};
use depthsep::net::Pwl;
use depthsep::rng::run_rng;
use depthsep::train::Metric;
use depthsep::train::freeknot::{Control, FreeknotSettings, Samples, sweep};
use rand::RngExt;

fn main() -> anyhow::Result<()> {
    let tolerances = [1e-1, 1e-2, 1e-3];
    for k in [6, 8] {
        let target = Sawtooth::new(k)?;
        let exact = target.pwl().expect("the sawtooth is piecewise linear");
        // 32 uniform samples per linear piece, as in the suites; the trainer sees only these.
        let n = 32usize << k;
        let mut rng = run_rng(1, "example");
        let xs: Vec<f64> = (0..n).map(|_| rng.random()).collect();
        let mut ys = vec![0.0; n];
        target.eval_batch(&xs, &mut ys);
        let mut first = [0usize; 3];
        sweep(&Samples::new(&xs, &ys), &FreeknotSettings::default(), 4 << k, |m, spline| {
            let nmse = Pwl::new(spline.t.clone(), spline.u.clone()).errors(&exact).mse / target.variance();
            for (f, &tol) in first.iter_mut().zip(&tolerances) {
                if *f == 0 && nmse <= tol {
                    *f = m;
                }
            }
            if nmse <= 1e-3 { Control::Stop } else { Control::Continue }
        });
        let upper: Vec<u64> =
            tolerances.iter().map(|&e| target.bracket(e, Metric::Nmse).map_or(0, |b| b.upper)).collect();
        println!(
            "k = {k}: first width reaching nMSE 1e-1 / 1e-2 / 1e-3: {first:?}; constructive upper bound {upper:?}"
        );
    }
    Ok(())
}
