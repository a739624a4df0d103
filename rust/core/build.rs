//! Compiles pqpay's ML-DSA engine: mldsa-native's C (and, on x86_64, its AVX2 assembly) with
//! csrc/pqpay_mldsa.c, from the sources the crates.io package `mldsa-native-rs` ships (a
//! build-dependency of this crate only so that cargo fetches them: its own bindings are not used).
//!
//! Two builds per parameter set: `pqpay_mldsa_ref` (portable C, no extra flags, mldsa-native's
//! own Keccak) and, on x86_64, `pqpay_mldsa_avx2` (mldsa-native's native arithmetic backend,
//! compiled with -mavx2 -mbmi2 -mpopcnt, and pqpay's Keccak-f[1600] as its FIPS 202 backend:
//! csrc/pqpay_mldsa_fips202.h). src/sig/mldsa_native.rs picks one at run time from the CPU's
//! features, so a wheel built here runs on CPUs without AVX2 too.
//!
//! pqpay's Keccak (`build_keccak`, csrc/pqpay_keccak*.c) picks its own code at run time: x4 with
//! AVX-512F+VL (vpternlogq, vprolq) or AVX2, x1 scalar with BMI1/BMI2, portable otherwise.
#![allow(missing_docs)]
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

/// The mldsa-native-rs version whose sources are compiled (pinned exactly in Cargo.toml).
const MLDSA_NATIVE_RS: &str = "mldsa-native-rs-0.0.1-alpha.6";

/// `.../mldsa-native-rs-<v>/mldsa-native/mldsa`: PQPAY_MLDSA_NATIVE_DIR if set, else the
/// package in cargo's registry source cache (where cargo unpacked the build-dependency).
fn mldsa_native_dir() -> PathBuf {
    println!("cargo:rerun-if-env-changed=PQPAY_MLDSA_NATIVE_DIR");
    if let Some(dir) = env::var_os("PQPAY_MLDSA_NATIVE_DIR") {
        return PathBuf::from(dir);
    }
    let cargo_home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .expect("neither CARGO_HOME nor HOME is set");
    let registry = cargo_home.join("registry").join("src");
    let mut found: Vec<PathBuf> = fs::read_dir(&registry)
        .into_iter()
        .flatten()
        .flatten()
        .map(|index| {
            index
                .path()
                .join(MLDSA_NATIVE_RS)
                .join("mldsa-native")
                .join("mldsa")
        })
        .filter(|p| p.join("src").join("sign.c").is_file())
        .collect();
    found.sort();
    found.pop().unwrap_or_else(|| {
        panic!(
            "pqpay: {MLDSA_NATIVE_RS} not found under {} (cargo fetches it as a build-dependency; \
             or set PQPAY_MLDSA_NATIVE_DIR to its mldsa-native/mldsa directory)",
            registry.display()
        )
    })
}

/// One static library per build: for each parameter set, csrc/pqpay_mldsa.c and (AVX2 build)
/// mldsa-native's assembly, as an independent single-level mldsa-native instance with its own
/// namespace `pqpay_mldsa_<variant>_<level>` (nothing is shared between the three, so no symbol
/// is defined twice).
fn build(variant: &str, src: &Path, native_x86_64: bool) {
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join(variant);
    fs::create_dir_all(&out).unwrap();
    let ours = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("csrc")
        .join("pqpay_mldsa.c");
    let mut cc = cc::Build::new();
    cc.include(src)
        .opt_level(3)
        .flag_if_supported("-std=c99")
        .flag_if_supported("-fomit-frame-pointer")
        .flag_if_supported("-Wno-unused-function")
        .flag_if_supported("-Wno-unused-parameter")
        // Everything of mldsa-native stays in its unit; csrc/pqpay_mldsa.c exports its own.
        .define("MLD_CONFIG_INTERNAL_API_QUALIFIER", Some("static"))
        .define("MLD_CONFIG_EXTERNAL_API_QUALIFIER", Some("static"))
        .define("MLD_CONFIG_NO_SUPERCOP", None)
        // pqpay draws rnd / the seed itself (OS randomness) and passes them in.
        .define("MLD_CONFIG_NO_RANDOMIZED_API", None)
        .out_dir(&out);
    if native_x86_64 {
        // FIPS 202 through csrc/pqpay_mldsa_fips202.h: pqpay's Keccak (AVX-512 / AVX2 / BMI,
        // chosen at run time) in place of mldsa-native's AVX2 x4 and C x1 permutations.
        println!("cargo:rerun-if-changed=csrc/pqpay_mldsa_fips202.h");
        cc.include(Path::new(env!("CARGO_MANIFEST_DIR")).join("csrc"))
            .define("MLD_CONFIG_USE_NATIVE_BACKEND_ARITH", None)
            .define("MLD_CONFIG_USE_NATIVE_BACKEND_FIPS202", None)
            .define(
                "MLD_CONFIG_FIPS202_BACKEND_FILE",
                Some("\"pqpay_mldsa_fips202.h\""),
            )
            .flag("-mavx2")
            .flag("-mbmi2")
            .flag("-mpopcnt");
    }
    for level in ["44", "65", "87"] {
        let head = format!(
            "#define MLD_CONFIG_PARAMETER_SET {level}\n\
             #define MLD_CONFIG_NAMESPACE_PREFIX pqpay_mldsa_{variant}_{level}\n"
        );
        let unit = out.join(format!("pqpay_mldsa_{variant}_{level}.c"));
        fs::write(&unit, format!("{head}#include \"{}\"\n", ours.display())).unwrap();
        cc.file(unit);
        if native_x86_64 {
            let asm = out.join(format!("pqpay_mldsa_{variant}_{level}_asm.S"));
            let from = src.join("mldsa_native_asm.S");
            fs::write(&asm, format!("{head}#include \"{}\"\n", from.display())).unwrap();
            cc.file(asm);
        }
    }
    cc.compile(&format!("pqpay_mldsa_{variant}"));
}

/// pqpay's Keccak-f[1600] permutations (csrc/pqpay_keccak*.c), shared by the C engines: the
/// portable code and the run-time choice with no extra flags; on x86_64 also each faster
/// variant in its own unit with the -m flags it needs (pqpay_keccak.c calls one only when the
/// CPU has them), all in one library.
fn build_keccak() {
    let csrc = Path::new(env!("CARGO_MANIFEST_DIR")).join("csrc");
    let base = || {
        let mut cc = cc::Build::new();
        cc.include(&csrc)
            .opt_level(3)
            .flag_if_supported("-std=c99")
            .flag_if_supported("-fomit-frame-pointer");
        cc
    };
    for header in [
        "pqpay_keccak_impl.h",
        "pqpay_keccak_rounds.h",
        "pqpay_keccak_x4.h",
    ] {
        println!("cargo:rerun-if-changed=csrc/{header}");
    }
    let mut lib = base();
    lib.file(csrc.join("pqpay_keccak.c"));
    if env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("x86_64") {
        let variants: [(&str, &[&str]); 3] = [
            ("pqpay_keccak_x86_bmi.c", &["-mbmi", "-mbmi2"]),
            ("pqpay_keccak_x86_avx2.c", &["-mavx2"]),
            ("pqpay_keccak_x86_avx512.c", &["-mavx512f", "-mavx512vl"]),
        ];
        for (file, flags) in variants {
            println!("cargo:rerun-if-changed=csrc/{file}");
            let mut unit = base();
            unit.file(csrc.join(file));
            for flag in flags {
                unit.flag(flag);
            }
            lib.objects(unit.compile_intermediates());
        }
    }
    lib.compile("pqpay_keccak");
}

fn main() {
    println!("cargo:rerun-if-changed=csrc/pqpay_mldsa.c");
    println!("cargo:rerun-if-changed=csrc/pqpay_keccak.c");
    println!("cargo:rerun-if-changed=csrc/pqpay_keccak.h");
    build_keccak();
    let src = mldsa_native_dir();
    build("ref", &src, false);
    if env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("x86_64") {
        build("avx2", &src, true);
        println!("cargo:rustc-cfg=pqpay_mldsa_avx2");
    }
    println!("cargo:rustc-check-cfg=cfg(pqpay_mldsa_avx2)");
}
