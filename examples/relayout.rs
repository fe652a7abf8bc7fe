//! Rewrite results documents (`results.json`, schema 4) in depthsep's current JSON layout, in place.
//!
//! Documents written by an older commit of depthsep (serde_json's plain pretty layout, one number per
//! line) read back to the same value but are not byte for byte what depthsep writes today; the test
//! `every_committed_document_reads_back_and_writes_again_to_the_same_bytes` wants every committed one in
//! today's layout. This reads each file with `Results::read` (which refuses a broken or foreign
//! document and then nothing is written) and writes the same value back with `depthsep::json`.
//!
//! Run with `cargo run --release --example relayout -- reports/landmarks-xl/shard-3-of-17/results.json`.

use anyhow::Context;
use depthsep::results::Results;

fn main() -> anyhow::Result<()> {
    let paths: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
    anyhow::ensure!(!paths.is_empty(), "usage: relayout RESULTS.json [RESULTS.json ...]");
    // Read them all first, so one broken document leaves every file as it was.
    let docs = paths
        .iter()
        .map(|p| Results::read(p).with_context(|| format!("reading {}", p.display())))
        .collect::<anyhow::Result<Vec<_>>>()?;
    for (path, doc) in paths.iter().zip(&docs) {
        let before = std::fs::read_to_string(path)?;
        let after = depthsep::json::to_string(doc)?;
        if before == after {
            println!("{}: already in the current layout", path.display());
        } else {
            std::fs::write(path, &after).with_context(|| format!("writing {}", path.display()))?;
            println!("{}: rewritten ({} -> {} bytes)", path.display(), before.len(), after.len());
        }
    }
    Ok(())
}
