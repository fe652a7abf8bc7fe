//! `torch.save(model.state_dict(), "net.pt")`: PyTorch's ZIP archive (pickle plus one raw storage
//! per tensor), or the pickle stream of PyTorch before 1.6, read with the [`pytorch_reader`] crate.
//!
//! That crate parses the pickle without executing it (only the few constructors `torch.save`
//! writes for tensors and dictionaries are interpreted) and gathers each tensor's bytes, strided or
//! offset views included, as contiguous row-major native-endian values. A checkpoint that nests
//! the `state_dict` in a dictionary (`{"model": …, "optimizer": …}`) has its tensors under dotted
//! names (`model.fc1.weight`), and the optimizer's state is then named as not an `nn.Linear`'s:
//! save `model.state_dict()` alone.

use super::NetFileError;
use super::linear::Named;
use crate::net::Mlp;
use pytorch_reader::{DType, PytorchReader};
use std::path::Path;

/// Read the net from the `torch.save` file at `path`, its layers in the `layers` order or inferred.
pub fn load(path: &Path, layers: Option<&[String]>) -> Result<Mlp, NetFileError> {
    let reader = PytorchReader::new(path).map_err(|e| NetFileError::Format("torch.save (.pt)", e.to_string()))?;
    let mut tensors: Vec<(&String, &pytorch_reader::Tensor)> = reader.tensors().iter().collect();
    tensors.sort_by(|a, b| a.0.cmp(b.0));
    let named = tensors
        .into_iter()
        .map(|(name, t)| Named { name: name.clone(), shape: t.shape().to_vec(), values: values(name, t) })
        .collect();
    super::from_named(named, layers)
}

/// The tensor's entries as f64 (f32 and f64 only).
fn values(name: &str, t: &pytorch_reader::Tensor) -> Result<Vec<f64>, NetFileError> {
    let read = |t: &pytorch_reader::Tensor| {
        t.read().map_err(|e| NetFileError::Format("torch.save (.pt)", format!("tensor `{name}`: {e}")))
    };
    match t.dtype() {
        // pytorch-reader hands the bytes over in the machine's order.
        DType::F32 | DType::F64 => Ok(super::widen(&read(t)?, t.dtype() == DType::F64, false)),
        other => Err(NetFileError::Dtype(name.to_string(), format!("{other:?}"))),
    }
}
