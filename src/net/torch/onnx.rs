//! A ReLU MLP exported to ONNX (`torch.onnx.export`, or any framework's exporter).
//!
//! An ONNX file is a protocol-buffers `ModelProto`. Only the messages and fields read here are
//! declared (field numbers as in `onnx.proto`); [`prost`] skips every other field. The graph must
//! be one chain from its single input (inputs that are initializers, as older exporters list them,
//! do not count) to its single output:
//!
//! - a layer is `Gemm(x, W, C)` with `alpha = beta = 1`, `transA = 0`, and `W` stored `n_out × n_in`
//!   (`transB = 1`, as PyTorch exports `nn.Linear`) or `n_in × n_out` (`transB = 0`), or
//!   `MatMul(x, W)` (`W` stored `n_in × n_out`) followed by `Add` of a bias;
//! - one `Relu` after every layer but the last; weights and biases are initializers, f32 or f64,
//!   stored in the file (not as external data).
//!
//! Anything else is refused naming the first node that is not part of a ReLU MLP.

use super::NetFileError;
use super::linear::{Layer, Named};
use crate::net::Mlp;
use std::collections::HashMap;

/// `ModelProto`: only the graph.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct ModelProto {
    #[prost(message, optional, tag = "7")]
    pub graph: Option<GraphProto>,
}

/// `GraphProto`: nodes (in topological order), initializers, inputs and outputs.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct GraphProto {
    #[prost(message, repeated, tag = "1")]
    pub node: Vec<NodeProto>,
    #[prost(message, repeated, tag = "5")]
    pub initializer: Vec<TensorProto>,
    #[prost(message, repeated, tag = "11")]
    pub input: Vec<ValueInfoProto>,
    #[prost(message, repeated, tag = "12")]
    pub output: Vec<ValueInfoProto>,
}

/// `NodeProto`.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct NodeProto {
    #[prost(string, repeated, tag = "1")]
    pub input: Vec<String>,
    #[prost(string, repeated, tag = "2")]
    pub output: Vec<String>,
    #[prost(string, optional, tag = "3")]
    pub name: Option<String>,
    #[prost(string, optional, tag = "4")]
    pub op_type: Option<String>,
    #[prost(message, repeated, tag = "5")]
    pub attribute: Vec<AttributeProto>,
}

/// `AttributeProto`: the scalar forms Gemm's attributes take.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct AttributeProto {
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    #[prost(float, optional, tag = "2")]
    pub f: Option<f32>,
    #[prost(int64, optional, tag = "3")]
    pub i: Option<i64>,
}

/// `TensorProto`: dims, element type and the data (raw little-endian bytes, or typed lists).
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct TensorProto {
    #[prost(int64, repeated, packed = "false", tag = "1")]
    pub dims: Vec<i64>,
    #[prost(int32, optional, tag = "2")]
    pub data_type: Option<i32>,
    #[prost(float, repeated, tag = "4")]
    pub float_data: Vec<f32>,
    #[prost(string, optional, tag = "8")]
    pub name: Option<String>,
    #[prost(bytes = "vec", optional, tag = "9")]
    pub raw_data: Option<Vec<u8>>,
    #[prost(double, repeated, tag = "10")]
    pub double_data: Vec<f64>,
    #[prost(int32, optional, tag = "14")]
    pub data_location: Option<i32>,
}

/// `ValueInfoProto`: the name.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct ValueInfoProto {
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
}

/// ONNX element types read here.
const FLOAT: i32 = 1;
const DOUBLE: i32 = 11;

fn format(why: impl Into<String>) -> NetFileError {
    NetFileError::Format("ONNX", why.into())
}

/// Read the net from the bytes of an ONNX file.
pub fn from_bytes(bytes: &[u8]) -> Result<Mlp, NetFileError> {
    let model = <ModelProto as prost::Message>::decode(bytes).map_err(|e| format(e.to_string()))?;
    let graph = model.graph.ok_or_else(|| format("the model has no graph"))?;
    let inits: HashMap<&str, &TensorProto> =
        graph.initializer.iter().map(|t| (t.name.as_deref().unwrap_or(""), t)).collect();
    let inputs: Vec<&str> =
        graph.input.iter().filter_map(|v| v.name.as_deref()).filter(|n| !inits.contains_key(n)).collect();
    let [input] = inputs[..] else {
        return Err(format(format!("the graph has {} inputs that are not initializers, expected 1", inputs.len())));
    };
    let mut cur = input.to_string();
    let mut layers: Vec<Layer> = Vec::new();
    let mut expect_layer = true;
    let mut i = 0;
    while i < graph.node.len() {
        let node = &graph.node[i];
        let op = node.op_type.as_deref().unwrap_or("");
        let label = match node.name.as_deref().filter(|n| !n.is_empty()) {
            Some(n) => format!("`{n}` ({op})"),
            None => format!("#{i} ({op})"),
        };
        let fail = |why: &str| NetFileError::Node(label.clone(), why.to_string());
        let output =
            node.output.first().filter(|_| node.output.len() == 1).ok_or_else(|| fail("expected one output"))?;
        let chained = match op {
            "Add" => node.input.contains(&cur),
            _ => node.input.first() == Some(&cur),
        };
        if !chained {
            return Err(fail(&format!(
                "does not take `{cur}`, the output of the node before: a ReLU MLP is one chain"
            )));
        }
        match (op, expect_layer) {
            ("Gemm", true) => {
                let attr = |name: &str| node.attribute.iter().find(|a| a.name.as_deref() == Some(name));
                let int = |name: &str| attr(name).and_then(|a| a.i).unwrap_or(0);
                let float = |name: &str| attr(name).and_then(|a| a.f).unwrap_or(1.0);
                if float("alpha") != 1.0 || float("beta") != 1.0 || int("transA") != 0 {
                    return Err(fail("alpha and beta must be 1 and transA 0"));
                }
                let [_, w, c] = &node.input[..] else { return Err(fail("expected inputs x, W and a bias C")) };
                layers.push(layer(&inits, w, c, int("transB") == 0, &fail)?);
            }
            ("MatMul", true) => {
                let [_, w] = &node.input[..] else { return Err(fail("expected inputs x and W")) };
                let add = graph.node.get(i + 1).filter(|n| n.op_type.as_deref() == Some("Add"));
                let add = add.ok_or_else(|| fail("a MatMul must be followed by the Add of its bias"))?;
                let bias = add.input.iter().find(|n| *n != output).filter(|_| add.input.contains(output));
                let bias = bias.ok_or_else(|| fail("the Add after it does not add a bias to its output"))?;
                layers.push(layer(&inits, w, bias, true, &fail)?);
                i += 1;
                cur = graph.node[i].output.first().cloned().unwrap_or_default();
                expect_layer = false;
                i += 1;
                continue;
            }
            ("Relu", false) => {}
            ("Relu", true) => return Err(fail("a Relu must follow a layer (Gemm, or MatMul then Add)")),
            ("Gemm" | "MatMul", false) => return Err(fail("two layers without a Relu between them")),
            _ => return Err(fail("not part of a ReLU MLP")),
        }
        expect_layer = op == "Relu";
        cur = output.clone();
        i += 1;
    }
    if layers.is_empty() {
        return Err(NetFileError::Empty);
    }
    if expect_layer {
        return Err(NetFileError::Node("the last".into(), "the graph ends in a Relu, not a layer".into()));
    }
    let outputs: Vec<&str> = graph.output.iter().filter_map(|v| v.name.as_deref()).collect();
    if outputs != [cur.as_str()] {
        return Err(format(format!("the graph's outputs {outputs:?} are not the last layer's `{cur}`")));
    }
    super::linear::build(layers)
}

/// The layer of weight `w` and bias `b` (initializers), `w` transposed when stored `n_in × n_out`.
fn layer(
    inits: &HashMap<&str, &TensorProto>,
    w: &str,
    b: &str,
    transpose: bool,
    fail: &dyn Fn(&str) -> NetFileError,
) -> Result<Layer, NetFileError> {
    let get = |n: &str| inits.get(n).copied().ok_or_else(|| fail(&format!("`{n}` is not an initializer")));
    let mut weight = named(w, get(w)?)?;
    let mut bias = named(b, get(b)?)?;
    if weight.shape.len() != 2 {
        return Err(NetFileError::Shape(weight.name, weight.shape, "a matrix".into()));
    }
    if transpose {
        let (r, c) = (weight.shape[0], weight.shape[1]);
        if let Ok(v) = &weight.values {
            weight.values = Ok((0..c * r).map(|k| v[(k % r) * c + k / r]).collect());
        }
        weight.shape = vec![c, r];
    }
    if bias.shape.len() == 2 && bias.shape[0] == 1 {
        bias.shape.remove(0);
    }
    let name = w.strip_suffix(".weight").unwrap_or(w).to_string();
    Ok(Layer { name, weight, bias })
}

/// An initializer as a named tensor.
fn named(name: &str, t: &TensorProto) -> Result<Named, NetFileError> {
    if t.data_location == Some(1) {
        return Err(format(format!("tensor `{name}` is stored as external data; export with the weights inside")));
    }
    let shape: Vec<usize> = t
        .dims
        .iter()
        .map(|&d| usize::try_from(d))
        .collect::<Result<_, _>>()
        .map_err(|_| format(format!("tensor `{name}`: negative dimension")))?;
    let len = shape
        .iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .ok_or_else(|| format(format!("tensor `{name}`: too large")))?;
    let raw = t.raw_data.as_deref().filter(|r| !r.is_empty());
    let values = match (t.data_type.unwrap_or(0), raw) {
        (FLOAT | DOUBLE, Some(r)) => super::widen(r, t.data_type == Some(DOUBLE), true),
        (FLOAT, None) => t.float_data.iter().map(|&v| f64::from(v)).collect(),
        (DOUBLE, None) => t.double_data.clone(),
        (other, _) => return Err(NetFileError::Dtype(name.into(), format!("ONNX data_type {other}"))),
    };
    let values: Vec<f64> = values;
    if values.len() != len || raw.is_some_and(|r| r.len() % (if t.data_type == Some(FLOAT) { 4 } else { 8 }) != 0) {
        return Err(format(format!("tensor `{name}`: {} values for shape {shape:?}", values.len())));
    }
    Ok(Named { name: name.into(), shape, values: Ok(values) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    fn tensor(name: &str, dims: &[i64], values: &[f32]) -> TensorProto {
        TensorProto {
            dims: dims.to_vec(),
            data_type: Some(FLOAT),
            name: Some(name.into()),
            raw_data: Some(values.iter().flat_map(|v| v.to_le_bytes()).collect()),
            ..Default::default()
        }
    }

    fn node(op: &str, inputs: &[&str], output: &str) -> NodeProto {
        NodeProto {
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: vec![output.into()],
            name: Some(format!("/{op}_{output}")),
            op_type: Some(op.into()),
            attribute: vec![],
        }
    }

    fn value(name: &str) -> ValueInfoProto {
        ValueInfoProto { name: Some(name.into()) }
    }

    /// f(x) = 2·relu(3x − 1) + 0.5 on one input, as Gemm (transB = 1) or MatMul + Add, with `act`
    /// as the activation node.
    fn model(gemm: bool, act: &str) -> Vec<u8> {
        let mut nodes = Vec::new();
        let mut inits = vec![tensor("l1.bias", &[1], &[-1.0]), tensor("l2.bias", &[1], &[0.5])];
        if gemm {
            inits.extend([tensor("l1.weight", &[1, 1], &[3.0]), tensor("l2.weight", &[1, 1], &[2.0])]);
            let mut g = node("Gemm", &["x", "l1.weight", "l1.bias"], "h");
            g.attribute = vec![AttributeProto { name: Some("transB".into()), f: None, i: Some(1) }];
            nodes.push(g);
            nodes.push(node(act, &["h"], "r"));
            nodes.push(node("Gemm", &["r", "l2.weight", "l2.bias"], "y"));
        } else {
            inits.extend([tensor("l1.weight", &[1, 1], &[3.0]), tensor("l2.weight", &[1, 1], &[2.0])]);
            nodes.push(node("MatMul", &["x", "l1.weight"], "m1"));
            nodes.push(node("Add", &["m1", "l1.bias"], "h"));
            nodes.push(node(act, &["h"], "r"));
            nodes.push(node("MatMul", &["r", "l2.weight"], "m2"));
            nodes.push(node("Add", &["l2.bias", "m2"], "y"));
        }
        let graph = GraphProto { node: nodes, initializer: inits, input: vec![value("x")], output: vec![value("y")] };
        ModelProto { graph: Some(graph) }.encode_to_vec()
    }

    #[test]
    fn gemm_and_matmul_add_graphs_read_as_the_same_net() {
        for gemm in [true, false] {
            let net = from_bytes(&model(gemm, "Relu")).unwrap();
            assert_eq!(net.dims(), [1, 1, 1]);
            let mut y = [0.0; 2];
            net.forward(&[0.0, 1.0], &mut y);
            assert_eq!(y, [0.5, 4.5], "gemm {gemm}");
        }
    }

    #[test]
    fn a_transposed_weight_is_read_in_nn_linear_layout() {
        // Gemm with transB = 0 and W stored n_in × n_out = 2 × 3.
        let w = tensor("w", &[2, 3], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let b = tensor("b", &[3], &[0.0; 3]);
        let (w2, b2) = (tensor("w2", &[3, 1], &[1.0, 1.0, 1.0]), tensor("b2", &[1], &[0.0]));
        let nodes =
            vec![node("Gemm", &["x", "w", "b"], "h"), node("Relu", &["h"], "r"), node("Gemm", &["r", "w2", "b2"], "y")];
        let graph = GraphProto {
            node: nodes,
            initializer: vec![w, b, w2, b2],
            input: vec![value("x")],
            output: vec![value("y")],
        };
        let net = from_bytes(&ModelProto { graph: Some(graph) }.encode_to_vec()).unwrap();
        assert_eq!(net.layer(0).0, [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    }

    #[test]
    fn the_first_node_outside_a_relu_mlp_is_named() {
        let e = from_bytes(&model(true, "Sigmoid")).unwrap_err();
        assert_eq!(e, NetFileError::Node("`/Sigmoid_r` (Sigmoid)".into(), "not part of a ReLU MLP".into()));
        assert!(e.to_string().contains("Gemm, or MatMul then Add"), "{e}");
    }

    #[test]
    fn truncated_and_random_bytes_are_errors_not_panics() {
        use rand::{RngExt, SeedableRng};
        let good = model(true, "Relu");
        for cut in 0..good.len() {
            let _ = from_bytes(&good[..cut]);
        }
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(43);
        for _ in 0..2000 {
            let mut bytes = good.clone();
            for _ in 0..rng.random_range(1..8) {
                let at = rng.random_range(0..bytes.len());
                bytes[at] = rng.random();
            }
            let _ = from_bytes(&bytes);
            let noise: Vec<u8> = (0..rng.random_range(0..200)).map(|_| rng.random()).collect();
            let _ = from_bytes(&noise);
        }
    }
}
