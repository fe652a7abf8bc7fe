//! `net2deeper`: grown a layer at a time by Net2DeeperNet's identity insertion (Chen, Goodfellow &
//! Shlens 2016), on any number of inputs. Depth 1 is trained on the target; then for j = 2..L a
//! hidden layer with identity weights and zero biases is inserted after the last hidden layer
//! ([`deepen`]) and the whole net is trained again on the target. The last hidden layer's outputs
//! h are ReLU outputs, h ≥ 0, so σ(I·h + 0) = h: the deeper net computes exactly the function of the
//! shallower one, on every input. Generic: every stage sees only the target's data, and nothing of
//! its form is built in. Unlike `curriculum`, `layerwise` and the triangle recipes it needs neither
//! one input nor a family whose parameter is a depth, so it applies everywhere.

use super::spec::{Knowledge, RecipeInfo, RecipeSpec};
use super::{DeepRun, Recipe, Trained, keep_start};
use crate::family::TargetId;
use crate::net::Mlp;
use crate::train::{Prose, sample};
use rand_chacha::ChaCha8Rng;

/// The `net2deeper` recipe.
pub struct Net2Deeper;

/// Its info entry.
pub static INFO: RecipeInfo = RecipeInfo {
    id: Recipe::Net2deeper,
    name: "net2deeper",
    knowledge: Knowledge::Generic,
    why: "only the data and a plain ReLU architecture",
};

/// `net` with one more hidden layer, of the last one's width, inserted after the last: identity
/// weights, zero biases. It computes the same function as `net` on every input.
pub fn deepen(net: &Mlp) -> anyhow::Result<Mlp> {
    let hidden = net.hidden().to_vec();
    let Some(&w) = hidden.last() else { anyhow::bail!("a net without hidden layers cannot be deepened") };
    let mut deeper = hidden.clone();
    deeper.push(w);
    let mut out = Mlp::with_hidden(net.input_dim(), &deeper)?;
    for l in 0..hidden.len() {
        let (weights, biases) = net.layer(l);
        out.set_layer(l, weights, biases);
    }
    let identity: Vec<f64> = (0..w * w).map(|i| if i / w == i % w { 1.0 } else { 0.0 }).collect();
    out.set_layer(hidden.len(), &identity, &vec![0.0; w]);
    let (weights, biases) = net.layer(hidden.len());
    out.set_layer(hidden.len() + 1, weights, biases);
    Ok(out)
}

impl RecipeSpec for Net2Deeper {
    fn info(&self) -> &'static RecipeInfo {
        &INFO
    }

    fn applies(&self, _id: TargetId, _dim: usize, _width: usize, _depth: usize) -> bool {
        true
    }

    fn train(&self, run: &DeepRun, rng: &mut ChaCha8Rng) -> anyhow::Result<Trained> {
        let t = run.id.build()?;
        let (d, width, settings) = (t.dim(), run.width, run.settings);
        let mut net = Mlp::with_hidden(d, &[width])?;
        settings.init.apply(&mut net, rng);
        let mut total = 0;
        for j in 1..=run.depth.max(1) {
            if j > 1 {
                net = deepen(&net)?;
            }
            let data = sample(t.as_ref(), settings, Mlp::count_params(d, &vec![width; j]), rng)?;
            let tol = if j == run.depth.max(1) { run.tolerances.to_vec() } else { vec![0.0] };
            let rep = keep_start(net, &data, settings, &run.evaluator(t.as_ref()), &tol, rng)?;
            total += rep.steps_used;
            if j == run.depth.max(1) {
                return Ok(Trained { report: rep, recipe: Recipe::Net2deeper, total_steps: total });
            }
            net = rep.net;
        }
        unreachable!("the loop returns at its last stage")
    }

    fn methods(&self, _p: &dyn Prose) -> String {
        "grown one identity layer at a time on the target itself (Net2DeeperNet)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn an_inserted_identity_layer_keeps_the_function_on_every_input() {
        let mut rng = crate::rng::run_rng(5, "deepen");
        let mut net = Mlp::with_hidden(3, &[6, 6]).unwrap();
        net.params_mut().iter_mut().for_each(|p| *p = rng.random_range(-1.0..1.0));
        let deeper = deepen(&net).unwrap();
        assert_eq!(deeper.hidden(), &[6, 6, 6]);
        let xs: Vec<f64> = (0..3 * 500).map(|_| rng.random_range(-3.0..3.0)).collect();
        let (mut a, mut b) = (vec![0.0; 500], vec![0.0; 500]);
        net.forward(&xs, &mut a);
        deeper.forward(&xs, &mut b);
        assert_eq!(a, b, "identity on ReLU outputs adds exact zeros and ones");
        assert!(a.iter().any(|v| *v != a[0]), "a net that is not constant");
    }

    #[test]
    fn it_runs_on_two_inputs_where_the_other_grown_recipes_fall_back_and_is_deterministic() {
        let settings: crate::train::TrainSettings = toml::from_str(
            "steps = 200\neval_every = 50\noptimizer = { kind = \"hybrid\", lsq_every = 50, lr = 1e-2, schedule = { kind = \"constant\" } }",
        )
        .unwrap();
        let id = TargetId::Max { d: 2 };
        let run = |seed| {
            let mut rng = crate::rng::run_rng(seed, "net2deeper");
            let metric = crate::train::Metric::Nmse;
            super::super::train_deep(Recipe::Net2deeper, id, 4, 2, &settings, metric, 4096, &[1e-3], &mut rng).unwrap()
        };
        let (a, b) = (run(1), run(1));
        assert_eq!(a.recipe, Recipe::Net2deeper);
        assert_eq!(a.report.net, b.report.net);
        assert_eq!(a.report.net.hidden(), &[4, 4]);
        assert!(a.total_steps > a.report.steps_used, "two stages ran");
        assert!(a.report.best.value < 0.1, "max of two inputs at width 4, depth 2: nMSE {}", a.report.best.value);
        for other in [Recipe::Curriculum, Recipe::Layerwise, Recipe::Triangle] {
            assert_eq!(super::super::effective(other, id, 2, 4, 2), Recipe::Plain, "{other:?} needs one input");
        }
    }
}
