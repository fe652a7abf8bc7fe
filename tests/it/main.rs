//! All integration tests, one binary: one link and one copy of the library's generic code instead of one
//! per file, which made `cargo test --release` compile far longer than the release build it reuses.
//! Each file here is a module named for the claims it checks (see docs/tests.md).

mod bad_input;
mod blocked;
mod constructions;
mod docs;
mod exact_analysis;
mod experiment;
mod faults;
mod freeknot;
mod fuzz_parsers;
mod gradient;
mod labels;
mod landmarks;
mod lsq;
mod many_inputs;
mod optimum;
mod own_net;
mod recipes;
mod report;
mod shallowd;
mod shards;
mod single;
mod suite;
mod sup_exact;
mod theory;
mod training;
mod writeup;
