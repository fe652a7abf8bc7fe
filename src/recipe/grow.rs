//! Growing a 1-input net by one layer at its input, without changing the function on \[0,1\].
//!
//! The new first layer has the old first layer's width w. Its unit 0 is σ(x) = x on x ≥ 0; units
//! 1..w have random breakpoints in \[0,1\] (as the `breakpoint` initialisation draws them). The
//! old first layer, which read x, now reads the new layer: its column 0 holds its old weights and
//! its other columns are zero. So the grown net computes exactly the old function on \[0,1\]
//! (checked in a test), and gradients reach every new weight from the first step.

use super::{DeepRun, Recipe, Trained, keep_start};
use crate::family::Target;
use crate::net::Mlp;
use crate::train::sample;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

/// The staged training of `curriculum` and `layerwise`: depth 1 trained on `targets[0]`, then for
/// each further stage one layer prepended ([`prepend_layer`]) and the whole net trained on that
/// stage's target; the last stage is the result, and `recipe` is named as what ran.
pub(super) fn grown(
    run: &DeepRun,
    recipe: Recipe,
    targets: &[Box<dyn Target>],
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<Trained> {
    let (width, settings, last) = (run.width, run.settings, targets.len().saturating_sub(1));
    let mut total = 0;
    let mut net: Option<Mlp> = None;
    for (j, t) in targets.iter().enumerate() {
        let data = sample(t.as_ref(), settings, Mlp::count_params(t.dim(), &vec![width; j + 1]), rng)?;
        let start = match net.take() {
            None => {
                let mut n = Mlp::with_hidden(1, &[width])?;
                settings.init.apply(&mut n, rng);
                n
            }
            Some(prev) => prepend_layer(&prev, rng)?,
        };
        let tol = if j == last { run.tolerances.to_vec() } else { vec![0.0] };
        let rep = keep_start(start, &data, settings, &run.evaluator(t.as_ref()), &tol, rng)?;
        total += rep.steps_used;
        if j == last {
            return Ok(Trained { report: rep, recipe, total_steps: total });
        }
        net = Some(rep.net);
    }
    anyhow::bail!("a grown recipe needs at least one stage")
}

/// The net `old` (1 input) with one hidden layer of its first layer's width prepended.
pub fn prepend_layer<R: rand::Rng>(old: &Mlp, rng: &mut R) -> anyhow::Result<Mlp> {
    anyhow::ensure!(old.input_dim() == 1 && !old.hidden().is_empty(), "only 1-input nets with a hidden layer grow");
    let w = old.hidden()[0];
    let mut hidden = vec![w];
    hidden.extend_from_slice(old.hidden());
    let mut net = Mlp::with_hidden(1, &hidden)?;
    let (mut w0, mut b0) = (vec![0.0; w], vec![0.0; w]);
    w0[0] = 1.0;
    for j in 1..w {
        w0[j] = 2f64.sqrt() * rng.sample::<f64, _>(StandardNormal);
        b0[j] = -w0[j] * rng.random::<f64>();
    }
    net.set_layer(0, &w0, &b0);
    let (a, b) = old.layer(0);
    let mut w1 = vec![0.0; w * w];
    for (r, &v) in a.iter().enumerate() {
        w1[r * w] = v;
    }
    net.set_layer(1, &w1, b);
    for l in 1..old.n_layers() {
        let (a, b) = old.layer(l);
        net.set_layer(l + 1, a, b);
    }
    Ok(net)
}
