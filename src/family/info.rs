//! What everything outside a family's folder needs to know about it, in one value: its config and
//! CLI name, display label, parameter names, the works it cites (with their BibTeX entries) and the
//! sentence the methods paragraph uses for it. Each family folder defines one `INFO`; the registry
//! ([`super::FAMILIES`]) lists them, and config validation, `references.bib`, the methods paragraph
//! and the command line read only that list.

use super::TargetId;

/// Inline maths for a methods sentence: `m(unicode, latex)` gives the form of the file being
/// written (plain Unicode in Markdown, `$…$` in LaTeX).
pub type Math<'a> = &'a dyn Fn(&str, &str) -> String;

/// One family's metadata.
#[derive(Clone, Copy)]
pub struct FamilyInfo {
    /// The name in configs (`family = "…"`), results and per-family tables (`recipe_by_family`).
    pub name: &'static str,
    /// How tables and prose name it, e.g. `"sawtooth Δ^k"`.
    pub label: &'static str,
    /// Its integer parameters, axis parameter last (e.g. `["a", "k"]` for Takagi sums).
    pub params: &'static [&'static str],
    /// How `--family` names one series on the command line, e.g. `"takagi-aA (A ≥ 2)"`; `None`
    /// when the family has no series to grow along (its axis is not a depth).
    pub cli: Option<&'static str>,
    /// Whether its targets have d > 1 inputs (sampled errors and data, the d-input trainers).
    pub many_input: bool,
    /// The works its methods sentence cites: `(key, BibTeX entry)`, written into `references.bib`.
    pub works: &'static [(&'static str, &'static str)],
    /// The methods sentence naming a member of `series`, e.g. "the iterated tent map Δ^k (sawtooth)".
    pub describe: fn(series: &TargetId, m: Math) -> String,
}

impl FamilyInfo {
    /// The citation keys of [`FamilyInfo::works`].
    pub fn keys(&self) -> Vec<&'static str> {
        self.works.iter().map(|(k, _)| *k).collect()
    }
}

impl std::fmt::Debug for FamilyInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FamilyInfo").field("name", &self.name).field("params", &self.params).finish_non_exhaustive()
    }
}
