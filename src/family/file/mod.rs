//! Your own target and your own deep net: `family = "file"`.
//!
//! A file target is one of
//! - **knots** (a text file of `x,y`): the continuous piecewise-linear function through them on
//!   \[0,1\]; errors are exact;
//! - **samples** (a CSV of `x,y` or `x₁,…,x_d,y`): with one input, sorted and joined by straight
//!   lines (exact errors again); with d > 1 inputs, a table: rows 5, 10, 15, … (every fifth) are
//!   held out, training draws the other rows uniformly with replacement, and held-out errors are
//!   Monte Carlo over the held-out rows, so no evaluation point is ever trained on. Between rows
//!   the table is read as its nearest row (only the figures ever ask);
//! - **a member** of a built-in family (e.g. `{ family = "sawtooth", k = 3 }`);
//! - **a deep ReLU net** read from a PyTorch file (safetensors, `.pt`, ONNX: [`crate::net::torch`]), when no
//!   other function is given: the net itself is the target. A 1-input net is exact (its linear
//!   pieces, [`crate::net::pieces`]); a d-input net is sampled uniformly on \[0,1\]^d.
//!
//! and, optionally, **the deep reference**: that net (`net = "…"`), which the suite's
//! `"constructed"` reference then is, with τ = max(floor, its own error against the target).
//!
//! **Identity.** A target's [`TargetId`] is `file` with a 32-bit fingerprint (FNV-1a of the kind
//! and every byte read), so its RNG streams, results and run logs follow the files' contents, not
//! their names, and a changed file is never mistaken for the one a run used. Files are read once
//! per process, when a config naming them is validated ([`FileSpec::load`]); `TargetId::build` then finds
//! them by fingerprint.

pub mod arg;
mod parse;
mod target;

pub use parse::{ParseError, Samples};
pub use target::{FileTarget, HELD_OUT};

use super::{FamilyInfo, TargetId};
use crate::net::{Mlp, Pwl};
use anyhow::Context;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// This family's entry in the registry ([`super::FAMILIES`]).
pub static INFO: FamilyInfo = FamilyInfo {
    name: "file",
    label: "your target",
    params: &["fingerprint"],
    cli: None,
    many_input: false,
    // A target of your own cites no work of its own (its methods sentence names its files).
    works: &[],
    describe: |id, m| {
        let name = name_of(*id);
        format!(
            "a target of your own ({}: {}), read from the files its config names",
            m(&id.to_string(), &id.to_string()),
            name
        )
    },
};

/// A `[[targets]]` table with `family = "file"`: at most one of `knots`, `samples`, `member`,
/// and `net`; at least one of them all.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    /// A knots file `x,y` (path relative to the working directory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knots: Option<String>,
    /// A samples CSV `x₁,…,x_d,y`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<String>,
    /// A member of a built-in family.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<TargetId>,
    /// A deep ReLU net saved from PyTorch (safetensors, `torch.save`'s `.pt`/`.pth`, or ONNX): the
    /// deep reference, or the target itself when no other function is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net: Option<String>,
    /// The order of the net's `nn.Linear` layers by their `state_dict` names, when the file does
    /// not tell it ([`crate::net::torch::linear`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layers: Option<Vec<String>>,
}

/// What the target function is.
pub(crate) enum Function {
    /// Exact on \[0,1\] (knots, 1-D samples, or a 1-input net's pieces).
    Pwl(Pwl),
    /// d-input samples with their held-out rows.
    Table(target::Table),
    /// A d-input net, sampled uniformly on \[0,1\]^d.
    Net(Mlp),
    /// A built-in target.
    Member(Box<dyn super::Target>),
}

/// Every file target read in this process, by fingerprint.
static LOADED: Mutex<BTreeMap<u32, Arc<FileTarget>>> = Mutex::new(BTreeMap::new());

/// The identity each spec (as JSON) was loaded under in this process: a spec is read once, however
/// often the config is expanded.
static SPECS: Mutex<BTreeMap<String, u32>> = Mutex::new(BTreeMap::new());

fn read(path: &str, what: &str) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read the {what} file `{path}`"))
}

fn text(bytes: &[u8], path: &str) -> anyhow::Result<String> {
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        let line = bytes[..e.utf8_error().valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        anyhow::anyhow!("`{path}`: line {line}: not UTF-8 text")
    })
}

impl FileSpec {
    /// Check the combination of fields; the error names the field.
    pub fn validate_fields(&self) -> Result<(), crate::validate::Invalid> {
        let given =
            [self.knots.is_some(), self.samples.is_some(), self.member.is_some()].iter().filter(|&&b| b).count();
        crate::validate::check(
            given <= 1 && (given == 1 || self.net.is_some()),
            "",
            "knots",
            &format!(
                "{} of knots, samples, member; net {}",
                given,
                if self.net.is_some() { "given" } else { "absent" }
            ),
            "one of `knots`, `samples` or `member` (with or without `net`), or `net` alone (the net is the target)",
        )?;
        crate::validate::check(
            self.layers.is_none() || self.net.is_some(),
            "",
            "layers",
            &"given without `net`",
            "the names of `net`'s nn.Linear layers in order, e.g. [\"fc1\", \"fc2\", \"out\"]; only with `net`",
        )?;
        crate::validate::check(
            !matches!(self.member, Some(TargetId::File { .. })),
            "",
            "member",
            &"file",
            "a member of a built-in family, e.g. { family = \"sawtooth\", k = 3 }",
        )
    }

    /// Read the files (once per process) and register the target; its identity.
    pub fn load(&self) -> anyhow::Result<TargetId> {
        self.validate_fields()?;
        self.load_field().map_err(|(_, e)| e)
    }

    /// As [`FileSpec::load`] (fields already valid), with the field whose file failed.
    pub fn load_field(&self) -> Result<TargetId, (&'static str, anyhow::Error)> {
        let key = serde_json::to_string(self).expect("a spec serialises");
        if let Some(&fingerprint) = SPECS.lock().expect("file registry").get(&key) {
            return Ok(TargetId::File { fingerprint });
        }
        let id = self.read_and_register()?;
        if let TargetId::File { fingerprint } = id {
            SPECS.lock().expect("file registry").insert(key, fingerprint);
        }
        Ok(id)
    }

    /// Read the files, fingerprint them and register the target (unless one with the same
    /// fingerprint is registered already).
    fn read_and_register(&self) -> Result<TargetId, (&'static str, anyhow::Error)> {
        let at = |f: &'static str| move |e: anyhow::Error| (f, e);
        let mut bytes: Vec<u8> = Vec::new();
        let mut tag = |kind: &str, data: &[u8]| {
            bytes.extend_from_slice(kind.as_bytes());
            bytes.extend_from_slice(&(data.len() as u64).to_le_bytes());
            bytes.extend_from_slice(data);
        };
        let net_bytes = self.net.as_deref().map(|p| read(p, "net")).transpose().map_err(at("net"))?;
        let knots = self.knots.as_deref().map(|p| read(p, "knots")).transpose().map_err(at("knots"))?;
        let samples = self.samples.as_deref().map(|p| read(p, "samples")).transpose().map_err(at("samples"))?;
        if let Some(b) = &knots {
            tag("knots", b);
        }
        if let Some(b) = &samples {
            tag("samples", b);
        }
        if let Some(m) = &self.member {
            tag("member", serde_json::to_string(m).expect("an id serialises").as_bytes());
        }
        if let Some(b) = &net_bytes {
            tag("net", b);
        }
        if let Some(l) = &self.layers {
            tag("layers", l.join(",").as_bytes());
        }
        let h = crate::rng::fnv1a64(&bytes);
        let fingerprint = (h ^ (h >> 32)) as u32;
        let id = TargetId::File { fingerprint };
        if LOADED.lock().expect("file registry").contains_key(&fingerprint) {
            return Ok(id);
        }
        let net = match (&self.net, &net_bytes) {
            (Some(p), Some(b)) => {
                let net = crate::net::torch::read(Path::new(p), b, self.layers.as_deref())
                    .with_context(|| format!("`{p}` is not a plain ReLU MLP"));
                Some(net.map_err(at("net"))?)
            }
            _ => None,
        };
        let function = if let (Some(p), Some(b)) = (&self.knots, &knots) {
            let parsed = text(b, p).and_then(|t| Ok(parse::knots(&t)?)).with_context(|| format!("knots file `{p}`"));
            let (xs, ys) = parsed.map_err(at("knots"))?;
            Function::Pwl(Pwl::new(xs, ys))
        } else if let (Some(p), Some(b)) = (&self.samples, &samples) {
            let parsed =
                text(b, p).and_then(|t| Ok(parse::samples(&t)?)).with_context(|| format!("samples file `{p}`"));
            let s = parsed.map_err(at("samples"))?;
            if s.dim == 1 { Function::Pwl(Pwl::new(s.xs, s.ys)) } else { Function::Table(target::Table::new(s)) }
        } else if let Some(m) = self.member {
            Function::Member(m.build().map_err(|e| ("member", e.into()))?)
        } else {
            let n = net.clone().expect("validated: net alone");
            if n.input_dim() == 1 {
                Function::Pwl(crate::net::pieces::pwl_of(&n).map_err(at("net"))?)
            } else {
                Function::Net(n)
            }
        };
        let name = [&self.knots, &self.samples, &self.net]
            .iter()
            .filter_map(|p| p.as_deref().map(|p| Path::new(p).file_name().map_or(p.into(), |f| f.to_string_lossy())))
            .chain(self.member.map(|m| m.to_string().into()))
            .collect::<Vec<_>>()
            .join(" + ");
        let field = if self.net.is_some() && given_function(self) { "net" } else { primary(self) };
        let file_name = |p: &str| Path::new(p).file_name().map_or(p.into(), |f| f.to_string_lossy().into_owned());
        let net = net.map(|n| (n, file_name(self.net.as_deref().expect("read above"))));
        let t = FileTarget::new(fingerprint, name, function, net).map_err(at(field))?;
        LOADED.lock().expect("file registry").insert(fingerprint, Arc::new(t));
        Ok(id)
    }
}

/// The registered target with this fingerprint.
pub(crate) fn lookup(fingerprint: u32) -> Option<Arc<FileTarget>> {
    LOADED.lock().expect("file registry").get(&fingerprint).cloned()
}

/// How people name a target: a file target by the files (and member) it was read from, e.g.
/// `"delta3.safetensors + sawtooth k=3"`; any other by its label.
pub fn name_of(id: TargetId) -> String {
    match id {
        TargetId::File { fingerprint } => lookup(fingerprint).map_or(id.to_string(), |t| t.name().to_string()),
        _ => id.to_string(),
    }
}

/// The file name of the user's own net that is this target's deep reference, if any.
pub fn net_file_of(id: TargetId) -> Option<String> {
    match id {
        TargetId::File { fingerprint } => lookup(fingerprint).and_then(|t| t.net_file().map(str::to_string)),
        _ => None,
    }
}

/// The input dimension of a registered target (1 when unknown).
pub(crate) fn dim_of(fingerprint: u32) -> usize {
    lookup(fingerprint).map_or(1, |t| t.dim_value())
}

fn given_function(s: &FileSpec) -> bool {
    s.knots.is_some() || s.samples.is_some() || s.member.is_some()
}

/// The field naming the target function.
fn primary(s: &FileSpec) -> &'static str {
    match (&s.knots, &s.samples, &s.member) {
        (Some(_), _, _) => "knots",
        (_, Some(_), _) => "samples",
        (_, _, Some(_)) => "member",
        _ => "net",
    }
}

/// The path (or member) of `field`, as written.
pub(crate) fn value_of(s: &FileSpec, field: &str) -> String {
    match field {
        "knots" => s.knots.clone(),
        "samples" => s.samples.clone(),
        "net" => s.net.clone(),
        _ => s.member.map(|m| m.to_string()),
    }
    .unwrap_or_default()
}
