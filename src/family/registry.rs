//! The registry: the one place that names every family. A config's `[[targets]]` table is a
//! [`TargetSpec`] (a family and a parameter range); each member it expands to is a [`TargetId`]
//! (a family and its parameters), which builds the [`Target`] and identifies it in results.
//!
//! Parameters are integers, so identities compare, sort and hash exactly.

use super::{
    FamilyInfo, Target, TargetError, ball, compositional, file, golden, maxd, product, radial, sawtooth, square, takagi,
};
use crate::validate::Invalid;
use serde::{Deserialize, Serialize};

/// Every family's metadata, in the order configs and reports list them. A new family is its folder
/// (with its `INFO`) plus one entry here and its arms in this file's `match`es.
pub static FAMILIES: &[&FamilyInfo] = &[
    &sawtooth::INFO,
    &golden::INFO,
    &takagi::INFO,
    &square::INFO,
    &maxd::INFO,
    &compositional::INFO,
    &product::INFO,
    &ball::INFO,
    &radial::INFO,
    &file::INFO,
];

/// The family named `name` in configs and results.
pub fn family_info(name: &str) -> Option<&'static FamilyInfo> {
    FAMILIES.iter().copied().find(|f| f.name == name)
}

/// The family names, comma-separated (for errors listing the allowed values).
pub fn family_names() -> String {
    FAMILIES.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
}

/// One target: a family and its parameters. Serialised as `{"family": "sawtooth", "k": 5}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "family", rename_all = "snake_case", deny_unknown_fields)]
pub enum TargetId {
    /// Telgarsky's sawtooth Δ^k.
    Sawtooth {
        /// Compositions of the tent map.
        k: u32,
    },
    /// The golden-ratio map iterated t times.
    Golden {
        /// Iterations.
        t: u32,
    },
    /// The Takagi-type sum T_{a,K} = Σ_{s ≤ K} a^{−s} Δ^s.
    Takagi {
        /// Base of the weights a^{−s}.
        a: u32,
        /// Terms K.
        k: u32,
    },
    /// x² against Yarotsky's depth-L net (separation by accuracy).
    Square {
        /// Depth of the deep reference.
        l: u32,
    },
    /// max of d inputs on \[0,1\]^d.
    Max {
        /// Inputs.
        d: u32,
    },
    /// The binary tree of |a − b| over d = 2^j inputs on \[0,1\]^d.
    Compositional {
        /// Inputs (2, 4, 8 or 16).
        d: u32,
    },
    /// The product x_1⋯x_d of d = 2^j inputs on \[0,1\]^d (a binary tree of a·b).
    Product {
        /// Inputs (2, 4, 8 or 16).
        d: u32,
    },
    /// The unit ball in R^d with a ramp of width ramp_milli/1000 in ‖x‖² (0: the indicator).
    Ball {
        /// Inputs.
        d: u32,
        /// Ramp width in thousandths.
        ramp_milli: u32,
        /// Inputs with the norm ‖x‖ (not its square) uniform on \[0, 2\], as Safran & Shamir (2017)
        /// sampled them; the indicator only (`ramp_milli = 0`).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        radius_uniform: bool,
    },
    /// Δ^k(‖x‖²) on the unit ball of R^d.
    Radial {
        /// Inputs.
        d: u32,
        /// Compositions of the tent map.
        k: u32,
    },
    /// A target of the user's own (knots, samples or a net), identified by its files' contents.
    File {
        /// FNV-1a of the files read ([`file::FileSpec::load`]).
        fingerprint: u32,
    },
}

impl TargetId {
    /// Build the target; parameters out of range are an error naming them.
    pub fn build(&self) -> Result<Box<dyn Target>, TargetError> {
        match *self {
            TargetId::Sawtooth { k } => Ok(Box::new(sawtooth::Sawtooth::new(k)?)),
            TargetId::Golden { t } => Ok(Box::new(golden::Golden::new(t)?)),
            TargetId::Takagi { a, k } => Ok(Box::new(takagi::Takagi::new(a, k)?)),
            TargetId::Square { l } => Ok(Box::new(square::Square::new(l)?)),
            TargetId::Max { d } => Ok(Box::new(maxd::MaxD::new(d)?)),
            TargetId::Compositional { d } => Ok(Box::new(compositional::Compositional::new(d)?)),
            TargetId::Product { d } => Ok(Box::new(product::Product::new(d)?)),
            TargetId::Ball { d, ramp_milli, radius_uniform } => {
                Ok(Box::new(ball::Ball::new(d, ramp_milli)?.with_radius_uniform(radius_uniform)?))
            }
            TargetId::Radial { d, k } => Ok(Box::new(radial::Radial::new(d, k)?)),
            TargetId::File { fingerprint } => match file::lookup(fingerprint) {
                Some(t) => Ok(Box::new(t)),
                None => Err(TargetError::NotLoaded { fingerprint }),
            },
        }
    }

    /// The family's metadata.
    pub fn info(&self) -> &'static FamilyInfo {
        match self {
            TargetId::Sawtooth { .. } => &sawtooth::INFO,
            TargetId::Golden { .. } => &golden::INFO,
            TargetId::Takagi { .. } => &takagi::INFO,
            TargetId::Square { .. } => &square::INFO,
            TargetId::Max { .. } => &maxd::INFO,
            TargetId::Compositional { .. } => &compositional::INFO,
            TargetId::Product { .. } => &product::INFO,
            TargetId::Ball { .. } => &ball::INFO,
            TargetId::Radial { .. } => &radial::INFO,
            TargetId::File { .. } => &file::INFO,
        }
    }

    /// Family name, e.g. `"sawtooth"`.
    pub fn family(&self) -> &'static str {
        self.info().name
    }

    /// The first member of the series named on the command line (`--family`): `sawtooth`,
    /// `golden`, `takagi-a2`, `square`; the error lists every family's form.
    pub fn parse_series(name: &str) -> Result<TargetId, String> {
        let id = match name {
            "sawtooth" => Some(TargetId::Sawtooth { k: 1 }),
            "golden" => Some(TargetId::Golden { t: 1 }),
            "square" => Some(TargetId::Square { l: 1 }),
            f => match (f.strip_prefix("takagi-a"), f.strip_prefix("radial-d")) {
                (Some(a), _) => a.parse().ok().map(|a| TargetId::Takagi { a, k: 1 }),
                (_, Some(d)) => d.parse().ok().map(|d| TargetId::Radial { d, k: 1 }),
                _ => None,
            },
        };
        id.ok_or_else(|| {
            let forms: Vec<&str> = FAMILIES.iter().filter_map(|f| f.cli).collect();
            format!("--family {name}: allowed: {}", forms.join(", "))
        })
    }

    /// The series a target belongs to in figures: the family and every parameter but the axis one
    /// (`"sawtooth"`, `"takagi a=2"`).
    pub fn series(&self) -> String {
        match *self {
            TargetId::Takagi { a, .. } => format!("takagi a={a}"),
            TargetId::Ball { ramp_milli, .. } => format!("ball δ={}", f64::from(ramp_milli) / 1000.0),
            TargetId::Radial { d, .. } => format!("radial d={d}"),
            TargetId::File { fingerprint } => format!("file {fingerprint:08x}"),
            _ => self.family().to_string(),
        }
    }

    /// The same series with its axis parameter set to `v` (`None` for max of d, whose axis is the
    /// input dimension, not a depth).
    pub fn with_axis_value(&self, v: u32) -> Option<TargetId> {
        match *self {
            TargetId::Sawtooth { .. } => Some(TargetId::Sawtooth { k: v }),
            TargetId::Golden { .. } => Some(TargetId::Golden { t: v }),
            TargetId::Takagi { a, .. } => Some(TargetId::Takagi { a, k: v }),
            TargetId::Square { .. } => Some(TargetId::Square { l: v }),
            TargetId::Max { .. }
            | TargetId::Compositional { .. }
            | TargetId::Product { .. }
            | TargetId::Ball { .. }
            | TargetId::File { .. } => None,
            TargetId::Radial { d, .. } => Some(TargetId::Radial { d, k: v }),
        }
    }

    /// The parameter that figures put on their x-axis, and its value (e.g. `("k", 5.0)`).
    pub fn axis(&self) -> (&'static str, f64) {
        match *self {
            TargetId::Sawtooth { k } => ("k", k as f64),
            TargetId::Golden { t } => ("t", t as f64),
            TargetId::Takagi { k, .. } => ("K", k as f64),
            TargetId::Square { l } => ("L", l as f64),
            TargetId::Max { d }
            | TargetId::Compositional { d }
            | TargetId::Product { d }
            | TargetId::Ball { d, .. } => ("d", d as f64),
            TargetId::Radial { k, .. } => ("k", k as f64),
            TargetId::File { .. } => ("file", 1.0),
        }
    }
}

impl std::fmt::Display for TargetId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TargetId::Sawtooth { k } => write!(f, "sawtooth k={k}"),
            TargetId::Golden { t } => write!(f, "golden t={t}"),
            TargetId::Takagi { a, k } => write!(f, "takagi a={a} K={k}"),
            TargetId::Square { l } => write!(f, "square L={l}"),
            TargetId::Max { d } => write!(f, "max d={d}"),
            TargetId::Compositional { d } => write!(f, "compositional d={d}"),
            TargetId::Product { d } => write!(f, "product d={d}"),
            TargetId::Ball { d, ramp_milli, radius_uniform } => {
                write!(f, "ball d={d} δ={}", f64::from(*ramp_milli) / 1000.0)?;
                if *radius_uniform { write!(f, " ‖x‖~U[0,2]") } else { Ok(()) }
            }
            TargetId::Radial { d, k } => write!(f, "radial d={d} k={k}"),
            TargetId::File { fingerprint } => write!(f, "file {fingerprint:08x}"),
        }
    }
}

/// A family and a parameter range, as written in a suite's `[[targets]]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "family", rename_all = "snake_case", deny_unknown_fields)]
pub enum TargetSpec {
    /// Δ^k for k_min ≤ k ≤ k_max.
    Sawtooth {
        /// Smallest k (≥ 1).
        k_min: u32,
        /// Largest k (≤ 24: exact errors need the 2^k + 1 knots).
        k_max: u32,
    },
    /// The golden-ratio map f^t for t_min ≤ t ≤ t_max.
    Golden {
        /// Smallest t (≥ 1).
        t_min: u32,
        /// Largest t (≤ 30).
        t_max: u32,
    },
    /// The Takagi-type sums T_{a,K} for k_min ≤ K ≤ k_max.
    Takagi {
        /// Base (2..=64).
        a: u32,
        /// Smallest K (≥ 1).
        k_min: u32,
        /// Largest K (≤ 20).
        k_max: u32,
    },
    /// x² against Yarotsky's depth-L net for l_min ≤ L ≤ l_max.
    Square {
        /// Smallest L (≥ 1).
        l_min: u32,
        /// Largest L (≤ 12).
        l_max: u32,
    },
    /// max of d inputs for d_min ≤ d ≤ d_max.
    Max {
        /// Smallest d (≥ 2).
        d_min: u32,
        /// Largest d (≤ 64).
        d_max: u32,
    },
    /// The tree of |a − b| for the powers of two d_min ≤ d ≤ d_max.
    Compositional {
        /// Smallest d (2, 4, 8 or 16).
        d_min: u32,
        /// Largest d (2, 4, 8 or 16).
        d_max: u32,
    },
    /// The product of d inputs for the powers of two d_min ≤ d ≤ d_max.
    Product {
        /// Smallest d (2, 4, 8 or 16).
        d_min: u32,
        /// Largest d (2, 4, 8 or 16).
        d_max: u32,
    },
    /// The unit ball for d_min ≤ d ≤ d_max, ramp width ramp_milli/1000 (0: the indicator).
    Ball {
        /// Smallest d (≥ 2).
        d_min: u32,
        /// Largest d (≤ 64).
        d_max: u32,
        /// Ramp width in thousandths of the squared norm (0..=1000).
        ramp_milli: u32,
    },
    /// Δ^k(‖x‖²) in d dimensions for k_min ≤ k ≤ k_max.
    Radial {
        /// Inputs (2..=64).
        d: u32,
        /// Smallest k (≥ 1).
        k_min: u32,
        /// Largest k (≤ 12).
        k_max: u32,
    },
    /// A target of the user's own: knots, samples, a built-in member or a net, and optionally the
    /// user's deep net as the reference ([`file::FileSpec`]).
    File(file::FileSpec),
}

impl TargetSpec {
    /// The sawtooth range k_min..=k_max (for the sawtooth-specific CLI flags).
    pub fn sawtooth(k_min: u32, k_max: u32) -> Self {
        TargetSpec::Sawtooth { k_min, k_max }
    }

    /// Whether its targets have d > 1 inputs (sampled errors, the data rule of
    /// [`crate::train::data`]).
    pub fn is_many_input(&self) -> bool {
        self.expand().first().is_some_and(|id| match *id {
            TargetId::File { fingerprint } => file::dim_of(fingerprint) > 1,
            _ => id.info().many_input,
        })
    }

    /// Build every member.
    pub fn build_all(&self) -> Result<Vec<Box<dyn Target>>, TargetError> {
        self.expand().iter().map(|id| id.build()).collect()
    }

    /// Check the parameters; the error names the field relative to this table.
    pub fn validate(&self) -> Result<(), Invalid> {
        match *self {
            TargetSpec::File(ref spec) => {
                spec.validate_fields()?;
                spec.load_field().map(|_| ()).map_err(|(field, e)| Invalid {
                    field: field.to_string(),
                    value: format!("{:?}", file::value_of(spec, field)),
                    allowed: format!("a file depthsep can read, but: {e:#}"),
                })
            }
            TargetSpec::Sawtooth { k_min, k_max } => sawtooth::validate_range(k_min, k_max),
            TargetSpec::Golden { t_min, t_max } => golden::validate_range(t_min, t_max),
            TargetSpec::Takagi { a, k_min, k_max } => takagi::validate_range(a, k_min, k_max),
            TargetSpec::Square { l_min, l_max } => square::validate_range(l_min, l_max),
            TargetSpec::Max { d_min, d_max } => maxd::validate_range(d_min, d_max),
            TargetSpec::Compositional { d_min, d_max } => compositional::validate_range(d_min, d_max),
            TargetSpec::Product { d_min, d_max } => product::validate_range(d_min, d_max),
            TargetSpec::Ball { d_min, d_max, ramp_milli } => ball::validate_range(d_min, d_max, ramp_milli),
            TargetSpec::Radial { d, k_min, k_max } => radial::validate_range(d, k_min, k_max),
        }
    }

    /// Every member, in order.
    pub fn expand(&self) -> Vec<TargetId> {
        match *self {
            // Validation reads the files and reports their faults; a spec that fails expands to nothing.
            TargetSpec::File(ref spec) => spec.load().ok().into_iter().collect(),
            TargetSpec::Sawtooth { k_min, k_max } => (k_min..=k_max).map(|k| TargetId::Sawtooth { k }).collect(),
            TargetSpec::Golden { t_min, t_max } => (t_min..=t_max).map(|t| TargetId::Golden { t }).collect(),
            TargetSpec::Takagi { a, k_min, k_max } => (k_min..=k_max).map(|k| TargetId::Takagi { a, k }).collect(),
            TargetSpec::Square { l_min, l_max } => (l_min..=l_max).map(|l| TargetId::Square { l }).collect(),
            TargetSpec::Max { d_min, d_max } => (d_min..=d_max).map(|d| TargetId::Max { d }).collect(),
            TargetSpec::Compositional { d_min, d_max } => {
                compositional::members(d_min, d_max).into_iter().map(|d| TargetId::Compositional { d }).collect()
            }
            TargetSpec::Product { d_min, d_max } => {
                product::members(d_min, d_max).into_iter().map(|d| TargetId::Product { d }).collect()
            }
            TargetSpec::Ball { d_min, d_max, ramp_milli } => {
                (d_min..=d_max).map(|d| TargetId::Ball { d, ramp_milli, radius_uniform: false }).collect()
            }
            TargetSpec::Radial { d, k_min, k_max } => (k_min..=k_max).map(|k| TargetId::Radial { d, k }).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_round_trips_through_json_and_names_the_family() {
        let id = TargetId::Sawtooth { k: 5 };
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, r#"{"family":"sawtooth","k":5}"#);
        assert_eq!(serde_json::from_str::<TargetId>(&json).unwrap(), id);
        assert_eq!(id.to_string(), "sawtooth k=5");
        assert_eq!(id.build().unwrap().id(), id);
        assert!(serde_json::from_str::<TargetId>(r#"{"family":"sawtooth","k":5,"x":1}"#).is_err());
    }

    #[test]
    fn every_registered_family_names_itself_and_parses_back_from_the_command_line() {
        let members = [
            TargetId::Sawtooth { k: 1 },
            TargetId::Golden { t: 1 },
            TargetId::Takagi { a: 2, k: 1 },
            TargetId::Square { l: 1 },
            TargetId::Max { d: 2 },
            TargetId::Compositional { d: 2 },
            TargetId::Product { d: 2 },
            TargetId::Ball { d: 2, ramp_milli: 0, radius_uniform: false },
            TargetId::Radial { d: 2, k: 1 },
            TargetId::File { fingerprint: 7 },
        ];
        assert_eq!(members.len(), FAMILIES.len(), "one member per registered family");
        for id in members {
            let info = id.info();
            assert!(FAMILIES.iter().any(|f| std::ptr::eq(*f, info)), "{id}: its INFO is in FAMILIES");
            assert_eq!(family_info(info.name).map(|f| f.name), Some(id.family()));
            let json = serde_json::to_value(id).unwrap();
            assert_eq!(json["family"], info.name, "{id}: results and configs use the registry's name");
            for p in info.params {
                assert!(json.get(p).is_some(), "{id}: parameter `{p}` is serialised");
            }
            // Every built-in family cites its source; a target of your own cites none.
            assert_eq!(info.works.is_empty(), info.name == "file", "{id}");
            assert!(info.works.iter().all(|(k, e)| e.contains(&format!("{{{k},"))));
            if info.cli.is_some() {
                let cli = match id {
                    TargetId::Takagi { a, .. } => format!("takagi-a{a}"),
                    TargetId::Radial { d, .. } => format!("radial-d{d}"),
                    _ => info.name.to_string(),
                };
                assert_eq!(TargetId::parse_series(&cli), Ok(id), "{cli}");
            }
        }
        assert!(TargetId::parse_series("quik").unwrap_err().contains("takagi-aA"));
    }

    #[test]
    fn a_spec_expands_to_its_range_in_order() {
        let ids = TargetSpec::Sawtooth { k_min: 2, k_max: 4 }.expand();
        assert_eq!(ids, [2, 3, 4].map(|k| TargetId::Sawtooth { k }));
        assert!(TargetSpec::Sawtooth { k_min: 3, k_max: 2 }.validate().is_err());
    }
}
