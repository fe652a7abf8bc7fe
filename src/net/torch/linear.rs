//! Named tensors → a plain ReLU MLP: which tensors are `nn.Linear` layers, and in which order.
//!
//! A `state_dict` names each parameter `<layer>.weight` / `<layer>.bias` after the attribute that
//! holds the layer (`fc1`, `net.0`, `encoder.layers.3.lin`), and holds no activations: depthsep
//! reads every `nn.Linear` as followed by one ReLU, but for the last. A **layer** is a name with a
//! weight of rank 2 (`n_out × n_in`) and a bias of rank 1 (`n_out`); a name with any other tensor
//! (`running_mean`, a rank-1 or rank-4 weight) is not an `nn.Linear`, and all such tensors are
//! named in one error: depthsep measures plain ReLU MLPs.
//!
//! **The order**, when not given (`--layers a,b,c`, or `layers = [...]` in a suite):
//! 1. *an `nn.Sequential` or `nn.ModuleList`*: every layer named `P<i>` under one prefix `P`: the
//!    indices give the order, and must be 0, 2, 4, … (a Sequential with one `nn.ReLU` between each
//!    pair, as PyTorch numbers its children) or 0, 1, 2, … (a ModuleList of linear layers, the ReLUs
//!    applied in `forward`); any other spacing is refused, since the net would not be a plain ReLU
//!    MLP (a Sequential of two linear layers back to back reads as a ModuleList: its state_dict
//!    cannot tell them apart).
//! 2. *otherwise*, the orders in which the shapes chain (each layer's `n_in` is the `n_out` of the one
//!    before, and the last has one output) and which respect the **numbered names**: two names that
//!    differ only in their numbers (`fc1`, `fc2`; `block.2.lin`, `block.10.lin`) come in the order of
//!    those numbers, compared as numbers. Exactly one such order is taken; none or several is one
//!    error that lists the layers found with their shapes and shows the `--layers` form.
//!
//! The orders are counted by a depth-first search that stops at the second order found, and after
//! [`SEARCH_LIMIT`] steps (too many orders to tell apart is also ambiguous).

use super::NetFileError;
use crate::net::Mlp;
use std::collections::BTreeMap;

/// One tensor as a file holds it: its full name, its shape and its entries (`Err` when its dtype is
/// not one depthsep reads; only an `nn.Linear`'s tensors are ever decoded).
pub(super) struct Named {
    pub name: String,
    pub shape: Vec<usize>,
    pub values: Result<Vec<f64>, NetFileError>,
}

/// One `nn.Linear`: its name (without `.weight`) and its tensors.
pub(super) struct Layer {
    pub name: String,
    pub weight: Named,
    pub bias: Named,
}

impl Layer {
    fn n_in(&self) -> usize {
        self.weight.shape[1]
    }
    fn n_out(&self) -> usize {
        self.weight.shape[0]
    }
    fn describe(&self) -> String {
        format!("{} [{} → {}]", self.name, self.n_in(), self.n_out())
    }
}

/// Steps of the order search before it gives up (and calls the order ambiguous).
pub const SEARCH_LIMIT: usize = 200_000;

/// The layers of a `state_dict`, or one error naming every tensor that is not an `nn.Linear`'s.
pub(super) fn layers_of(tensors: Vec<Named>) -> Result<Vec<Layer>, NetFileError> {
    if tensors.is_empty() {
        return Err(NetFileError::Empty);
    }
    let mut by_stem: BTreeMap<String, Vec<(String, Named)>> = BTreeMap::new();
    for t in tensors {
        let (stem, kind) =
            t.name.rsplit_once('.').map_or((t.name.clone(), String::new()), |(s, k)| (s.into(), k.into()));
        by_stem.entry(stem).or_default().push((kind, t));
    }
    let mut not_linear = Vec::new();
    let mut layers = Vec::new();
    let mut missing = None;
    for (stem, parts) in by_stem {
        let linear_ranks = parts.iter().all(|(k, t)| match k.as_str() {
            "weight" => t.shape.len() == 2,
            "bias" => t.shape.len() == 1,
            _ => false,
        });
        if !linear_ranks {
            not_linear.extend(parts.into_iter().map(|(_, t)| t.name));
            continue;
        }
        let (mut weight, mut bias) = (None, None);
        for (k, t) in parts {
            if k == "weight" { weight = Some(t) } else { bias = Some(t) }
        }
        match (weight, bias) {
            (Some(weight), Some(bias)) => layers.push(Layer { name: stem, weight, bias }),
            (Some(w), None) => missing = missing.or(Some(NetFileError::MissingBias(w.name, format!("{stem}.bias")))),
            (None, Some(b)) => {
                missing = missing.or(Some(NetFileError::MissingWeight(b.name, format!("{stem}.weight"))))
            }
            (None, None) => unreachable!("a stem has at least one tensor"),
        }
    }
    if !not_linear.is_empty() {
        not_linear.sort();
        return Err(NetFileError::NotLinear(not_linear));
    }
    if let Some(e) = missing {
        return Err(e);
    }
    Ok(layers)
}

/// The layers in the order `given` names, or inferred (module docs).
pub(super) fn order(mut layers: Vec<Layer>, given: Option<&[String]>) -> Result<Vec<Layer>, NetFileError> {
    let found = || layers_found(&layers);
    if let Some(given) = given {
        for (i, g) in given.iter().enumerate() {
            if given[..i].contains(g) {
                return Err(NetFileError::LayersGiven(format!("`{g}` is named twice"), found()));
            }
            if !layers.iter().any(|l| &l.name == g) {
                return Err(NetFileError::LayersGiven(format!("`{g}` is not a layer of the file"), found()));
            }
        }
        if let Some(l) = layers.iter().find(|l| !given.contains(&l.name)) {
            return Err(NetFileError::LayersGiven(format!("the file's layer `{}` is not named", l.name), found()));
        }
        let mut out = Vec::new();
        for g in given {
            let at = layers.iter().position(|l| &l.name == g).expect("checked above");
            out.push(layers.swap_remove(at));
        }
        return Ok(out);
    }
    if let Some(indices) = sequential(&layers) {
        let mut paired: Vec<(usize, Layer)> = indices.into_iter().zip(layers).collect();
        paired.sort_by_key(|(i, _)| *i);
        // An nn.Sequential has its ReLUs between the linear layers (0, 2, 4, …); an nn.ModuleList of
        // linear layers applies them in forward() (0, 1, 2, …).
        let step = if paired.get(1).is_some_and(|(i, _)| *i == 1) { 1 } else { 2 };
        for (k, (i, l)) in paired.iter().enumerate() {
            if *i != step * k {
                let before = if k == 0 { 0 } else { paired[k - 1].0 };
                return Err(NetFileError::Spacing(l.weight.name.clone(), *i, before));
            }
        }
        return Ok(paired.into_iter().map(|(_, l)| l).collect());
    }
    let mut chains = Chains::new(&layers, true);
    chains.search();
    if chains.gave_up() {
        let why = format!("too many orders fit their shapes to tell apart (searched {SEARCH_LIMIT} steps)");
        let names: Vec<String> = layers.iter().map(|l| l.name.clone()).collect();
        return Err(NetFileError::Ambiguous(why, found(), super::layers_form(&names, false)));
    }
    if chains.found.is_empty() {
        // No order ends in one output: if one chains at all, its last layer's outputs are the error.
        let mut any = Chains::new(&layers, false);
        any.search();
        if let Some(first) = any.found.first().filter(|_| !any.gave_up()) {
            let last = &layers[*first.last().expect("a chain has a layer")];
            return Err(NetFileError::Outputs(last.weight.name.clone(), last.n_out()));
        }
    }
    if chains.found.len() != 1 {
        let why = if chains.found.is_empty() {
            "their shapes chain in no order that ends in one output".to_string()
        } else {
            "more than one order fits their shapes and numbered names".to_string()
        };
        // Suggest an order that fits, when there is one: the user checks it against forward().
        let hint = match chains.found.first() {
            Some(order) => super::layers_form(&order.iter().map(|&i| layers[i].name.clone()).collect::<Vec<_>>(), true),
            None => String::new(),
        };
        return Err(NetFileError::Ambiguous(why, found(), hint));
    }
    let chosen = chains.found.remove(0);
    let mut slots: Vec<Option<Layer>> = layers.into_iter().map(Some).collect();
    Ok(chosen.into_iter().map(|i| slots[i].take().expect("a chain uses each layer once")).collect())
}

/// The layers with their shapes, for errors: `fc1 [1 → 24], out [24 → 1]`.
fn layers_found(layers: &[Layer]) -> String {
    layers.iter().map(Layer::describe).collect::<Vec<_>>().join(", ")
}

/// The `nn.Sequential` indices, when every layer is `P<i>` under one prefix `P`.
fn sequential(layers: &[Layer]) -> Option<Vec<usize>> {
    let split = |n: &str| match n.rsplit_once('.') {
        Some((p, i)) => (format!("{p}."), i.to_string()),
        None => (String::new(), n.to_string()),
    };
    let prefix = split(&layers.first()?.name).0;
    layers
        .iter()
        .map(|l| {
            let (p, i) = split(&l.name);
            if p != prefix || i.is_empty() || !i.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            i.parse::<usize>().ok().filter(|&i| i <= 1 << 20)
        })
        .collect()
}

/// A name split into its text (digits replaced by `#`) and its numbers.
fn skeleton(name: &str) -> (String, Vec<u128>) {
    let (mut text, mut numbers, mut run) = (String::new(), Vec::new(), String::new());
    for c in name.chars().chain(std::iter::once('\0')) {
        if c.is_ascii_digit() {
            run.push(c);
            continue;
        }
        if !run.is_empty() {
            text.push('#');
            numbers.push(run.parse().unwrap_or(u128::MAX));
            run.clear();
        }
        if c != '\0' {
            text.push(c);
        }
    }
    (text, numbers)
}

/// The depth-first search for orders (module docs).
struct Chains {
    n_in: Vec<usize>,
    n_out: Vec<usize>,
    /// `before[j]`: the layers whose numbered names put them before `j`.
    before: Vec<Vec<usize>>,
    one_output: bool,
    found: Vec<Vec<usize>>,
    steps: usize,
}

impl Chains {
    fn new(layers: &[Layer], one_output: bool) -> Self {
        let keys: Vec<_> = layers.iter().map(|l| skeleton(&l.name)).collect();
        let before = (0..layers.len())
            .map(|j| {
                (0..layers.len())
                    .filter(|&i| i != j && !keys[i].1.is_empty() && keys[i].0 == keys[j].0 && keys[i].1 < keys[j].1)
                    .collect()
            })
            .collect();
        Chains {
            n_in: layers.iter().map(Layer::n_in).collect(),
            n_out: layers.iter().map(Layer::n_out).collect(),
            before,
            one_output,
            found: Vec::new(),
            steps: 0,
        }
    }

    fn search(&mut self) {
        let mut used = vec![false; self.n_in.len()];
        let mut path = Vec::new();
        self.extend(&mut used, &mut path);
    }

    /// Stopped at [`SEARCH_LIMIT`] before finding two orders: what it found proves nothing.
    fn gave_up(&self) -> bool {
        self.steps > SEARCH_LIMIT && self.found.len() < 2
    }

    fn extend(&mut self, used: &mut Vec<bool>, path: &mut Vec<usize>) {
        if self.found.len() >= 2 || self.steps > SEARCH_LIMIT {
            return;
        }
        self.steps += 1;
        if path.len() == used.len() {
            if !self.one_output || self.n_out[*path.last().expect("non-empty")] == 1 {
                self.found.push(path.clone());
            }
            return;
        }
        for j in 0..used.len() {
            let fits = path.last().is_none_or(|&p| self.n_out[p] == self.n_in[j]);
            if used[j] || !fits || self.before[j].iter().any(|&i| !used[i]) {
                continue;
            }
            used[j] = true;
            path.push(j);
            self.extend(used, path);
            path.pop();
            used[j] = false;
        }
    }
}

/// The net the ordered layers make, checking shapes, finiteness and one output.
pub(super) fn build(layers: Vec<Layer>) -> Result<Mlp, NetFileError> {
    let mut dims: Vec<usize> = Vec::new();
    let mut params = Vec::new();
    let n = layers.len();
    for (k, l) in layers.into_iter().enumerate() {
        let (n_out, n_in) = (l.n_out(), l.n_in());
        if n_out == 0 || n_in == 0 {
            return Err(NetFileError::Shape(l.weight.name, l.weight.shape, "non-zero sizes".into()));
        }
        if let Some(&prev) = dims.last()
            && n_in != prev
        {
            let want = format!("[n_out, {prev}]: the layer before has {prev} outputs");
            return Err(NetFileError::Shape(l.weight.name, l.weight.shape, want));
        }
        if l.bias.shape[..] != [n_out] {
            return Err(NetFileError::Shape(l.bias.name, l.bias.shape, format!("[{n_out}], one bias per output")));
        }
        if k + 1 == n && n_out != 1 {
            return Err(NetFileError::Outputs(l.weight.name, n_out));
        }
        for t in [l.weight, l.bias] {
            let values = t.values?;
            if let Some(i) = values.iter().position(|v| !v.is_finite()) {
                return Err(NetFileError::NotFinite(t.name, i, values[i]));
            }
            params.extend_from_slice(&values);
        }
        if dims.is_empty() {
            dims.push(n_in);
        }
        dims.push(n_out);
    }
    Mlp::from_params(&dims, &params).map_err(|e| NetFileError::Format("net", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(name: &str, n_in: usize, n_out: usize) -> Vec<Named> {
        let t = |suffix: &str, shape: Vec<usize>| {
            let len = shape.iter().product();
            Named { name: format!("{name}.{suffix}"), shape, values: Ok(vec![0.5; len]) }
        };
        vec![t("weight", vec![n_out, n_in]), t("bias", vec![n_out])]
    }

    fn ordered(parts: &[(&str, usize, usize)], given: Option<&[String]>) -> Result<Vec<String>, NetFileError> {
        let tensors = parts.iter().flat_map(|&(n, i, o)| layer(n, i, o)).collect();
        Ok(order(layers_of(tensors)?, given)?.into_iter().map(|l| l.name).collect())
    }

    #[test]
    fn numbered_names_and_shapes_give_the_tutorial_order() {
        let tutorial = [("out", 16, 1), ("fc3", 16, 16), ("fc1", 1, 16), ("fc2", 16, 16)];
        assert_eq!(ordered(&tutorial, None).unwrap(), ["fc1", "fc2", "fc3", "out"]);
        // Numbers compare as numbers, not as text: 10 after 9.
        let blocks: Vec<(String, usize, usize)> =
            (0..12).map(|i| (format!("block.{i}.lin"), if i == 0 { 2 } else { 8 }, 8)).collect();
        let mut parts: Vec<(&str, usize, usize)> = blocks.iter().map(|(n, i, o)| (n.as_str(), *i, *o)).collect();
        parts.push(("head", 8, 1));
        let want: Vec<String> = (0..12).map(|i| format!("block.{i}.lin")).chain(["head".into()]).collect();
        assert_eq!(ordered(&parts, None).unwrap(), want);
    }

    #[test]
    fn shapes_alone_order_layers_that_chain_one_way() {
        assert_eq!(ordered(&[("last", 5, 1), ("first", 3, 4), ("mid", 4, 5)], None).unwrap(), ["first", "mid", "last"]);
    }

    #[test]
    fn equal_shapes_without_numbers_are_ambiguous_and_the_error_shows_the_layers_form() {
        let e = ordered(&[("a", 1, 8), ("hidden", 8, 8), ("other", 8, 8), ("z", 8, 1)], None).unwrap_err();
        let text = e.to_string();
        assert!(matches!(e, NetFileError::Ambiguous(..)), "{text}");
        assert!(text.contains("hidden [8 → 8]") && text.contains("--layers a,hidden,other,z"), "{text}");
        assert!(text.contains("(one order that fits; check it against the net's forward();"), "{text}");
    }

    #[test]
    fn given_layers_are_taken_as_given_and_checked_against_the_file() {
        let parts = [("a", 1, 8), ("hidden", 8, 8), ("other", 8, 8), ("z", 8, 1)];
        let given: Vec<String> = ["a", "other", "hidden", "z"].map(String::from).to_vec();
        assert_eq!(ordered(&parts, Some(&given)).unwrap(), given);
        for bad in [vec!["a", "other", "hidden"], vec!["a", "other", "hiden", "z"], vec!["a", "a", "hidden", "z"]] {
            let bad: Vec<String> = bad.into_iter().map(String::from).collect();
            let e = ordered(&parts, Some(&bad)).unwrap_err();
            assert!(matches!(e, NetFileError::LayersGiven(..)), "{bad:?}: {e}");
            assert!(e.to_string().contains("found: a [1 → 8]"), "{e}");
        }
    }

    #[test]
    fn a_sequential_or_module_list_keeps_its_indices_and_its_spacing_check() {
        assert_eq!(
            ordered(&[("net.4", 3, 1), ("net.0", 1, 3), ("net.2", 3, 3)], None).unwrap(),
            ["net.0", "net.2", "net.4"]
        );
        // A ModuleList of linear layers: consecutive indices.
        assert_eq!(
            ordered(&[("layers.2", 3, 1), ("layers.0", 1, 3), ("layers.1", 3, 3)], None).unwrap(),
            ["layers.0", "layers.1", "layers.2"]
        );
        // A dropout or a second activation between two layers: 0, 3; a mixed spacing: 0, 1, 3.
        let e = ordered(&[("0", 1, 3), ("3", 3, 1)], None).unwrap_err();
        assert!(matches!(e, NetFileError::Spacing(_, 3, 0)), "{e}");
        let e = ordered(&[("0", 1, 3), ("1", 3, 3), ("3", 3, 1)], None).unwrap_err();
        assert!(matches!(e, NetFileError::Spacing(_, 3, 1)), "{e}");
    }

    #[test]
    fn non_linear_tensors_are_named_together() {
        let mut tensors = layer("fc1", 1, 4);
        tensors.extend(layer("fc2", 4, 1));
        for (n, s) in [("bn.weight", vec![4]), ("bn.bias", vec![4]), ("bn.running_mean", vec![4])] {
            tensors.push(Named { name: n.into(), shape: s, values: Ok(vec![0.0; 4]) });
        }
        let e = layers_of(tensors).err().unwrap();
        assert_eq!(e, NetFileError::NotLinear(vec!["bn.bias".into(), "bn.running_mean".into(), "bn.weight".into()]));
        assert!(e.to_string().contains("plain ReLU MLP"), "{e}");
    }

    #[test]
    fn two_outputs_name_the_last_layer_and_no_chain_lists_the_shapes() {
        assert!(
            matches!(ordered(&[("fc1", 1, 4), ("fc2", 4, 2)], None), Err(NetFileError::Outputs(n, 2)) if n == "fc2.weight")
        );
        let e = ordered(&[("fc1", 1, 4), ("fc2", 5, 1)], None).unwrap_err();
        assert!(e.to_string().contains("chain in no order") && e.to_string().contains("fc2 [5 → 1]"), "{e}");
    }

    #[test]
    fn the_search_gives_up_as_ambiguous_on_many_equal_unnumbered_layers() {
        let names: Vec<String> = (0..14).map(|i| format!("layer_{}", (b'a' + i) as char)).collect();
        let mut parts: Vec<(&str, usize, usize)> = names.iter().map(|n| (n.as_str(), 4, 4)).collect();
        parts.push(("first", 1, 4));
        parts.push(("last", 5, 1));
        let e = ordered(&parts, None).unwrap_err();
        assert!(matches!(e, NetFileError::Ambiguous(..)) && e.to_string().contains("too many orders"), "{e}");
    }
}
