//! Read a deep ReLU MLP saved from PyTorch: the `state_dict` of an `nn.Sequential` of `nn.Linear`
//! and `nn.ReLU` layers, written with `safetensors.torch.save_file`.
//!
//! Such a file holds one tensor pair per linear layer, `P<i>.weight` (`n_out × n_in`, row-major,
//! exactly [`Mlp`]'s layout) and `P<i>.bias` (`n_out`), where `P` is a common prefix (empty for a
//! bare `nn.Sequential`, `net.` for a module holding it as `self.net`) and `i` the layer's index in
//! the `Sequential`. A ReLU has no parameters, so a plain ReLU MLP, `Linear, ReLU, Linear, …,
//! Linear`, has its linear layers at indices 0, 2, 4, …: that spacing is how the file shows the
//! ReLUs, and any other spacing (two linear layers back to back, a dropout or a normalisation in
//! between) is refused, since the net would not be a plain ReLU MLP.
//!
//! Checks, each failing with one error that names the tensor: f32 or f64 only; every weight has
//! its bias and every bias its weight; shapes chain (`n_in` of a layer is `n_out` of the one
//! before); one output; every weight finite; no key outside the layout. f32 weights are widened to
//! f64 exactly, so the net computes what PyTorch's computes, up to the rounding of f32 arithmetic.

use super::Mlp;
use safetensors::{Dtype, SafeTensors};
use std::collections::BTreeMap;
use std::path::Path;

/// Why a file is not a plain ReLU MLP, naming the tensor (or the file) at fault.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum NetFileError {
    /// Not a safetensors file, or a truncated or corrupt one.
    #[error("not a readable safetensors file: {0}")]
    Format(String),
    /// A tensor name outside the `P<i>.weight` / `P<i>.bias` layout.
    #[error(
        "tensor `{0}`: unknown key layout (expected `<i>.weight` and `<i>.bias` of an nn.Sequential of nn.Linear and nn.ReLU, optionally under one common prefix such as `net.`)"
    )]
    UnknownKey(String),
    /// Tensors under two different prefixes.
    #[error("tensor `{0}`: its prefix differs from `{1}`'s (one nn.Sequential per file)")]
    MixedPrefix(String, String),
    /// A dtype other than f32 and f64.
    #[error("tensor `{0}`: dtype {1}, expected F32 or F64")]
    Dtype(String, String),
    /// A weight without its bias (e.g. `nn.Linear(…, bias=False)`).
    #[error("tensor `{0}` has no bias `{1}` (depthsep reads nn.Linear layers with bias=True)")]
    MissingBias(String, String),
    /// A bias without its weight.
    #[error("tensor `{0}` has no weight `{1}`")]
    MissingWeight(String, String),
    /// A tensor of the wrong rank or size.
    #[error("tensor `{0}`: shape {1:?}, expected {2}")]
    Shape(String, Vec<usize>, String),
    /// Linear layers not separated by exactly one ReLU.
    #[error(
        "tensor `{0}`: layer index {1} follows {2}; a plain ReLU MLP has its nn.Linear layers at indices 0, 2, 4, … (one nn.ReLU between each pair)"
    )]
    Spacing(String, usize, usize),
    /// More than one output.
    #[error("tensor `{0}`: the last layer has {1} outputs; depthsep compares nets with one output")]
    Outputs(String, usize),
    /// A NaN or infinite weight.
    #[error("tensor `{0}`: entry {1} is {2} (weights must be finite)")]
    NotFinite(String, usize, f64),
    /// No tensors at all.
    #[error("the file holds no tensors")]
    Empty,
}

/// Read the net from a file; errors name the file and the tensor.
pub fn load(path: &Path) -> anyhow::Result<Mlp> {
    use anyhow::Context;
    let bytes = std::fs::read(path).with_context(|| format!("cannot read the net {}", path.display()))?;
    from_bytes(&bytes).with_context(|| format!("{} is not a plain ReLU MLP", path.display()))
}

/// One linear layer's tensors as found.
#[derive(Default)]
struct Found {
    weight: Option<(String, Vec<usize>, Vec<f64>)>,
    bias: Option<(String, Vec<usize>, Vec<f64>)>,
}

/// Read the net from the bytes of a safetensors file.
pub fn from_bytes(bytes: &[u8]) -> Result<Mlp, NetFileError> {
    let st = SafeTensors::deserialize(bytes).map_err(|e| NetFileError::Format(e.to_string()))?;
    let mut names: Vec<String> = st.names().into_iter().map(str::to_string).collect();
    names.sort();
    let mut layers: BTreeMap<usize, Found> = BTreeMap::new();
    let mut prefix: Option<(String, String)> = None;
    for name in &names {
        let (stem, kind) = name.rsplit_once('.').ok_or_else(|| NetFileError::UnknownKey(name.clone()))?;
        let (pre, index) = match stem.rsplit_once('.') {
            Some((p, i)) => (format!("{p}."), i),
            None => (String::new(), stem),
        };
        let index: usize = index.parse().map_err(|_| NetFileError::UnknownKey(name.clone()))?;
        if !matches!(kind, "weight" | "bias") || index > 1 << 20 {
            return Err(NetFileError::UnknownKey(name.clone()));
        }
        match &prefix {
            Some((p, first)) if *p != pre => return Err(NetFileError::MixedPrefix(name.clone(), first.clone())),
            Some(_) => {}
            None => prefix = Some((pre, name.clone())),
        }
        let view = st.tensor(name).map_err(|e| NetFileError::Format(e.to_string()))?;
        let values = decode(name, view.dtype(), view.data())?;
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(NetFileError::NotFinite(name.clone(), i, values[i]));
        }
        let entry = (name.clone(), view.shape().to_vec(), values);
        let slot = layers.entry(index).or_default();
        if kind == "weight" {
            slot.weight = Some(entry);
        } else {
            slot.bias = Some(entry);
        }
    }
    let prefix = prefix.ok_or(NetFileError::Empty)?.0;
    let mut dims: Vec<usize> = Vec::new();
    let mut params = Vec::new();
    let mut last_index: Option<usize> = None;
    for (&index, found) in &layers {
        let (wname, wshape, w) = match &found.weight {
            Some(w) => w,
            None => {
                let b = found.bias.as_ref().expect("a slot has a weight or a bias");
                return Err(NetFileError::MissingWeight(b.0.clone(), format!("{prefix}{index}.weight")));
            }
        };
        let Some((bname, bshape, b)) = &found.bias else {
            return Err(NetFileError::MissingBias(wname.clone(), format!("{prefix}{index}.bias")));
        };
        let expected_index = last_index.map_or(0, |l| l + 2);
        if index != expected_index {
            return Err(NetFileError::Spacing(wname.clone(), index, last_index.unwrap_or(0)));
        }
        last_index = Some(index);
        let [n_out, n_in] = wshape[..] else {
            return Err(NetFileError::Shape(wname.clone(), wshape.clone(), "a matrix [n_out, n_in]".into()));
        };
        if n_out == 0 || n_in == 0 {
            return Err(NetFileError::Shape(wname.clone(), wshape.clone(), "non-zero sizes".into()));
        }
        if let Some(&prev) = dims.last()
            && n_in != prev
        {
            return Err(NetFileError::Shape(
                wname.clone(),
                wshape.clone(),
                format!("[n_out, {prev}]: the layer before has {prev} outputs"),
            ));
        }
        if bshape[..] != [n_out] {
            return Err(NetFileError::Shape(bname.clone(), bshape.clone(), format!("[{n_out}], one bias per output")));
        }
        if dims.is_empty() {
            dims.push(n_in);
        }
        dims.push(n_out);
        params.extend_from_slice(w);
        params.extend_from_slice(b);
    }
    let outputs = *dims.last().expect("at least one layer");
    if outputs != 1 {
        let (_, last) = layers.iter().next_back().expect("at least one layer");
        let name = last.weight.as_ref().expect("checked").0.clone();
        return Err(NetFileError::Outputs(name, outputs));
    }
    Mlp::from_params(&dims, &params).map_err(|e| NetFileError::Format(e.to_string()))
}

/// The tensor's entries as f64 (little-endian, as safetensors stores them).
fn decode(name: &str, dtype: Dtype, data: &[u8]) -> Result<Vec<f64>, NetFileError> {
    match dtype {
        Dtype::F32 => Ok(data.chunks_exact(4).map(|c| f64::from(f32::from_le_bytes(c.try_into().unwrap()))).collect()),
        Dtype::F64 => Ok(data.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect()),
        other => Err(NetFileError::Dtype(name.to_string(), format!("{other:?}"))),
    }
}

/// The bytes of a safetensors file holding `net` as PyTorch would save `nn.Sequential(Linear,
/// ReLU, …, Linear).state_dict()` in f64 (for tests and for writing example nets).
pub fn to_bytes(net: &Mlp, prefix: &str) -> anyhow::Result<Vec<u8>> {
    use safetensors::tensor::TensorView;
    let mut bufs: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    for l in 0..net.n_layers() {
        let (w, b) = net.layer(l);
        let (n_in, n_out) = (net.dims()[l], net.dims()[l + 1]);
        let bytes = |v: &[f64]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
        bufs.push((format!("{prefix}{}.weight", 2 * l), vec![n_out, n_in], bytes(w)));
        bufs.push((format!("{prefix}{}.bias", 2 * l), vec![n_out], bytes(b)));
    }
    let views = bufs
        .iter()
        .map(|(n, s, d)| Ok((n.clone(), TensorView::new(Dtype::F64, s.clone(), d)?)))
        .collect::<Result<Vec<_>, safetensors::SafeTensorError>>()?;
    Ok(safetensors::serialize(views, None)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Mlp {
        let params: Vec<f64> = (0..Mlp::count_params(2, &[3, 2])).map(|i| i as f64 * 0.25 - 1.0).collect();
        Mlp::from_params(&[2, 3, 2, 1], &params).unwrap()
    }

    #[test]
    fn a_written_net_reads_back_bit_for_bit_with_or_without_a_prefix() {
        for prefix in ["", "net.", "model.body."] {
            let bytes = to_bytes(&small(), prefix).unwrap();
            assert_eq!(from_bytes(&bytes).unwrap(), small(), "prefix {prefix:?}");
        }
    }

    #[test]
    fn garbage_and_truncated_files_are_errors_not_panics() {
        let bytes = to_bytes(&small(), "").unwrap();
        for cut in [0, 1, 7, 8, 20, bytes.len() / 2, bytes.len() - 1] {
            assert!(matches!(from_bytes(&bytes[..cut]), Err(NetFileError::Format(_))), "cut at {cut}");
        }
        let mut huge = (u64::MAX / 2).to_le_bytes().to_vec();
        huge.extend_from_slice(b"{}");
        assert!(from_bytes(&huge).is_err());
    }
}
