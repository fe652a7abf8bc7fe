//! The fewest kinks of a continuous piecewise-linear function within ε of a piecewise-linear target
//! in the sup norm: a minimal-link path through the ε-tube (Imai & Iri 1986).
//!
//! **The tube.** With target knots x_0 = 0 < … < x_n = 1 and values y_i, the upper chain is
//! U = f + ε and the lower chain L = f − ε. A continuous piecewise-linear g with K interior kinks is
//! a path of K + 1 links (segments) from the left edge x = 0 to the right edge x = 1 staying in
//! L ≤ g ≤ U.
//!
//! **Windows.** Let V_j be the points of the tube reachable from the left edge by a path of at most j
//! links. V_1 is bounded on the right by a *window*: a segment w_1 of the line that reaches
//! farthest right, from its last contact with one chain to where it leaves the tube through the other.
//! Every path to the right edge crosses w_1, every point of w_1 is reachable with one link, and no
//! point beyond it is; the same holds for w_{j+1} from w_j. So the fewest links is one more than the
//! number of windows before the right edge becomes reachable, and the path made of the extremal
//! lines, kinked where consecutive ones cross, attains it.
//!
//! **One stage.** If a window has its upper end at x_u and its lower end at x_l, a line crosses it and
//! stays in the tube up to c exactly when ℓ ≤ U at x_u, at the upper knots in (x_u, c) and at c,
//! and ℓ ≥ L at x_l, at the lower knots in (x_l, c) and at c (the crossing makes the other
//! constraints redundant). So the lines of a stage form a convex polygon F in (slope, intercept),
//! cut down knot by knot. When the next knot's constraints empty F, every line of F leaves the tube
//! on the current piece through the same chain (a line parallel to the chains would stay), and the
//! exit point of a line is a linear-fractional function of it, so its maximum c* over F is at a
//! vertex: that vertex is the stage's extremal line.
//!
//! Time: O(Σ stages × knots in the stage × |F|), about O(n) for targets whose windows are local.
//! Arithmetic is in f64: the returned path is checked exactly against the target by the caller.

use crate::net::Pwl;

/// The result of [`min_link`]: the fewest interior kinks and a path attaining it.
#[derive(Debug, Clone)]
pub struct MinLink {
    /// Fewest interior kinks of a continuous piecewise-linear g with sup |f − g| ≤ ε.
    pub kinks: usize,
    /// A g attaining it.
    pub path: Pwl,
}

type Pt = (f64, f64); // a line y = a x + b, as (a, b)
/// Windows as (x_u, x_l), their ends on the upper and lower chain.
type Windows = Vec<(f64, f64)>;

/// An edge of the feasible polygon in (a, b): a bounding-box side or a tube constraint
/// a·x + b = y. Vertices are recomputed from the two original constraints that meet there, so no
/// rounding accumulates as the polygon is cut down.
#[derive(Debug, Clone, Copy)]
enum Edge {
    /// a = c; `max`: the feasible side is a ≤ c.
    A(f64, bool),
    /// b = c; `max`: the feasible side is b ≤ c.
    B(f64, bool),
    /// a·x + b = y, from the chain point (x, y); `upper`: the feasible side is a·x + b ≤ y.
    P { x: f64, y: f64, upper: bool },
}

impl Edge {
    /// Signed violation of the half-plane this edge bounds (≤ 0 inside).
    fn value(self, (a, b): Pt) -> f64 {
        match self {
            Edge::P { x, y, upper: true } => a * x + b - y,
            Edge::P { x, y, upper: false } => y - a * x - b,
            Edge::A(c, true) => a - c,
            Edge::A(c, false) => c - a,
            Edge::B(c, true) => b - c,
            Edge::B(c, false) => c - b,
        }
    }
}

fn meet(e: Edge, f: Edge) -> Option<Pt> {
    match (e, f) {
        (Edge::A(a, _), Edge::B(b, _)) | (Edge::B(b, _), Edge::A(a, _)) => Some((a, b)),
        (Edge::A(a, _), Edge::P { x, y, .. }) | (Edge::P { x, y, .. }, Edge::A(a, _)) => Some((a, y - a * x)),
        (Edge::B(b, _), Edge::P { x, y, .. }) | (Edge::P { x, y, .. }, Edge::B(b, _)) => {
            (x != 0.0).then(|| ((y - b) / x, b))
        }
        (Edge::P { x: x1, y: y1, .. }, Edge::P { x: x2, y: y2, .. }) => (x1 != x2).then(|| {
            let a = (y1 - y2) / (x1 - x2);
            (a, y1 - a * x1)
        }),
        _ => None,
    }
}

/// A convex polygon in (a, b) as its cyclic list of edges; vertex i is edge i ∩ edge i + 1.
#[derive(Debug, Clone)]
struct Poly(Vec<Edge>);

impl Poly {
    fn square(big: f64) -> Self {
        Poly(vec![Edge::B(-big, false), Edge::A(big, true), Edge::B(big, true), Edge::A(-big, false)])
    }
    fn vertices(&self) -> Vec<Pt> {
        let n = self.0.len();
        (0..n).filter_map(|i| meet(self.0[i], self.0[(i + 1) % n])).collect()
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Cut by the half-plane of `h`; empty when no vertex is inside.
    fn cut(&self, h: Edge) -> Poly {
        let n = self.0.len();
        if n == 0 {
            return Poly(vec![]);
        }
        let inside: Vec<bool> =
            (0..n).map(|i| meet(self.0[i], self.0[(i + 1) % n]).is_some_and(|v| h.value(v) <= 0.0)).collect();
        if inside.iter().all(|&x| x) {
            return self.clone();
        }
        let Some(start) = (0..n).find(|&i| inside[i] && !inside[(i + n - 1) % n]) else {
            return Poly(vec![]);
        };
        // Vertices start..=end are inside: keep edges start..=end+1, then close with h.
        let mut edges = vec![self.0[start]];
        let mut i = start;
        while inside[i] {
            i = (i + 1) % n;
            edges.push(self.0[i]);
            if i == start {
                break;
            }
        }
        edges.push(h);
        Poly(edges)
    }
}

fn upper(x: f64, y: f64) -> Edge {
    Edge::P { x, y, upper: true }
}
fn lower(x: f64, y: f64) -> Edge {
    Edge::P { x, y, upper: false }
}

struct Tube<'a> {
    f: &'a Pwl,
    xs: &'a [f64],
    ys: &'a [f64],
    eps: f64,
}

impl Tube<'_> {
    fn chain(&self, x: f64, upper: bool) -> f64 {
        let y = self.f.eval(x);
        if upper { y + self.eps } else { y - self.eps }
    }
}

/// One stage from a window with upper end at `xu` and lower end at `xl`: `Ok(line)` when a line
/// reaches x = 1 (preferring slope 0), else `Err((extremal line, exit x, exits through upper))`.
fn stage(t: &Tube, xu: f64, xl: f64, big: f64) -> Result<Pt, (Pt, f64, bool)> {
    let mut f = Poly::square(big).cut(upper(xu, t.chain(xu, true))).cut(lower(xl, t.chain(xl, false)));
    let start = xu.min(xl);
    let mut i = t.xs.partition_point(|&k| k <= start);
    while i < t.xs.len() {
        let x = t.xs[i];
        let mut g = f.clone();
        if x > xu {
            g = g.cut(upper(x, t.ys[i] + t.eps));
        }
        if x > xl {
            g = g.cut(lower(x, t.ys[i] - t.eps));
        }
        if g.is_empty() {
            // Every line of f leaves on the piece [x_{i−1}, x]: find the one that gets farthest.
            let (x0, y0) = (t.xs[i - 1], t.ys[i - 1]);
            let s = (t.ys[i] - y0) / (x - x0);
            let mut best: Option<(f64, Pt, bool)> = None;
            for (a, b) in f.vertices() {
                let d = b + a * x0 - y0; // ℓ − f at x0
                let exit = if a > s && x > xu {
                    (x0 + (t.eps - d) / (a - s), true)
                } else if a < s && x > xl {
                    (x0 + (-t.eps - d) / (a - s), false)
                } else {
                    (x, a > s)
                };
                if best.is_none_or(|bst| exit.0 > bst.0) {
                    best = Some((exit.0, (a, b), exit.1));
                }
            }
            let (c, line, up) = best.expect("a non-empty polygon has vertices");
            return Err((line, c.min(x), up));
        }
        f = g;
        i += 1;
    }
    // The right edge is reached; a flat line if one fits, else the polygon's vertex centroid.
    let flat = f.cut(Edge::A(0.0, true)).cut(Edge::A(0.0, false));
    let v = if flat.is_empty() { f.vertices() } else { flat.vertices() };
    let n = v.len() as f64;
    let a = if flat.is_empty() { v.iter().map(|p| p.0).sum::<f64>() / n } else { 0.0 };
    Ok((a, v.iter().map(|p| p.1).sum::<f64>() / n))
}

/// The rightmost point in `[from, to]` (`from` or a target knot) where `line` is closest to the
/// chain: the window's far end on the chain the extremal line did not leave through.
fn contact(t: &Tube, line: Pt, from: f64, to: f64, upper: bool) -> f64 {
    let gap = |x: f64| {
        let d = line.0 * x + line.1 - t.chain(x, upper);
        if upper { -d } else { d }
    };
    // The knots in (from, to), found by bisection: a full scan per stage would make the whole
    // algorithm quadratic in the knots.
    let (lo, hi) = (t.xs.partition_point(|&x| x <= from), t.xs.partition_point(|&x| x < to));
    let mut cands = vec![from];
    cands.extend_from_slice(&t.xs[lo..hi.max(lo)]);
    let min = cands.iter().map(|&x| gap(x)).fold(f64::INFINITY, f64::min);
    let tol = 1e-9 * t.eps.max(1e-300) + 1e-12 * min.abs();
    cands.into_iter().rev().find(|&x| gap(x) <= min + tol).unwrap_or(from)
}

/// Half-side of the (slope, intercept) box the stage polygons start from: far beyond any line
/// that can stay in the tube.
fn bounding_box(target: &Pwl) -> f64 {
    let steep = target.slopes().iter().fold(1.0f64, |m, s| m.max(s.abs()));
    1e6 * (steep + 1.0 + target.ys().iter().fold(0.0f64, |m, y| m.max(y.abs())))
}

/// The extremal lines of the greedy stages and the window each stage starts from, as (x_u, x_l):
/// window 0 is the left edge (0, 0); the last line reaches x = 1.
fn stages(target: &Pwl, eps: f64) -> anyhow::Result<(Vec<Pt>, Windows)> {
    let t = Tube { f: target, xs: target.xs(), ys: target.ys(), eps };
    let big = bounding_box(target);
    let (mut xu, mut xl) = (0.0, 0.0);
    let mut lines: Vec<Pt> = Vec::new();
    let mut windows = vec![(0.0, 0.0)];
    let last = loop {
        match stage(&t, xu, xl, big) {
            Ok(line) => break line,
            Err((line, c, up)) => {
                lines.push(line);
                anyhow::ensure!(lines.len() <= 4 * t.xs.len() + 4, "min_link did not advance (ε = {eps})");
                if up {
                    xl = contact(&t, line, xl, c, false);
                    xu = c;
                } else {
                    xu = contact(&t, line, xu, c, true);
                    xl = c;
                }
                windows.push((xu, xl));
            }
        }
    };
    lines.push(last);
    Ok((lines, windows))
}

/// The fewest interior kinks of a continuous piecewise-linear g on \[0,1\] with sup |f − g| ≤ `eps`,
/// and a g attaining it. `eps` = 0 returns the target itself.
pub fn min_link(target: &Pwl, eps: f64) -> anyhow::Result<MinLink> {
    anyhow::ensure!(eps.is_finite() && eps >= 0.0, "tolerance must be finite and ≥ 0, got {eps}");
    if eps == 0.0 {
        return Ok(MinLink { kinks: target.pieces() - 1, path: target.clone() });
    }
    let (lines, _) = stages(target, eps)?;
    let mut xs = vec![0.0];
    for w in lines.windows(2) {
        let x = (w[1].1 - w[0].1) / (w[0].0 - w[1].0);
        anyhow::ensure!(
            x.is_finite() && x > *xs.last().unwrap() && x < 1.0,
            "min_link: kinks out of order at ε = {eps}"
        );
        xs.push(x);
    }
    xs.push(1.0);
    let k = lines.len() - 1;
    let at = |l: Pt, x: f64| l.0 * x + l.1;
    let ys: Vec<f64> = (0..xs.len())
        .map(|j| match j {
            0 => at(lines[0], 0.0),
            j if j == k + 1 => at(lines[k], 1.0),
            j => 0.5 * (at(lines[j - 1], xs[j]) + at(lines[j], xs[j])),
        })
        .collect();
    Ok(MinLink { kinks: lines.len() - 1, path: Pwl::new(xs, ys) })
}

/// The windows of the greedy stages for tolerance `eps` > 0: entry j bounds the points reachable
/// with at most j links, as (x_u, x_l), the window's ends on the upper and lower chain; entry 0 is
/// the left edge. There are K + 1 entries for K fewest kinks.
pub fn windows(target: &Pwl, eps: f64) -> anyhow::Result<Vec<(f64, f64)>> {
    anyhow::ensure!(eps.is_finite() && eps > 0.0, "tolerance must be finite and > 0, got {eps}");
    Ok(stages(target, eps)?.1)
}

/// The range of slopes of the lines that cross the window `(xu, xl)` and stay in the tube from the
/// window's far end max(x_u, x_l) up to `x_end` (a necessary condition on a link that starts left
/// of the window and ends at or after `x_end`). `None` when no line does.
pub fn slope_range(target: &Pwl, eps: f64, (xu, xl): (f64, f64), x_end: f64) -> Option<(f64, f64)> {
    let t = Tube { f: target, xs: target.xs(), ys: target.ys(), eps };
    let big = bounding_box(target);
    let mut f = Poly::square(big).cut(upper(xu, t.chain(xu, true))).cut(lower(xl, t.chain(xl, false)));
    let far = xu.max(xl);
    if x_end >= far {
        let (lo, hi) = (t.xs.partition_point(|&k| k <= far), t.xs.partition_point(|&k| k < x_end));
        for x in std::iter::once(far).chain(t.xs[lo..hi.max(lo)].iter().copied()).chain(std::iter::once(x_end)) {
            // Only strictly beyond each window end, as in `stage`: a constraint repeated at the
            // same x would make the polygon's edge list degenerate.
            if x > xu {
                f = f.cut(upper(x, t.chain(x, true)));
            }
            if x > xl {
                f = f.cut(lower(x, t.chain(x, false)));
            }
        }
    }
    let v = f.vertices();
    (!v.is_empty()).then(|| v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), p| (l.min(p.0), h.max(p.0))))
}
