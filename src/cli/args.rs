//! The command line's arguments (clap derive): every subcommand and flag, with its `--help` text.

use crate::family::sawtooth;
use crate::train::Metric;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Measured depth separation: how wide must a one-hidden-layer ReLU net be to match a deep one?
///
/// With no subcommand, runs the quick suite (sawtooth k = 1..=8) into results/quick.
#[derive(Parser)]
#[command(version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub cmd: Option<Cmd>,
}

#[derive(Subcommand)]
pub enum Cmd {
    /// Run a suite: deep references, minimal shallow width searches, results JSON. Resumes if interrupted.
    ///
    /// Progress: a bar on a terminal; otherwise (a log file, a batch job) a plain line on standard
    /// error at most every DEPTHSEP_PROGRESS_EVERY seconds (default 60; 0 = after every run).
    #[command(allow_negative_numbers = true)]
    Run {
        /// Built-in suite (quick, full, tiny, families, sup, landmarks, landmarks-xl, compositional, product) or a TOML file.
        #[arg(long, default_value = "quick")]
        suite: String,
        /// Output folder [default: results/SUITE (the suite's name)].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads [default: RAYON_NUM_THREADS if set, else all cores]. Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Run only shard I of N (0 ≤ I < N), for job arrays; combine with `merge`.
        #[arg(long, value_name = "I/N", value_parser = crate::suite::shard::parse_shard)]
        shard: Option<crate::results::ShardInfo>,
    },
    /// Run an experiment (fixed architectures, error against training step, several seeds) and
    /// draw its figure and table; an experiment already in OUT is redrawn, not rerun.
    #[command(allow_negative_numbers = true)]
    Experiment {
        /// Built-in experiment (safran2017: as published; safran2017-variant) or a TOML file.
        #[arg(default_value = "safran2017")]
        experiment: String,
        /// Output folder [default: results/experiments/NAME].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads [default: RAYON_NUM_THREADS if set, else all cores]. Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Merge shard results (from `run --shard I/N`) into one results document and report.
    Merge {
        /// The shards' results.json files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output folder for the merged results.json and report.
        #[arg(long)]
        out: PathBuf,
    },
    /// Search the minimal shallow width for one sawtooth Δ^k (the quick suite's settings), or for
    /// your own deep net (`--net`) against your own target (`--target`) or itself.
    #[command(allow_negative_numbers = true)]
    Search {
        /// Number of compositions k of the sawtooth (1..=24: exact errors need the 2^k + 1 knots).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=sawtooth::MAX_EXACT_K as i64),
              required_unless_present_any = ["net", "target"], conflicts_with_all = ["net", "target"])]
        k: Option<u32>,
        /// Your deep ReLU net saved from PyTorch: a state_dict of nn.Linear layers (safetensors, or
        /// torch.save's .pt/.pth) or an ONNX export: the reference to match (τ = max(floor, its error
        /// against the target)).
        #[arg(long, value_name = "NET")]
        net: Option<PathBuf>,
        /// The order of your net's nn.Linear layers by their state_dict names, comma-separated (e.g.
        /// fc1,fc2,fc3,out) [default: read from an nn.Sequential's indices, or from the shapes and
        /// numbered names when only one order fits].
        #[arg(long, value_delimiter = ',', value_name = "NAMES", requires = "net")]
        layers: Option<Vec<String>>,
        /// The target [default: the net itself]: knots:PATH, samples:PATH, or a built-in member
        /// FAMILY:PARAM=VALUE,… (e.g. sawtooth:k=3).
        #[arg(long, value_name = "TARGET")]
        target: Option<String>,
        /// Tolerance floors, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "0.1,0.01,0.001")]
        floors: Vec<f64>,
        /// Error metric.
        #[arg(long, value_enum, default_value = "nmse")]
        metric: MetricArg,
        /// Seeds per width.
        #[arg(long, default_value_t = 3)]
        seeds: u32,
        /// Largest width tried [default: 1024 for the sawtooth; each trainer's full-suite cap with --net].
        #[arg(long)]
        m_max: Option<usize>,
        /// Shallow trainers to run, comma-separated [default: those that fit the target: freeknot,
        /// hybrid, adam on one input; greedy, hybrid, adam on d].
        #[arg(long, value_delimiter = ',')]
        trainers: Vec<String>,
        /// Also train the deep reference (otherwise only the constructed one, or your net).
        #[arg(long)]
        trained: bool,
        /// Output folder [default: results/search-kK, or results/search-NAME with --net].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads [default: RAYON_NUM_THREADS if set, else all cores].
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Inspect your deep ReLU net saved from PyTorch (safetensors, .pt/.pth or ONNX): its exact
    /// linear pieces on [0, 1] against the depth-width bound and a figure (one input), its errors
    /// against a target (exact in 1-D, Monte Carlo with 95% intervals on d inputs).
    Inspect {
        /// The net: a state_dict of nn.Linear layers (safetensors, or torch.save's .pt/.pth; any
        /// layer names) or an ONNX export (Gemm or MatMul + Add, Relu).
        net: PathBuf,
        /// The order of the nn.Linear layers by their state_dict names, comma-separated (e.g.
        /// fc1,fc2,fc3,out) [default: read from an nn.Sequential's indices, or from the shapes and
        /// numbered names when only one order fits].
        #[arg(long, value_delimiter = ',', value_name = "NAMES")]
        layers: Option<Vec<String>>,
        /// A target to measure it against: knots:PATH, samples:PATH, or FAMILY:PARAM=VALUE,…
        #[arg(long, value_name = "TARGET")]
        target: Option<String>,
        /// Monte Carlo points (d inputs).
        #[arg(long, default_value_t = 65536, value_parser = clap::value_parser!(u64).range(100..=16_777_216))]
        points: u64,
        /// Where the figure goes (1-input nets) [default: results/inspect/NAME.svg].
        #[arg(long)]
        figure: Option<PathBuf>,
    },
    /// Redraw the whole report from a results document (no training): SVG and PDF figures, tables,
    /// headline.md, methods.md/.tex, references.bib and index.html.
    Report {
        /// Results document.
        #[arg(long = "in", default_value = "reports/results.json")]
        input: PathBuf,
        /// Output folder [default: the results document's folder].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also fill this README's generated headline block (between its `<!-- headline:begin` and
        /// `<!-- headline:end -->` lines) with the first family's headline table.
        #[arg(long, value_name = "README")]
        readme: Option<PathBuf>,
        /// First recompute every search's certified bracket from this depthsep's theory (no
        /// training), list the ones that changed and write the results document back.
        #[arg(long)]
        refresh_brackets: bool,
    },
    /// Import criterion's timings (`cargo bench -- matched`) of the deep and matched shallow nets into a
    /// results document, then redraw its report.
    Costs {
        /// Results document to update.
        #[arg(long = "in", default_value = "reports/results.json")]
        input: PathBuf,
        /// Criterion's output folder.
        #[arg(long, default_value = "target/criterion")]
        criterion: PathBuf,
        /// Where the updated results and report go [default: results/costs].
        #[arg(long, conflicts_with = "in_place")]
        out: Option<PathBuf>,
        /// Update the input's own folder (e.g. the committed reports/) instead.
        #[arg(long)]
        in_place: bool,
    },
    /// Measure the deep references' trainability frontier (recipes × widths × k = 1..k_max on the
    /// sawtooth, several seeds each), store it in a results document and redraw its report
    /// (frontier.svg, frontier.md).
    #[command(allow_negative_numbers = true)]
    Frontier {
        /// Results document to update (its master seed and deep training settings are used).
        #[arg(long = "in", default_value = "reports/results.json")]
        input: PathBuf,
        /// Largest k (1..=20).
        #[arg(long, default_value_t = 12)]
        k_max: u32,
        /// Seeds per recipe, width and k.
        #[arg(long, default_value_t = 3)]
        seeds: u32,
        /// Hidden widths, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "2,8")]
        widths: Vec<usize>,
        /// Family: sawtooth, golden, takagi-a2 (any a ≥ 2), square, radial-d2 (any d ≥ 2).
        #[arg(long, default_value = "sawtooth")]
        family: String,
        /// Recipes, comma-separated [default: all of plain, asymmetric, lm, curriculum, triangle,
        /// triangle_curriculum, layerwise], or `generic` for every generic one.
        #[arg(long, value_delimiter = ',')]
        recipes: Vec<String>,
        /// Step budgets as factors of each recipe's steps per stage, comma-separated (`1,10`: 3000
        /// and 30000 steps for the hybrid recipes; a factor n ≠ 1 names the recipe `<name> ×n`).
        #[arg(long, value_delimiter = ',', default_value = "1")]
        budgets: Vec<usize>,
        /// Stop a recipe and width after two consecutive k whose best seed is above this nMSE.
        #[arg(long, default_value_t = crate::suite::frontier::GIVE_UP)]
        give_up: f64,
        /// Worker threads [default: RAYON_NUM_THREADS if set, else all cores]. Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Where the updated results and report go [default: results/frontier].
        #[arg(long, conflicts_with = "in_place")]
        out: Option<PathBuf>,
        /// Update the input's own folder (e.g. the committed reports/) instead.
        #[arg(long)]
        in_place: bool,
    },
    /// Measure depth profiles: the smallest net at every depth L = 1..l_max per target and
    /// tolerance (certified lower bound, construction sized to the tolerance, trained by generic
    /// recipes), store them in a results document and redraw its report (depth.svg, depth.md).
    Profile {
        /// Profile config: a built-in name (full: sawtooth, golden-ratio map, x² and max of d, for reports/; landmarks: ball
        /// and radial, for reports/landmarks/) or a TOML file.
        #[arg(long, default_value = "full")]
        config: String,
        /// Results document to update (its shallow searches give the trained column at depth 1).
        #[arg(long = "in", default_value = "reports/results.json")]
        input: PathBuf,
        /// Worker threads [default: RAYON_NUM_THREADS if set, else all cores]. Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Where the updated results, the run log and the report go [default: results/profile].
        #[arg(long, conflicts_with = "in_place")]
        out: Option<PathBuf>,
        /// Update the input's own folder (e.g. the committed reports/) instead.
        #[arg(long)]
        in_place: bool,
    },
    /// Print the certified bracket on the minimal shallow width per member and tolerance, and how
    /// each end was obtained.
    #[command(allow_negative_numbers = true)]
    Bounds {
        /// Family: sawtooth, golden, takagi-aA (A ≥ 2) or square.
        #[arg(long, default_value = "sawtooth")]
        family: String,
        /// One target of your own instead of a family (exact 1-D targets; sup bracket):
        /// knots:PATH, samples:PATH (one input) or FAMILY:PARAM=VALUE,…
        #[arg(long, value_name = "TARGET", conflicts_with = "net")]
        target: Option<String>,
        /// A 1-input net of your own as the target (safetensors, .pt/.pth or ONNX).
        #[arg(long, value_name = "NET")]
        net: Option<PathBuf>,
        /// The order of your net's nn.Linear layers by their state_dict names, comma-separated (e.g.
        /// fc1,fc2,fc3,out) [default: read from an nn.Sequential's indices, or from the shapes and
        /// numbered names when only one order fits].
        #[arg(long, value_delimiter = ',', value_name = "NAMES", requires = "net")]
        layers: Option<Vec<String>>,
        /// Largest member (k, t, K or L), from 1.
        #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=sawtooth::MAX_K as i64))]
        k_max: u32,
        /// Tolerances, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "0,0.001,0.01,0.1")]
        eps: Vec<f64>,
        /// Error metric.
        #[arg(long, value_enum, default_value = "nmse")]
        metric: MetricArg,
    },
    /// Layer probes: how much of each level of a target's hierarchy each hidden layer carries
    /// (held-out R² of a linear and a random-feature probe), for nets trained by generic recipes and
    /// for the construction. The sawtooth's levels are Δ^1 … Δ^k (writes probes.json, .md, .svg,
    /// .pdf); the compositional tree's are its levels of |a − b| nodes (writes tree-probes.*).
    Probe {
        /// The hierarchy probed: sawtooth (levels Δ^1 … Δ^k), golden (the iterates f^1 … f^t),
        /// takagi-aA (A ≥ 2; the partial sums T_1 … T_K) or compositional (the tree's levels).
        #[arg(long, default_value = "sawtooth")]
        family: String,
        /// Sawtooth: largest k (2..=12); every k from 2 is probed.
        #[arg(long, default_value_t = 6)]
        k_max: u32,
        /// Compositional: input dimensions, comma-separated (2, 4, 8, 16).
        #[arg(long, value_delimiter = ',', default_value = "4,8")]
        d: Vec<u32>,
        /// Seeds per recipe and k (the best by nMSE is probed).
        #[arg(long, default_value_t = 3)]
        seeds: u32,
        /// Widths of the trained nets, comma-separated [default: 4,8 for the sawtooth (4 cannot hold
        /// Δ^k in one layer from k = 3), 8,32 for the tree].
        #[arg(long, value_delimiter = ',')]
        widths: Option<Vec<usize>>,
        /// Output folder.
        #[arg(long, default_value = "results/probes")]
        out: std::path::PathBuf,
        /// Worker threads [default: RAYON_NUM_THREADS if set, else all cores].
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Transfer on the compositional tree: lower layers trained on the tree of |a − b|, frozen, and
    /// only the top layer trained on its sibling (max(a, b) at the top node), against training from
    /// scratch and against frozen random lower layers. Writes transfer.json and transfer.md.
    Transfer {
        /// Input dimensions, comma-separated (4, 8 or 16).
        #[arg(long, value_delimiter = ',', default_value = "4,8")]
        d: Vec<u32>,
        /// Hidden width of every layer.
        #[arg(long, default_value_t = 32)]
        width: usize,
        /// Seeds per d.
        #[arg(long, default_value_t = 3)]
        seeds: u32,
        /// Output folder.
        #[arg(long, default_value = "results/transfer")]
        out: std::path::PathBuf,
        /// Worker threads [default: RAYON_NUM_THREADS if set, else all cores].
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Print the exact constructions for sawtooth k = 1..=K: pieces, deep and shallow nets, exact errors.
    #[command(allow_negative_numbers = true)]
    Constructions {
        /// Largest k (1..=20).
        #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=20))]
        k_max: u32,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum MetricArg {
    /// Normalised MSE: MSE / Var(target).
    Nmse,
    /// L1 error.
    L1,
    /// Sup error max |f − g| (exact 1-D targets only).
    Sup,
}

impl From<MetricArg> for Metric {
    fn from(m: MetricArg) -> Self {
        match m {
            MetricArg::Nmse => Metric::Nmse,
            MetricArg::L1 => Metric::L1,
            MetricArg::Sup => Metric::Sup,
        }
    }
}
