use depthsep::family::{Target, sawtooth::Sawtooth};
use depthsep::net::Pwl;
use depthsep::rng::run_rng;
use depthsep::train::freeknot::{Control, FreeknotSettings, Samples, sweep};
use rand::RngExt;

fn main() {
    let ks: Vec<u32> = std::env::args().skip(1).map(|a| a.parse().unwrap()).collect();
    for k in ks {
        let t = Sawtooth::new(k).unwrap();
        let exact = t.pwl().unwrap();
        for seed in 0..3 {
            let dpp: usize = std::env::var("DPP").map(|v| v.parse().unwrap()).unwrap_or(8);
            let n = (dpp << k).max(256);
            let mut rng = run_rng(seed, "probe");
            let xs: Vec<f64> = (0..n).map(|_| rng.random()).collect();
            let mut ys = vec![0.0; n];
            t.eval_batch(&xs, &mut ys);
            let s = Samples::new(&xs, &ys);
            let tols = [0.1, 0.01, 0.001];
            let mut first = [0usize; 3];
            let start = std::time::Instant::now();
            let li: usize = std::env::var("LI").map(|v| v.parse().unwrap()).unwrap_or(6);
            let cfg = FreeknotSettings { local_iters: li, ..FreeknotSettings::default() };
            let mut best = 1.0f64; let mut bestm = 0;
            let last = sweep(&s, &cfg, 2 << k, |m, sp| {
                let e = Pwl::new(sp.t.clone(), sp.u.clone()).errors(&exact).mse * 12.0;
                for (i, &tol) in tols.iter().enumerate() {
                    if first[i] == 0 && e <= tol {
                        first[i] = m;
                    }
                }
                if std::env::var("TRACE").is_ok() && (m as u64).is_power_of_two() || (m as u64 >= 1 << k) && m as u64 <= (1 << k) + 2 { eprintln!("  m={m} nmse={e:.3e}"); }
                if e < best { best = e; bestm = m; }
                if e <= 1e-24 { Control::Stop } else { Control::Continue }
            });
            let ub: Vec<u64> = tols.iter().map(|&e| t.bracket(e, depthsep::train::Metric::Nmse).unwrap().upper).collect();
            println!("k={k} seed={seed} m*={first:?} upper={ub:?} last={last} best={best:.1e}@{bestm} {:.2}s", start.elapsed().as_secs_f64());
        }
    }
}
