//! The training-set sizes a suite asks for, checked before anything trains or allocates: each run
//! draws N points (1-D: N = max(`data_min`, `data_per_piece` · pieces); d inputs: N =
//! max(`sampled.min`, `sampled.per_param` · parameters), see [`crate::train::data`]), and N must stay
//! within [`MAX_POINTS`]. The largest net a run can train is the deep reference and each shallow
//! trainer's `m_max` (or `m_max_sampled`), so those bound every N of the suite.

use crate::config::{ReferenceKind, SuiteConfig};
use crate::family::Target;
use crate::net::Mlp;
use crate::train::MAX_POINTS;
use crate::train::TrainSettings;
use crate::validate::{Invalid, check};

/// `Err` naming the field to lower when some run of `cfg` on `targets` would draw more than
/// [`MAX_POINTS`] training points.
pub fn check_sizes(cfg: &SuiteConfig, targets: &[Box<dyn Target>]) -> Result<(), Invalid> {
    for t in targets.iter().map(|t| t.as_ref()) {
        if cfg.references_for(t).contains(&ReferenceKind::Trained) {
            let params = Mlp::count_params(t.dim(), &cfg.deep_hidden(t));
            one(&cfg.deep.train, "deep", t, params, "width")?;
        }
        for i in (0..cfg.shallow.len()).filter(|&i| cfg.searches(i, t)) {
            let params = Mlp::count_params(t.dim(), &[cfg.m_max(i, t)]);
            let width = if t.dim() > 1 { "m_max_sampled" } else { "m_max" };
            one(&cfg.shallow[i].train, &format!("shallow[{i}]"), t, params, width)?;
        }
    }
    Ok(())
}

/// The check for one net of `params` parameters trained by `s` on `t`; `width` names the field
/// that sets the net's size, under `at`.
fn one(s: &TrainSettings, at: &str, t: &dyn Target, params: usize, width: &str) -> Result<(), Invalid> {
    let n = s.points(t, params);
    let allowed = |what: &str| {
        format!("a value that keeps {}'s training set within {MAX_POINTS} points (it would get {n}); {what}", t.label())
    };
    if t.dim() > 1 {
        let v = s.sampled.per_param;
        let what = format!("lower it or {at}.{width} (the net has {params} parameters)");
        check(n <= MAX_POINTS, &format!("{at}.train.sampled"), "per_param", &v, &allowed(&what))
    } else if s.data_min > s.data_per_piece.saturating_mul(t.pieces()) {
        check(n <= MAX_POINTS, &format!("{at}.train"), "data_min", &s.data_min, &allowed("lower it"))
    } else {
        let what = format!("lower it ({} has {} pieces)", t.label(), t.pieces());
        check(n <= MAX_POINTS, &format!("{at}.train"), "data_per_piece", &s.data_per_piece, &allowed(&what))
    }
}
