//! Plain-text tables printed by the CLI.

use crate::net::{construct, pieces};
use crate::target::{Sawtooth, Target};
use crate::train::shallow_pwl;
use std::fmt::Write;

/// For each k: pieces of Δ^k, the constructed deep net's size and exact error, and the exact
/// shallow net's width and size (all errors computed exactly, not sampled).
pub fn constructions(ks: impl IntoIterator<Item = u32>) -> anyhow::Result<String> {
    let mut s = String::new();
    writeln!(
        s,
        "{:>3} {:>8} | {:>6} {:>7} {:>10} {:>10} {:>9} | {:>7} {:>7} {:>10}",
        "k",
        "pieces",
        "depth",
        "params",
        "deep sup",
        "deep MSE",
        "net pcs",
        "width",
        "params",
        "sup"
    )?;
    for k in ks {
        let t = Sawtooth::new(k)?;
        let exact = t
            .pwl()
            .ok_or_else(|| anyhow::anyhow!("k = {k} is beyond the exact analysis limit"))?;
        let deep = construct::telgarsky_deep(k)?;
        let g = pieces::pwl_of(&deep)?;
        let e = g.errors(&exact);
        let shallow = construct::exact_shallow(k)?;
        let es = shallow_pwl(&shallow)?.errors(&exact);
        writeln!(
            s,
            "{:>3} {:>8} | {:>6} {:>7} {:>10.2e} {:>10.2e} {:>9} | {:>7} {:>7} {:>10.2e}",
            k,
            exact.pieces(),
            deep.hidden().len(),
            deep.n_params(),
            e.sup,
            e.mse,
            g.pieces(),
            shallow.hidden()[0],
            shallow.n_params(),
            es.sup
        )?;
    }
    Ok(s)
}
