use depthsep::rng::run_rng;
use depthsep::target::Sawtooth;
use depthsep::train::*;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let k: u32 = args[1].parse().unwrap();
    let hidden: Vec<usize> = args[2].split(',').map(|s| s.parse().unwrap()).collect();
    let lr: f64 = args[3].parse().unwrap();
    let steps: usize = args[4].parse().unwrap();
    let init = match args.get(5).map(|s| s.as_str()) {
        Some("torch") => Init::Torch,
        Some("he") => Init::He,
        _ => Init::Breakpoint,
    };
    let t = Sawtooth::new(k).unwrap();
    let ev = Evaluator::new(&t, Metric::Nmse);
    let cfg = TrainConfig {
        init,
        lr,
        schedule: Schedule::Cosine { final_frac: 0.01 },
        steps,
        batch: None,
        data_n: (16 << k).max(256),
        eval_every: std::env::var("EV").map(|v| v.parse().unwrap()).unwrap_or(100),
        lsq_every: std::env::var("LS").ok().map(|v| v.parse().unwrap()),
    };
    for s in 0..4 {
        let st = std::time::Instant::now();
        let r = fit(&t, &hidden, &cfg, &ev, &[1e-4], &mut run_rng(1, &format!("probe{s}"))).unwrap();
        println!(
            "seed {s}: nmse {:.3e} pieces {:?} steps {} {:?} collapsed {} {:.2}s",
            r.best.value,
            r.best.pieces,
            r.steps_used,
            r.outcome,
            r.collapsed,
            st.elapsed().as_secs_f64()
        );
    }
}
