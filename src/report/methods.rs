//! `methods.md` and `methods.tex`: a methods paragraph generated from the results document alone
//! (families and sizes, references, trainers and their settings, seeds, data, the tolerance,
//! search and censoring rules, hardware and time), citing the keys of `references.bib`
//! (pandoc `[@key]` in Markdown, `\cite{key}` in LaTeX).

use super::Artifact;
use super::figures::families;
use super::grid::escape_latex;
use crate::results::Results;
use crate::suite::{Depth, ReferenceKind};
use crate::train::{Init, Prose};

/// Which of the two files.
#[derive(Clone, Copy)]
pub struct Methods {
    tex: bool,
}

/// Both methods files.
pub fn all() -> Vec<Box<dyn Artifact>> {
    vec![Box::new(Methods { tex: false }), Box::new(Methods { tex: true })]
}

impl Methods {
    /// Inline maths: `md` as plain Unicode text, `tex` inside `$…$`.
    fn m(&self, md: &str, tex: &str) -> String {
        if self.tex { format!("${tex}$") } else { md.to_string() }
    }

    /// A citation of `keys` (all in `references.bib`).
    fn cite(&self, keys: &[&str]) -> String {
        if self.tex {
            format!("~\\cite{{{}}}", keys.join(","))
        } else {
            format!(" [{}]", keys.iter().map(|k| format!("@{k}")).collect::<Vec<_>>().join("; "))
        }
    }

    /// Text that came from the document (names, CPU model): escaped for LaTeX.
    fn t(&self, s: &str) -> String {
        if self.tex { escape_latex(s) } else { s.to_string() }
    }

    /// A name in code font.
    fn code(&self, s: &str) -> String {
        if self.tex { format!("\\texttt{{{}}}", escape_latex(s)) } else { format!("`{s}`") }
    }

    /// A number range `a–b`, or `a` when equal.
    fn range(&self, a: f64, b: f64) -> String {
        let dash = if self.tex { "--" } else { "–" };
        if a == b { format!("{a}") } else { format!("{a}{dash}{b}") }
    }

    /// The family's sentence and citation keys, from the registry.
    fn family(&self, id: &crate::family::TargetId) -> (String, Vec<&'static str>) {
        let info = id.info();
        ((info.describe)(id, &|md: &str, tex: &str| self.m(md, tex)), info.keys())
    }

    /// How the deep references were trained, per family, each recipe labelled generic or
    /// structure-aware, e.g. `, trained in the triangle-wave parametrisation [..] (sawtooth, golden;
    /// `triangle_curriculum`, structure-aware: …); by a warm-start curriculum (takagi; …)`.
    fn recipes(&self, r: &Results) -> String {
        use crate::recipe::Recipe;
        let say = |r: Recipe| r.spec().methods(self);
        let mut groups: Vec<(Recipe, Vec<&'static str>)> = Vec::new();
        for t in r.targets.iter().filter(|t| t.references.iter().any(|x| x.kind == ReferenceKind::Trained)) {
            let recipe = r.deep_recipe(t);
            let fam = t.target.family();
            match groups.iter_mut().find(|(g, _)| *g == recipe) {
                Some((_, fams)) if !fams.contains(&fam) => fams.push(fam),
                Some(_) => {}
                None => groups.push((recipe, vec![fam])),
            }
        }
        if groups.iter().all(|(g, _)| g.is_plain()) {
            return String::new();
        }
        let parts: Vec<String> = groups
            .iter()
            .map(|(g, fams)| {
                let fams: Vec<String> = fams.iter().map(|f| self.t(f)).collect();
                format!("{} ({}; {}, {}: {})", say(*g), fams.join(", "), self.code(g.name()), g.kind(), g.info().why)
            })
            .collect();
        format!(", trained {}", parts.join("; "))
    }

    fn trainer(&self, r: &Results, i: usize) -> String {
        let sh = &r.config.shallow[i];
        let tr = &sh.train;
        let init = match tr.init {
            Init::Torch => format!("PyTorch's default initialisation{}", self.cite(&["paszke2019"])),
            Init::He => "He-normal weights and zero biases".into(),
            Init::Breakpoint => "He-normal weights with breakpoints uniform in the domain".into(),
            Init::Asymmetric => format!("randomised asymmetric initialisation{}", self.cite(&["lu2020dying"])),
            Init::Glorot => "Glorot-uniform weights and zero biases".into(),
        };
        let what = tr.optimizer.kind().methods(self, tr.steps, &init);
        let what =
            if tr.dtype == crate::train::Dtype::F32 { format!("{what}, trained in single precision") } else { what };
        let many = r.targets.iter().any(|t| t.dim > 1);
        let one = r.targets.iter().any(|t| t.dim == 1);
        let mut data = Vec::new();
        if one && tr.optimizer.fits_dim(1) {
            data.push(format!(
                "{} training points per linear piece of the target (at least {})",
                tr.data_per_piece, tr.data_min
            ));
        }
        if many && tr.optimizer.fits_dim(2) {
            let batch = if tr.optimizer.gradient().is_some_and(|g| g.batch.is_none()) {
                format!(" and minibatches of {}", tr.sampled.batch)
            } else {
                String::new()
            };
            data.push(format!(
                "on targets with {} inputs {} training points per parameter of the net (at least {}){batch}",
                self.m("d > 1", "d > 1"),
                tr.sampled.per_param,
                tr.sampled.min
            ));
        }
        format!(
            "{what}, with {} seeds per width, {} and widths up to {}{}",
            sh.seeds,
            data.join("; "),
            sh.m_max,
            sh.max_pieces.map_or(String::new(), |p| format!(" (run on targets of at most {p} pieces)")),
        )
    }

    /// "exactly", or which families' constructions approximate (within a proved bound).
    /// What the deep reference is: constructed (and how exactly), or the user's own nets.
    fn deep_reference(&self, r: &Results) -> String {
        let constructed: Vec<&crate::results::ReferenceResult> =
            r.targets.iter().flat_map(|t| &t.references).filter(|x| x.kind == ReferenceKind::Constructed).collect();
        if !constructed.is_empty() && constructed.iter().all(|x| x.net.is_some()) {
            let nets: Vec<String> = constructed
                .iter()
                .filter_map(|x| x.net.as_ref())
                .map(|f| format!("your net ({})", self.code(f)))
                .collect();
            return format!(
                "Each target's deep reference is {}: a ReLU net read from a PyTorch file, not constructed, matched at \
                 its own measured error (the reference error)",
                nets.join(", ")
            );
        }
        format!(
            "Each target is computed {} by a constructed deep ReLU net with explicit weights",
            self.construction_accuracy(r)
        )
    }

    fn construction_accuracy(&self, r: &Results) -> String {
        let mut approx: Vec<&str> = Vec::new();
        for t in &r.targets {
            let constructed = t.references.iter().find(|x| x.kind == ReferenceKind::Constructed);
            let inexact = constructed.and_then(|x| x.error).is_some_and(|e| e > 1e-12);
            if inexact && !approx.contains(&t.target.family()) {
                approx.push(t.target.family());
            }
        }
        // A target of your own is matched to the net you gave: no bound is proved, its error is measured.
        let own = approx.contains(&"file");
        approx.retain(|f| *f != "file");
        let nets: Vec<String> = r
            .targets
            .iter()
            .flat_map(|t| &t.references)
            .filter_map(|x| x.net.as_ref().map(|f| format!("your net ({})", self.code(f))))
            .collect();
        let mut text = if approx.is_empty() {
            "exactly".to_string()
        } else {
            let names: Vec<String> = approx.iter().map(|f| self.code(f)).collect();
            format!(
                "exactly, or within the error bound its family proves ({}; the net's measured error is the reference error)",
                names.join(", ")
            )
        };
        if !nets.is_empty() {
            text += &format!(
                " (a target of your own: its deep reference is {}, a ReLU net read from a PyTorch file rather than \
                 constructed, matched within its measured error, the reference error)",
                nets.join(", ")
            );
        } else if own {
            text += " (a target of your own: within the measured error of the deep net you gave, the reference error)";
        }
        text
    }

    fn paragraph(&self, r: &Results) -> String {
        let c = &r.config;
        let metric = match c.metric {
            crate::train::Metric::Nmse => {
                format!(
                    "normalised mean squared error ({}, 1 = the best constant)",
                    self.m("MSE/Var f", "\\mathrm{MSE}/\\mathrm{Var}\\,f")
                )
            }
            crate::train::Metric::L1 => format!("{} error", self.m("L1", "L^1")),
            crate::train::Metric::Sup => format!("sup error ({}, exact)", self.m("max |f − g|", "\\max|f-g|")),
        };
        let fams: Vec<String> = families(r)
            .iter()
            .map(|f| {
                let (name, keys) = self.family(&f.targets[0].target);
                let (lo, hi) = f.range();
                let pieces = if f.targets.iter().all(|t| t.dim == 1) {
                    let p = f.targets.iter().map(|t| t.pieces as f64);
                    let (pl, ph) = (p.clone().fold(f64::INFINITY, f64::min), p.fold(0.0, f64::max));
                    format!(", {} linear pieces", self.range(pl, ph))
                } else {
                    String::new()
                };
                let cite = if keys.is_empty() { String::new() } else { self.cite(&keys) };
                if f.axis == "file" {
                    // A target of your own is one member: no parameter range to state.
                    return format!("{name}{pieces}{cite}");
                }
                format!("{name} for {} = {}{pieces}{cite}", self.m(f.axis, f.axis), self.range(lo, hi))
            })
            .collect();
        let trained = c.references.contains(&ReferenceKind::Trained);
        let depth = match c.deep.depth {
            Depth::PerK(_) => "the depth of the construction".to_string(),
            Depth::Fixed(d) => format!("depth {d}"),
        };
        let floors: Vec<String> = c.floors.iter().map(|f| f.to_string()).collect();
        let trainers: Vec<String> = (0..c.shallow.len()).map(|i| self.trainer(r, i)).collect();
        let p = &r.provenance;
        let wall = match p.resumed_runs {
            Some(n) => format!(
                " (resumed: {n} runs were read back from an earlier invocation's run log, so no wall time is given)"
            ),
            None => wall_time(&p.started, &p.finished).map_or(String::new(), |w| format!(" in {w} of wall time")),
        };
        let mstar = self.m("m*", "m^*");
        let mut s = format!(
            "We measured depth separation with depthsep {}{} (suite {}, config hash {}, master seed {}). \
             Targets: {}. {}",
            self.t(&p.crate_version),
            self.cite(&[super::bib::SOFTWARE_KEY]),
            self.code(&c.name),
            r.config_hash,
            c.master_seed,
            fams.join("; "),
            self.deep_reference(r),
        );
        if trained {
            s += &format!(
                "; a trained deep reference (width {}{}, {depth}, best of {} seeds, {} steps of the {} trainer{}) is \
                 matched as well, and searches against a reference that collapsed to the constant or did not fit are \
                 flagged and not read as separations",
                c.deep.width,
                c.deep.width_by_family.iter().map(|(f, w)| format!(" ({w} for {f})")).collect::<String>(),
                c.deep.seeds,
                c.deep.train.steps,
                self.code(c.deep.train.optimizer.name()),
                self.recipes(r),
            );
        }
        s += &format!(
            ". For every reference and tolerance floor {} of the {metric}, we searched the minimal width {} \
             of a one-hidden-layer ReLU net that reaches {} with at least one seed, for each of {} trainers: {}. \
             Training points are drawn from the target's input distribution (uniform unless stated above) with each run's own ChaCha8 stream, derived from the master seed, so \
             every number is reproducible bit for bit. Errors of one-input nets are exact (closed form on the union of \
             the knots); errors on {} inputs are Monte Carlo estimates on {} held-out points, and a run reaches {} only \
             when its 95{} interval lies below it. The search starts at {}, doubles the width to the first success \
             and then bisects; a width that fails although a narrower one succeeds is reported as non-monotone \
             evidence. When no width up to the trainer's cap succeeds, the result is reported as censored ({}), never \
             extrapolated. Where theory gives \
             one, each {mstar} is printed beside the certified bracket [lower bound, constructive upper bound] on the best \
             possible width (lower ends: for the sawtooth in L2 and L1 the larger of Telgarsky's sign-change bound and \
             the kink-free-tent bound, in the sup norm the fewest kinks of a minimal-link path through the tube; upper \
             ends: explicit weights whose error is computed exactly). The suite ran on {} with {} threads{wall}.",
            self.m(
                &format!("ε ∈ {{{}}}", floors.join(", ")),
                &format!("\\varepsilon \\in \\{{{}\\}}", floors.join(", "))
            ),
            self.m("m*", "m^*"),
            self.m("τ = max(reference error, ε)", "\\tau = \\max(\\mathrm{reference\\ error}, \\varepsilon)"),
            trainers.len(),
            trainers.join("; "),
            self.m("d > 1", "d > 1"),
            c.eval_points.unwrap_or(crate::train::SAMPLE_EVAL_POINTS),
            self.m("τ", "\\tau"),
            if self.tex { "\\%" } else { "%" },
            if c.shallow.iter().all(|s| s.prune_with_theory) {
                "the certified lower bound where theory gives one (narrower nets cannot succeed), else at width 1"
            } else {
                "width 1 for trainers that do not prune with theory, else at the certified lower bound"
            },
            self.m("> m_max", "> m_{\\max}"),
            self.t(&p.cpu),
            p.threads,
        );
        s
    }
}

/// Trainers and recipes write their sentences through this.
impl Prose for Methods {
    fn code(&self, name: &str) -> String {
        Methods::code(self, name)
    }
    fn cite(&self, keys: &[&str]) -> String {
        Methods::cite(self, keys)
    }
    fn dash(&self) -> &'static str {
        if self.tex { "--" } else { "–" }
    }
}

impl Artifact for Methods {
    fn file_name(&self) -> &'static str {
        if self.tex { "methods.tex" } else { "methods.md" }
    }

    fn render(&self, r: &Results) -> anyhow::Result<String> {
        let para = self.paragraph(r);
        Ok(if self.tex {
            format!(
                "% Generated by `depthsep report` from results.json (suite `{}`, config {}); cite keys from references.bib.\n{para}\n",
                r.config.name, r.config_hash
            )
        } else {
            format!("{para}\n\nReferences: `references.bib` (pandoc: `--citeproc --bibliography references.bib`).\n")
        })
    }
}

/// The time between two RFC 3339 stamps, e.g. `29m 9s`; `None` when either does not parse.
fn wall_time(started: &str, finished: &str) -> Option<String> {
    let a = humantime::parse_rfc3339_weak(started).ok()?;
    let b = humantime::parse_rfc3339_weak(finished).ok()?;
    let d = b.duration_since(a).ok()?;
    Some(humantime::format_duration(std::time::Duration::from_secs(d.as_secs())).to_string())
}
