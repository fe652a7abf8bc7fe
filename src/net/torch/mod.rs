//! Read a deep ReLU MLP saved from PyTorch, as people save them: the `state_dict` of any module
//! of `nn.Linear` layers (an `nn.Sequential`, or a custom module with `self.fc1 … self.out`),
//! written with `safetensors.torch.save_file` or `torch.save` (`.pt`, `.pth`), or the same net
//! exported to ONNX.
//!
//! **Formats**, told apart by their first bytes: a ZIP archive (`PK\x03\x04`, what `torch.save`
//! writes since PyTorch 1.6) or a pickle (`\x80`, older `torch.save`) is read with the
//! [`pytorch_reader`] crate, which parses the pickle without running it and without a deep-learning
//! framework ([`pt`]); a file named `*.onnx` is an ONNX model ([`onnx`]); anything else is read as
//! safetensors. A `state_dict` names its tensors but holds no activations and no order:
//! [`linear`] finds the `nn.Linear` layers and their order (given with `--layers`, or inferred from
//! an `nn.Sequential`'s indices, the shapes and numbered names), and reads one ReLU after every
//! layer but the last. An ONNX graph holds both, and is checked node by node.
//!
//! Checks, each failing with one error that names the tensor, node or file: f32 or f64 only; every
//! tensor an `nn.Linear`'s weight (rank 2) or bias (rank 1), all others named in one error; every
//! weight has its bias and every bias its weight; shapes chain (`n_in` of a layer is `n_out` of the
//! one before); one output; every weight finite. f32 weights are widened to f64 exactly, so the net
//! computes what PyTorch's computes, up to the rounding of f32 arithmetic.

pub mod linear;
pub mod onnx;
pub mod pt;

use super::Mlp;
use linear::Named;
use safetensors::{Dtype, SafeTensors};
use std::path::Path;

/// What `--layers` looks like, for errors.
///
/// With `fits`, an order the shapes allow (the user checks it against `forward()`); without, the
/// names as a template.
pub(crate) fn layers_form(names: &[String], fits: bool) -> String {
    format!(
        "; give it{}: --layers {} ({}in a suite: layers = [{}])",
        if fits { "" } else { " in the order forward() applies them" },
        names.join(","),
        if fits { "one order that fits; check it against the net's forward(); " } else { "" },
        names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
    )
}

/// Why a file is not a plain ReLU MLP, naming the tensor, node (or the file) at fault.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum NetFileError {
    /// Not a readable file of its format, or a truncated or corrupt one.
    #[error("not a readable {0} file: {1}")]
    Format(&'static str, String),
    /// Tensors that are not an `nn.Linear`'s weight or bias.
    #[error(
        "{} not an nn.Linear's weight or bias: depthsep measures plain ReLU MLPs (nn.Linear layers with bias, one ReLU between each pair; no normalisation, embedding or convolution)",
        .0.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ") + if .0.len() == 1 { " is" } else { " are" }
    )]
    NotLinear(Vec<String>),
    /// A layer order that cannot be read from the file.
    #[error("the order of the layers cannot be read from the file: {0} (found: {1}){2}")]
    Ambiguous(String, String, String),
    /// A `--layers` list that does not fit the file.
    #[error("--layers: {0} (found: {1})")]
    LayersGiven(String, String),
    /// A dtype other than f32 and f64.
    #[error("tensor `{0}`: dtype {1}, expected F32 or F64")]
    Dtype(String, String),
    /// A weight without its bias (e.g. `nn.Linear(…, bias=False)`).
    #[error(
        "tensor `{0}` has no bias `{1}` (depthsep reads nn.Linear layers with bias=True; an nn.Embedding is not a layer of a ReLU MLP)"
    )]
    MissingBias(String, String),
    /// A bias without its weight.
    #[error("tensor `{0}` has no weight `{1}`")]
    MissingWeight(String, String),
    /// A tensor of the wrong rank or size.
    #[error("tensor `{0}`: shape {1:?}, expected {2}")]
    Shape(String, Vec<usize>, String),
    /// Linear layers of an `nn.Sequential` not separated by exactly one ReLU.
    #[error(
        "tensor `{0}`: layer index {1} follows {2}; a plain ReLU MLP has its nn.Linear layers at indices 0, 2, 4, … (an nn.Sequential, one nn.ReLU between each pair) or 0, 1, 2, … (an nn.ModuleList, ReLU in forward)"
    )]
    Spacing(String, usize, usize),
    /// More than one output.
    #[error("tensor `{0}`: the last layer has {1} outputs; depthsep compares nets with one output")]
    Outputs(String, usize),
    /// A NaN or infinite weight.
    #[error("tensor `{0}`: entry {1} is {2} (weights must be finite)")]
    NotFinite(String, usize, f64),
    /// An ONNX node that is not part of a ReLU MLP.
    #[error("node {0}: {1} (depthsep reads a chain of Gemm, or MatMul then Add, with one Relu between layers)")]
    Node(String, String),
    /// `--layers` on a file whose order is fixed.
    #[error("--layers applies to state_dict files; an ONNX graph gives the order itself")]
    LayersFixed,
    /// No tensors at all.
    #[error("the file holds no tensors")]
    Empty,
}

/// The format of a net file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `safetensors.torch.save_file`.
    Safetensors,
    /// `torch.save` (ZIP archive or legacy pickle).
    TorchSave,
    /// An ONNX model.
    Onnx,
}

impl Format {
    /// The format of the file at `path` with these first bytes (module docs).
    pub fn detect(path: &Path, bytes: &[u8]) -> Format {
        let onnx = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("onnx"));
        if onnx {
            Format::Onnx
        } else if bytes.starts_with(b"PK\x03\x04") || bytes.first() == Some(&0x80) {
            Format::TorchSave
        } else {
            Format::Safetensors
        }
    }
}

/// Read the net from a file (`layers`: the `--layers` order); errors name the file and the tensor.
pub fn load(path: &Path, layers: Option<&[String]>) -> anyhow::Result<Mlp> {
    use anyhow::Context;
    let bytes = std::fs::read(path).with_context(|| format!("cannot read the net {}", path.display()))?;
    read(path, &bytes, layers).with_context(|| format!("{} is not a plain ReLU MLP", path.display()))
}

/// Read the net from the bytes of the file at `path` (a `torch.save` file is read again from `path`).
pub fn read(path: &Path, bytes: &[u8], layers: Option<&[String]>) -> Result<Mlp, NetFileError> {
    match Format::detect(path, bytes) {
        Format::Safetensors => from_bytes(bytes, layers),
        Format::TorchSave => pt::load(path, layers),
        Format::Onnx => {
            if layers.is_some() {
                return Err(NetFileError::LayersFixed);
            }
            onnx::from_bytes(bytes)
        }
    }
}

/// Read the net from the bytes of a safetensors file.
pub fn from_bytes(bytes: &[u8], layers: Option<&[String]>) -> Result<Mlp, NetFileError> {
    let st = SafeTensors::deserialize(bytes).map_err(|e| NetFileError::Format("safetensors", e.to_string()))?;
    let tensors = st
        .tensors()
        .into_iter()
        .map(|(name, view)| {
            let values = decode(&name, view.dtype(), view.data());
            Named { shape: view.shape().to_vec(), name, values }
        })
        .collect();
    from_named(tensors, layers)
}

/// The net of a `state_dict`'s named tensors, in the `layers` order or the inferred one.
fn from_named(tensors: Vec<Named>, layers: Option<&[String]>) -> Result<Mlp, NetFileError> {
    linear::build(linear::order(linear::layers_of(tensors)?, layers)?)
}

/// f32 or f64 entries (`wide`) in the given byte order, widened to f64 exactly.
fn widen(data: &[u8], wide: bool, little: bool) -> Vec<f64> {
    if wide {
        let f = if little { f64::from_le_bytes } else { f64::from_ne_bytes };
        data.chunks_exact(8).map(|c| f(c.try_into().expect("8 bytes"))).collect()
    } else {
        let f = if little { f32::from_le_bytes } else { f32::from_ne_bytes };
        data.chunks_exact(4).map(|c| f64::from(f(c.try_into().expect("4 bytes")))).collect()
    }
}

/// The tensor's entries as f64 (little-endian, as safetensors stores them).
fn decode(name: &str, dtype: Dtype, data: &[u8]) -> Result<Vec<f64>, NetFileError> {
    match dtype {
        Dtype::F32 | Dtype::F64 => Ok(widen(data, dtype == Dtype::F64, true)),
        other => Err(NetFileError::Dtype(name.to_string(), format!("{other:?}"))),
    }
}

/// The bytes of a safetensors file holding `net` as PyTorch would save `nn.Sequential(Linear,
/// ReLU, …, Linear).state_dict()` in f64 (for tests and for writing example nets).
pub fn to_bytes(net: &Mlp, prefix: &str) -> anyhow::Result<Vec<u8>> {
    let names: Vec<String> = (0..net.n_layers()).map(|l| format!("{prefix}{}", 2 * l)).collect();
    to_bytes_named(net, &names)
}

/// As [`to_bytes`], layer `l` named `names[l]` (`fc1`, `fc2`, …, `out` for a tutorial's module).
pub fn to_bytes_named(net: &Mlp, names: &[String]) -> anyhow::Result<Vec<u8>> {
    use safetensors::tensor::TensorView;
    anyhow::ensure!(names.len() == net.n_layers(), "{} names for {} layers", names.len(), net.n_layers());
    let mut bufs: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    for (l, name) in names.iter().enumerate() {
        let (w, b) = net.layer(l);
        let (n_in, n_out) = (net.dims()[l], net.dims()[l + 1]);
        let bytes = |v: &[f64]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
        bufs.push((format!("{name}.weight"), vec![n_out, n_in], bytes(w)));
        bufs.push((format!("{name}.bias"), vec![n_out], bytes(b)));
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
            assert_eq!(from_bytes(&bytes, None).unwrap(), small(), "prefix {prefix:?}");
        }
    }

    #[test]
    fn garbage_and_truncated_files_are_errors_not_panics() {
        let bytes = to_bytes(&small(), "").unwrap();
        for cut in [0, 1, 7, 8, 20, bytes.len() / 2, bytes.len() - 1] {
            assert!(matches!(from_bytes(&bytes[..cut], None), Err(NetFileError::Format(..))), "cut at {cut}");
        }
        let mut huge = (u64::MAX / 2).to_le_bytes().to_vec();
        huge.extend_from_slice(b"{}");
        assert!(from_bytes(&huge, None).is_err());
    }
}
