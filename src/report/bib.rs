//! `references.bib`: the works a report relies on (the families' theorems, the trainers' methods)
//! and this software, with its version and the results' config hash. The keys are the ones
//! `methods.md` / `methods.tex` cite.

use super::Artifact;
use crate::results::Results;

/// The trainers' and recipes' works, by key; the families' works come from the registry
/// ([`crate::family::FAMILIES`]). Every key `methods` cites is in one of the two (a test checks).
pub const WORKS: &[(&str, &str)] = &[
    (
        "milkert2025",
        "@inproceedings{milkert2025,\n  author = {Milkert, Max and Hyde, David and Laine, Forrest John},\n  title = {Compelling {ReLU} Networks to Exhibit Exponentially Many Linear Regions at Initialization and During Training},\n  booktitle = {Proceedings of the 42nd International Conference on Machine Learning (ICML)},\n  series = {Proceedings of Machine Learning Research},\n  volume = {267},\n  pages = {44175--44198},\n  year = {2025},\n  eprint = {2311.18022},\n  archivePrefix = {arXiv}\n}",
    ),
    (
        "kingma2015",
        "@inproceedings{kingma2015,\n  author = {Kingma, Diederik P. and Ba, Jimmy},\n  title = {Adam: A Method for Stochastic Optimization},\n  booktitle = {International Conference on Learning Representations (ICLR)},\n  year = {2015},\n  eprint = {1412.6980},\n  archivePrefix = {arXiv}\n}",
    ),
    (
        "paszke2019",
        "@inproceedings{paszke2019,\n  author = {Paszke, Adam and Gross, Sam and Massa, Francisco and Lerer, Adam and Bradbury, James and Chanan, Gregory and Killeen, Trevor and Lin, Zeming and Gimelshein, Natalia and Antiga, Luca and Desmaison, Alban and K{\\\"o}pf, Andreas and Yang, Edward and DeVito, Zachary and Raison, Martin and Tejani, Alykhan and Chilamkurthy, Sasank and Steiner, Benoit and Fang, Lu and Bai, Junjie and Chintala, Soumith},\n  title = {{PyTorch}: An Imperative Style, High-Performance Deep Learning Library},\n  booktitle = {Advances in Neural Information Processing Systems 32 (NeurIPS)},\n  year = {2019}\n}",
    ),
    (
        "cyr2020",
        "@inproceedings{cyr2020,\n  author = {Cyr, Eric C. and Gulian, Mamikon A. and Patel, Ravi G. and Perego, Mauro and Trask, Nathaniel A.},\n  title = {Robust Training and Initialization of Deep Neural Networks: An Adaptive Basis Viewpoint},\n  booktitle = {Proceedings of The First Mathematical and Scientific Machine Learning Conference (MSML)},\n  series = {Proceedings of Machine Learning Research},\n  volume = {107},\n  pages = {512--536},\n  year = {2020},\n  eprint = {1912.04862},\n  archivePrefix = {arXiv}\n}",
    ),
    (
        "golub1973",
        "@article{golub1973,\n  author = {Golub, Gene H. and Pereyra, Victor},\n  title = {The Differentiation of Pseudo-Inverses and Nonlinear Least Squares Problems Whose Variables Separate},\n  journal = {SIAM Journal on Numerical Analysis},\n  volume = {10},\n  number = {2},\n  pages = {413--432},\n  year = {1973}\n}",
    ),
    (
        "levenberg1944",
        "@article{levenberg1944,\n  author = {Levenberg, Kenneth},\n  title = {A Method for the Solution of Certain Non-Linear Problems in Least Squares},\n  journal = {Quarterly of Applied Mathematics},\n  volume = {2},\n  number = {2},\n  pages = {164--168},\n  year = {1944}\n}",
    ),
    (
        "marquardt1963",
        "@article{marquardt1963,\n  author = {Marquardt, Donald W.},\n  title = {An Algorithm for Least-Squares Estimation of Nonlinear Parameters},\n  journal = {Journal of the Society for Industrial and Applied Mathematics},\n  volume = {11},\n  number = {2},\n  pages = {431--441},\n  year = {1963}\n}",
    ),
    (
        "jupp1978",
        "@article{jupp1978,\n  author = {Jupp, David L. B.},\n  title = {Approximation to Data by Splines with Free Knots},\n  journal = {SIAM Journal on Numerical Analysis},\n  volume = {15},\n  number = {2},\n  pages = {328--343},\n  year = {1978}\n}",
    ),
    (
        "lu2020dying",
        "@article{lu2020dying,\n  author = {Lu, Lu and Shin, Yeonjong and Su, Yanhui and Karniadakis, George Em},\n  title = {Dying {ReLU} and Initialization: Theory and Numerical Examples},\n  journal = {Communications in Computational Physics},\n  volume = {28},\n  number = {5},\n  pages = {1671--1706},\n  year = {2020},\n  eprint = {1903.06733},\n  archivePrefix = {arXiv}\n}",
    ),
];

/// The BibTeX key of this software.
pub const SOFTWARE_KEY: &str = "depthsep";

/// The software entry (`@misc`, which every BibTeX style knows): version, commit when known, and the config hash of the cited results.
pub fn software_entry(r: &Results) -> String {
    let commit = r.provenance.git_commit.as_deref().map_or(String::new(), |c| format!(", commit {c}"));
    format!(
        "@misc{{{SOFTWARE_KEY},\n  author = {{{{The depthsep developers}}}},\n  title = {{depthsep: Measured Depth Separation for {{ReLU}} Networks}},\n  howpublished = {{Software, version {}}},\n  year = {{{}}},\n  note = {{Results of suite `{}', config hash {}{commit}}}\n}}",
        r.provenance.crate_version,
        r.provenance.finished.get(..4).unwrap_or("2026"),
        r.config.name,
        r.config_hash,
    )
}

/// `references.bib`.
pub struct References;

impl Artifact for References {
    fn file_name(&self) -> &'static str {
        "references.bib"
    }

    fn render(&self, r: &Results) -> anyhow::Result<String> {
        let mut s = format!(
            "% Works the depthsep report of suite `{}` (config {}) relies on; keys as cited in methods.md / methods.tex.\n\n",
            r.config.name, r.config_hash
        );
        s += &software_entry(r);
        s += "\n\n";
        let families = crate::family::FAMILIES.iter().flat_map(|f| f.works.iter());
        for (_, entry) in families.chain(WORKS.iter()) {
            s += entry;
            s += "\n\n";
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::WORKS;
    use crate::train::TrainerId;

    #[test]
    fn every_work_a_trainer_cites_is_in_the_bibliography() {
        for t in TrainerId::ALL {
            for key in t.info().cites {
                assert!(WORKS.iter().any(|(k, _)| k == key), "{}: {key} is not in WORKS", t.name());
            }
        }
    }
}
