// Records the compiler version for the results' provenance, and whether this machine's CPU runs the
// AVX-512 kernels (cfg `depthsep_no_avx512`) and has TeX (cfg `depthsep_no_latex`), so that the tests
// that need them are reported as ignored, with the reason, where they cannot run instead of passing
// without checking anything.
fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let v = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=DEPTHSEP_RUSTC={v}");
    println!("cargo::rustc-check-cfg=cfg(depthsep_no_avx512)");
    if !avx512() {
        println!("cargo::rustc-cfg=depthsep_no_avx512");
    }
    // The LaTeX example's test needs pdflatex and bibtex (CI does not install TeX).
    println!("cargo::rustc-check-cfg=cfg(depthsep_no_latex)");
    if !(have("pdflatex") && have("bibtex")) {
        println!("cargo::rustc-cfg=depthsep_no_latex");
    }
    println!("cargo:rerun-if-env-changed=PATH");
    println!("cargo:rerun-if-changed=build.rs");
    // /proc/cpuinfo's time is the boot's: a new machine (whose CPU may differ) detects anew.
    if std::path::Path::new("/proc/cpuinfo").exists() {
        println!("cargo:rerun-if-changed=/proc/cpuinfo");
    }
}

/// Whether the CPU this builds on (which runs the tests) has AVX-512F and FMA, for an x86-64 target.
fn avx512() -> bool {
    let x86 = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "x86_64");
    #[cfg(target_arch = "x86_64")]
    {
        x86 && std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = x86;
        false
    }
}

/// Whether `tool --version` runs.
fn have(tool: &str) -> bool {
    std::process::Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success())
}
