//! All integration tests, one binary: one link and one copy of the library's generic code instead of
//! one per file. (Most of the test build's former length came from dependency features, not from the
//! binaries: see the feature pins in `Cargo.toml` and docs/tests.md, "Layout and compile time".)
//! Each file here is a module named for the claims it checks (see docs/tests.md).

mod bad_input;
mod blocked;
mod brackets;
mod cells;
mod constructions;
mod depth;
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
mod own_formats;
mod own_net;
mod probes;
mod recipes;
mod registry;
mod reliability;
mod report;
mod shallowd;
mod shards;
mod single;
mod suite;
mod sup_exact;
mod theory;
mod training;
mod transfer;
mod writeup;
