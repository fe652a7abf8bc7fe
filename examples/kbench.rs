use depthsep::net::{Mlp, Workspace};
use depthsep::rng::run_rng;
use depthsep::train::Init;
use rand::RngExt;
fn main() {
    let m: usize = std::env::args().nth(1).unwrap().parse().unwrap();
    let n: usize = std::env::args().nth(2).unwrap().parse().unwrap();
    let mut rng = run_rng(1, "k");
    let mut net = Mlp::with_hidden(1, &[m]).unwrap();
    Init::Breakpoint.apply(&mut net, &mut rng);
    let xs: Vec<f64> = (0..n).map(|_| rng.random()).collect();
    let ys: Vec<f64> = (0..n).map(|_| rng.random()).collect();
    let mut g = vec![0.0; net.n_params()];
    let mut ws = Workspace::default();
    let mut r = Vec::new();
    let t = std::time::Instant::now();
    let reps = 200;
    for _ in 0..reps {
        depthsep::net::fast::shallow_loss_grad(net.params(), &xs, &ys, &mut g, &mut r);
    }
    let dt = t.elapsed().as_secs_f64() / reps as f64;
    println!("fused: {:.1} us/step, {:.3} ns/pair", dt * 1e6, dt * 1e9 / (m * n) as f64);
    let t = std::time::Instant::now();
    for _ in 0..reps {
        net.loss_grad_layered(&xs, &ys, &mut g, &mut ws);
    }
    let dt = t.elapsed().as_secs_f64() / reps as f64;
    println!("layered: {:.1} us/step", dt * 1e6);
}
