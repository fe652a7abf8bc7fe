//! Durable writes: a reader never sees a half-written file, and a finished write survives a power cut.
//!
//! [`write_atomic`] writes a temporary file beside the target, syncs it to the disk, renames it into
//! place and syncs the directory (so the rename itself is on the disk). Without the two syncs a
//! power cut after the rename can leave an empty or missing file even though the rename "happened".

use anyhow::Context;
use std::path::Path;

/// Write `bytes` to `path` through `tmp` (beside it), durably and atomically.
pub fn write_atomic_via(path: &Path, tmp: &Path, bytes: impl AsRef<[u8]>) -> anyhow::Result<()> {
    use std::io::Write;
    let mut f = std::fs::File::create(tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    f.write_all(bytes.as_ref()).with_context(|| format!("cannot write {}", tmp.display()))?;
    f.sync_all().with_context(|| format!("cannot sync {}", tmp.display()))?;
    drop(f);
    std::fs::rename(tmp, path).with_context(|| format!("cannot move {} into place", tmp.display()))?;
    sync_dir(path)
}

/// Write `text` to `path` through `path.json.tmp`, durably and atomically.
pub fn write_atomic(path: &Path, text: &str) -> anyhow::Result<()> {
    write_atomic_via(path, &path.with_extension("json.tmp"), text)
}

/// Sync the directory holding `path`, so that a file created or renamed there is on the disk.
pub fn sync_dir(path: &Path) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("cannot sync directory {}", dir.display()))
}
