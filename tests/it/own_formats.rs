//! Your own net as people write it: a custom module's `state_dict` (layers `fc1` … `fc3`, `out`)
//! in safetensors, `torch.save`'s `.pt` and ONNX, made by `examples/pytorch/custom.py`; the layer
//! order read or given; one clear error per bad file.

use depthsep::net::{Mlp, torch};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn custom(ext: &str) -> PathBuf {
    root().join(format!("examples/pytorch/custom.{ext}"))
}

fn depthsep(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_depthsep")).args(args).current_dir(dir).output().unwrap()
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_custom_module_reads_alike_from_safetensors_pt_and_onnx_with_the_pieces_and_values_its_script_printed() {
    let nets: Vec<Mlp> = ["safetensors", "pt", "onnx"].iter().map(|e| torch::load(&custom(e), None).unwrap()).collect();
    assert_eq!(nets[0], nets[1], "the .pt file holds the safetensors file's weights, bit for bit");
    assert_eq!(nets[0], nets[2], "the ONNX export holds them too, in nn.Linear's layout");
    for other in ["custom-module.pt", "custom-checkpoint.pt", "custom-legacy.pt"] {
        let path = root().join("examples/pytorch").join(other);
        assert_eq!(
            torch::load(&path, None).unwrap(),
            nets[0],
            "{other}: the whole module, a checkpoint, PyTorch < 1.6"
        );
    }
    assert_eq!(nets[0].dims(), [1, 24, 24, 24, 1]);
    super::own_net::check_what_its_script_printed(&nets[0], &custom("json"));
}

#[test]
fn a_given_layer_order_is_taken_and_one_that_does_not_fit_is_one_error() {
    let inferred = torch::load(&custom("safetensors"), None).unwrap();
    let given = names(&["fc1", "fc2", "fc3", "out"]);
    assert_eq!(torch::load(&custom("pt"), Some(&given)).unwrap(), inferred);
    let err =
        |ext: &str, layers: &[&str]| format!("{:#}", torch::load(&custom(ext), Some(&names(layers))).unwrap_err());
    let e = err("safetensors", &["fc2", "fc1", "fc3", "out"]);
    assert!(e.contains("tensor `fc1.weight`: shape [24, 1], expected [n_out, 24]"), "{e}");
    let e = err("pt", &["fc1", "fc2", "out"]);
    assert!(e.contains("--layers: the file's layer `fc3` is not named (found: "), "{e}");
    let e = err("onnx", &["fc1", "fc2", "fc3", "out"]);
    assert!(e.contains("an ONNX graph gives the order itself"), "{e}");
}

/// A 1-input net of depth 3 whose layer names do not tell the order.
fn unnumbered(dir: &Path) -> (PathBuf, Mlp) {
    let params: Vec<f64> = (0..Mlp::count_params(1, &[4, 4, 4])).map(|i| ((i * 7 % 11) as f64 - 5.0) / 4.0).collect();
    let net = Mlp::from_params(&[1, 4, 4, 4, 1], &params).unwrap();
    let path = dir.join("named.safetensors");
    std::fs::write(&path, torch::to_bytes_named(&net, &names(&["input", "hidden", "other", "output"])).unwrap())
        .unwrap();
    (path, net)
}

#[test]
fn an_ambiguous_order_is_one_error_that_shows_the_layers_form_and_layers_resolves_it() {
    let dir = tempfile::tempdir().unwrap();
    let (path, net) = unnumbered(dir.path());
    let out = depthsep(&["inspect", path.to_str().unwrap()], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("the order of the layers cannot be read from the file: more than one order fits")
            && stderr.contains("hidden [4 → 4], input [1 → 4]")
            && stderr.contains("give it: --layers input,hidden,other,output (one order that fits"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("Error").count() + stderr.matches("error").count(), 1, "one error: {stderr}");
    let out = depthsep(&["inspect", path.to_str().unwrap(), "--layers", "input,hidden,other,output"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pieces = depthsep::net::pieces::pwl_of(&net).unwrap().pieces();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("exact linear pieces on [0, 1]: {pieces} ")), "{text}");
}

#[test]
fn a_pt_file_is_inspected_and_searched_like_a_safetensors_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = depthsep(&["inspect", custom("pt").to_str().unwrap(), "--target", "sawtooth:k=3"], dir.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("exact linear pieces on [0, 1]: 42 "), "{text}");
}

#[test]
fn a_normalisation_layer_and_truncated_files_each_give_one_clear_error() {
    use safetensors::tensor::{Dtype, TensorView};
    let dir = tempfile::tempdir().unwrap();
    let f32s = |n: usize| vec![0u8; 4 * n];
    let tensors: Vec<(String, Vec<usize>, Dtype, Vec<u8>)> = vec![
        ("fc1.weight".into(), vec![4, 1], Dtype::F32, f32s(4)),
        ("fc1.bias".into(), vec![4], Dtype::F32, f32s(4)),
        ("bn.weight".into(), vec![4], Dtype::F32, f32s(4)),
        ("bn.bias".into(), vec![4], Dtype::F32, f32s(4)),
        ("bn.running_mean".into(), vec![4], Dtype::F32, f32s(4)),
        ("bn.running_var".into(), vec![4], Dtype::F32, f32s(4)),
        ("bn.num_batches_tracked".into(), vec![], Dtype::I64, vec![0u8; 8]),
        ("out.weight".into(), vec![1, 4], Dtype::F32, f32s(4)),
        ("out.bias".into(), vec![1], Dtype::F32, f32s(1)),
    ];
    let views: Vec<(String, TensorView)> =
        tensors.iter().map(|(n, s, t, d)| (n.clone(), TensorView::new(*t, s.clone(), d).unwrap())).collect();
    let bn = dir.path().join("bn.safetensors");
    std::fs::write(&bn, safetensors::serialize(views, None).unwrap()).unwrap();
    let e = format!("{:#}", torch::load(&bn, None).unwrap_err());
    assert!(
        e.contains(
            "`bn.bias`, `bn.num_batches_tracked`, `bn.running_mean`, `bn.running_var`, `bn.weight` are not an \
             nn.Linear's weight or bias: depthsep measures plain ReLU MLPs"
        ),
        "{e}"
    );
    for (ext, want) in
        [("pt", "not a readable torch.save (.pt) file"), ("onnx", "ONNX"), ("safetensors", "safetensors")]
    {
        let good = std::fs::read(custom(ext)).unwrap();
        let cut = dir.path().join(format!("cut.{ext}"));
        std::fs::write(&cut, &good[..good.len() / 2]).unwrap();
        let e = format!("{:#}", torch::load(&cut, None).unwrap_err());
        assert!(e.contains("is not a plain ReLU MLP") && e.contains(want), "{ext}: {e}");
    }
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        #[test]
        fn truncated_and_corrupted_pt_and_onnx_files_are_errors_not_panics(
            cut in 0usize..10_000,
            flips in prop::collection::vec((0usize..10_000, any::<u8>()), 0..6),
        ) {
            let dir = tempfile::tempdir().unwrap();
            for ext in ["pt", "onnx"] {
                let good = std::fs::read(custom(ext)).unwrap();
                let mut bytes = good[..cut.min(good.len())].to_vec();
                for &(at, b) in &flips {
                    if !bytes.is_empty() {
                        let n = bytes.len();
                        bytes[at % n] = b;
                    }
                }
                let path = dir.path().join(format!("f.{ext}"));
                std::fs::write(&path, &bytes).unwrap();
                let _ = torch::load(&path, None);
            }
        }
    }
}

#[test]
fn a_suite_takes_the_layer_order_as_layers_and_refuses_layers_without_a_net() {
    use depthsep::family::file::FileSpec;
    let dir = tempfile::tempdir().unwrap();
    let (path, net) = unnumbered(dir.path());
    let spec = |layers: Option<&[&str]>| FileSpec {
        net: Some(path.to_str().unwrap().into()),
        layers: layers.map(names),
        ..Default::default()
    };
    let e = format!("{:#}", spec(None).load().unwrap_err());
    assert!(e.contains("more than one order fits"), "{e}");
    let id = spec(Some(&["input", "hidden", "other", "output"])).load().unwrap();
    let target = id.build().unwrap();
    let deep = target.construct_deep().unwrap().net;
    assert_eq!(deep, net, "the suite's deep reference is the net in the given order");
    let member = Some(depthsep::family::TargetId::Sawtooth { k: 3 });
    let toml_err = FileSpec { layers: Some(names(&["a"])), member, ..Default::default() }
        .validate_fields()
        .unwrap_err()
        .to_string();
    assert!(toml_err.contains("`layers`") && toml_err.contains("only with `net`"), "{toml_err}");
}
