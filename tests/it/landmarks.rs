//! The committed landmark results (`reports/landmarks`, the `landmarks` suite): the unit ball and
//! the radial sawtooth are searched by every d-input trainer, every constructed net is within its
//! documented error bound, and the widths grow as the README says.

use depthsep::family::TargetId;
use depthsep::results::{Results, TargetResult};
use depthsep::search::MStar;
use depthsep::suite::ReferenceKind;
use std::path::Path;

fn committed() -> Results {
    Results::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/landmarks/results.json").as_path()).unwrap()
}

/// The smallest m* over trainers at `floor` against the constructed reference; a censored search
/// counts as its cap + 1.
fn best(t: &TargetResult, floor: f64) -> u64 {
    let c = t.references.iter().find(|r| r.kind == ReferenceKind::Constructed).unwrap();
    c.searches
        .iter()
        .filter(|s| s.floor == floor)
        .map(|s| match s.m_star {
            MStar::Found { m } => m,
            MStar::Censored { m_max } => m_max + 1,
        })
        .min()
        .unwrap()
}

#[test]
fn ball_and_radial_are_searched_by_every_d_input_trainer_against_both_references() {
    let r = committed();
    for fam in ["ball", "radial"] {
        let ts: Vec<_> = r.targets.iter().filter(|t| t.target.family() == fam).collect();
        assert!(ts.len() >= 4, "{fam}: {} targets", ts.len());
        for t in ts {
            for kind in [ReferenceKind::Constructed, ReferenceKind::Trained] {
                let refr =
                    t.references.iter().find(|x| x.kind == kind).unwrap_or_else(|| panic!("{}: {kind:?}", t.label));
                for trainer in ["greedy", "hybrid", "adam"] {
                    let n = refr.searches.iter().filter(|s| s.trainer.name() == trainer).count();
                    assert_eq!(n, r.config.floors.len(), "{} {kind:?}: {trainer} searches", t.label);
                }
            }
        }
    }
}

#[test]
fn every_constructed_net_is_within_its_documented_bound() {
    let r = committed();
    for t in r.targets.iter().filter(|t| matches!(t.target, TargetId::Ball { .. } | TargetId::Radial { .. })) {
        let target = t.target.build().unwrap();
        let claimed = target.construct_deep().unwrap().claimed.mse / target.variance();
        let c = t.references.iter().find(|r| r.kind == ReferenceKind::Constructed).unwrap();
        let measured = c.error.unwrap();
        assert!(measured <= claimed, "{}: measured nMSE {measured:e} above the bound {claimed:e}", t.label);
        assert!(claimed <= 1e-3, "{}: the construction is chosen for nMSE ≤ 1e-3", t.label);
    }
}

#[test]
fn the_ball_needs_more_units_as_d_grows_and_the_radial_sawtooth_as_k_grows() {
    let r = committed();
    let series = |pick: &dyn Fn(&TargetId) -> Option<u32>| {
        let mut v: Vec<(u32, u64)> =
            r.targets.iter().filter_map(|t| pick(&t.target).map(|x| (x, best(t, 1e-1)))).collect();
        v.sort();
        v
    };
    let ball = series(&|id| if let TargetId::Ball { d, .. } = id { Some(*d) } else { None });
    let radial = series(&|id| if let TargetId::Radial { d: 2, k } = id { Some(*k) } else { None });
    for (name, v) in [("ball over d", &ball), ("radial d = 2 over k", &radial)] {
        assert!(v.windows(2).all(|w| w[0].1 <= w[1].1), "{name}: m* at nMSE 0.1 is not non-decreasing: {v:?}");
        assert!(v.first().unwrap().1 < v.last().unwrap().1, "{name}: m* does not grow: {v:?}");
    }
}
