//! Rough per-step timing of the six canonical workloads (use `cargo bench` for real numbers).
use depthsep::net::{Mlp, Workspace};
use depthsep::rng::run_rng;
use depthsep::train::{Adam, Init};
use rand::RngExt;
fn main() {
    let wl: Vec<(&str, Vec<usize>)> = vec![
        ("shallow_m16", vec![16]),
        ("shallow_m256", vec![256]),
        ("shallow_m4096", vec![4096]),
        ("deep_w2_L8", vec![2; 8]),
        ("deep_w16_L8", vec![16; 8]),
        ("deep_w64_L16", vec![64; 16]),
    ];
    let mut rng = run_rng(1, "b");
    let xs: Vec<f64> = (0..1024).map(|_| rng.random()).collect();
    let ys: Vec<f64> = xs.iter().map(|x| 2.0 * x.min(1.0 - x)).collect();
    for (name, h) in wl {
        let mut net = Mlp::with_hidden(1, &h).unwrap();
        Init::Torch.apply(&mut net, &mut rng);
        let mut g = vec![0.0; net.n_params()];
        let mut ws = Workspace::default();
        let mut adam = Adam::new(net.n_params());
        let mut times = vec![];
        for _ in 0..200 {
            let t = std::time::Instant::now();
            net.loss_grad(&xs, &ys, &mut g, &mut ws);
            adam.step(net.params_mut(), &g, 1e-3);
            times.push(t.elapsed().as_secs_f64() * 1e6);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!("{name}: median {:.1} us", times[100]);
    }
}
