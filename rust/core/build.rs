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
//!
//! Also pqpay's ML-KEM engine ([`build_mlkem`]): mlkem-native's C and x86_64 AVX2 assembly from
//! the copy inside the aws-lc-sys package (already a dependency through aws-lc-rs; the version
//! cargo resolved comes from aws-lc-sys's build metadata), with csrc/pqpay_mlkem.c and FIPS 202
//! on pqpay's Keccak (csrc/pqpay_mlkem_fips202.h), again a portable and an AVX2 build that
//! src/kem/mlkem_native.rs chooses between at run time.
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
    registry_source(
        "PQPAY_MLDSA_NATIVE_DIR",
        MLDSA_NATIVE_RS,
        "mldsa-native/mldsa",
        "src/sign.c",
    )
}

/// `<package>/<within>` in cargo's registry source cache, where cargo unpacks every package it
/// fetched (newest index first if several hold it), checked by the file `marker` inside it; or
/// the directory the environment variable `override_var` names (for vendored or patched trees).
fn registry_source(override_var: &str, package: &str, within: &str, marker: &str) -> PathBuf {
    println!("cargo:rerun-if-env-changed={override_var}");
    if let Some(dir) = env::var_os(override_var) {
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
        .map(|index| index.path().join(package).join(within))
        .filter(|p| p.join(marker).is_file())
        .collect();
    found.sort();
    found.pop().unwrap_or_else(|| {
        panic!(
            "pqpay: {package} not found under {} (cargo fetches it as a dependency; or set \
             {override_var} to its {within} directory)",
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

/// The aws-lc-sys version cargo resolved, from the `DEP_AWS_LC_<x>_<y>_<z>_INCLUDE` variable its
/// build script's metadata sets for direct dependents (its `links` key carries the version).
fn aws_lc_sys_version() -> String {
    let mut found: Vec<String> = env::vars()
        .filter_map(|(key, _)| {
            key.strip_prefix("DEP_AWS_LC_")
                .and_then(|rest| rest.strip_suffix("_INCLUDE"))
                .filter(|v| {
                    v.split('_')
                        .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                })
                .map(|v| v.replace('_', "."))
        })
        .collect();
    found.sort();
    found.dedup();
    match found.as_slice() {
        [one] => one.clone(),
        _ => panic!(
            "pqpay: expected exactly one DEP_AWS_LC_<version>_INCLUDE from aws-lc-sys, found {found:?}"
        ),
    }
}

/// `.../aws-lc-sys-<v>/aws-lc`: PQPAY_AWS_LC_DIR if set, else the package in cargo's registry
/// source cache (aws-lc-sys is a dependency, so cargo has unpacked it there).
fn aws_lc_dir() -> PathBuf {
    registry_source(
        "PQPAY_AWS_LC_DIR",
        &format!("aws-lc-sys-{}", aws_lc_sys_version()),
        "aws-lc",
        &format!("{MLKEM_NATIVE_SUBDIR}/kem.c"),
    )
}

/// Where aws-lc keeps its copy of mlkem-native (without mlkem-native's fips202/: pqpay's glue,
/// csrc/pqpay_mlkem_fips202.h, replaces it as AWS-LC's does).
const MLKEM_NATIVE_SUBDIR: &str = "crypto/fipsmodule/ml_kem/mlkem";

/// pqpay's ML-KEM engine: csrc/pqpay_mlkem.c over mlkem-native, one independent single-level
/// instance per parameter set, namespace `pqpay_mlkem_<variant>_<level>`, in one static library
/// per variant. The AVX2 variant adds mlkem-native's x86_64 assembly, assembled once per level
/// with its symbols renamed into that level's namespace (where the C code looks for them).
fn build_mlkem(variant: &str, aws_lc: &Path, avx2: bool) {
    let src = aws_lc.join(MLKEM_NATIVE_SUBDIR);
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join(format!("mlkem_{variant}"));
    // The assembly includes s2n-bignum's macro header, which includes AWS-LC's symbol-prefix
    // header: an empty one here, as the wrappers below do the renaming.
    let prefix_header = out.join("include").join("openssl");
    fs::create_dir_all(&prefix_header).unwrap();
    fs::write(
        prefix_header.join("boringssl_prefix_symbols_asm.h"),
        "/* pqpay: symbols are renamed by the including wrapper */\n",
    )
    .unwrap();
    let csrc = Path::new(env!("CARGO_MANIFEST_DIR")).join("csrc");
    let ours = csrc.join("pqpay_mlkem.c");
    let mut cc = cc::Build::new();
    cc.include(&src)
        .include(&csrc)
        .include(out.join("include"))
        .include(aws_lc.join("third_party/s2n-bignum/s2n-bignum-imported/include"))
        .opt_level(3)
        .flag_if_supported("-std=c99")
        .flag_if_supported("-fomit-frame-pointer")
        .flag_if_supported("-Wno-unused-function")
        .flag_if_supported("-Wno-unused-parameter")
        .define("S2N_BN_HIDE_SYMBOLS", None)
        .out_dir(&out);
    let mut asm: Vec<String> = Vec::new();
    let mut asm_symbols: Vec<String> = Vec::new();
    if avx2 {
        cc.define("PQPAY_MLKEM_AVX2", None)
            .flag("-mavx2")
            .flag("-mbmi2");
        let dir = src.join("native/x86_64/src");
        asm = fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.starts_with("mlkem_") && n.ends_with(".S"))
            .collect();
        asm.sort();
        assert!(
            !asm.is_empty(),
            "pqpay: no mlkem-native assembly in {}",
            dir.display()
        );
        // The functions the assembly defines (`S2N_BN_SYMBOL(mlkem_<name>)`); the C code calls
        // them `<namespace>_<name>`.
        for name in &asm {
            let text = fs::read_to_string(dir.join(name)).unwrap();
            for part in text.split("S2N_BN_SYMBOL(").skip(1) {
                let sym: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if sym.starts_with("mlkem_") && !asm_symbols.contains(&sym) {
                    asm_symbols.push(sym);
                }
            }
        }
    }
    for level in ["512", "768", "1024"] {
        let prefix = format!("pqpay_mlkem_{variant}_{level}");
        let unit = out.join(format!("{prefix}.c"));
        fs::write(
            &unit,
            format!(
                "#define MLK_CONFIG_PARAMETER_SET {level}\n\
                 #define MLK_CONFIG_NAMESPACE_PREFIX {prefix}\n\
                 #include \"{}\"\n",
                ours.display()
            ),
        )
        .unwrap();
        cc.file(unit);
        let renames: String = asm_symbols
            .iter()
            .map(|sym| {
                let short = sym.trim_start_matches("mlkem_");
                format!("#define {sym} {prefix}_{short}\n")
            })
            .collect();
        for name in &asm {
            let wrapper = out.join(format!("{prefix}_{name}"));
            let from = src.join("native/x86_64/src").join(name);
            fs::write(
                &wrapper,
                format!("{renames}#include \"{}\"\n", from.display()),
            )
            .unwrap();
            cc.file(wrapper);
        }
    }
    cc.compile(&format!("pqpay_mlkem_{variant}"));
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

    println!("cargo:rerun-if-changed=csrc/pqpay_mlkem.c");
    println!("cargo:rerun-if-changed=csrc/pqpay_mlkem_config.h");
    println!("cargo:rerun-if-changed=csrc/pqpay_mlkem_fips202.h");
    let aws_lc = aws_lc_dir();
    build_mlkem("ref", &aws_lc, false);
    // The assembly's symbol renaming above relies on ELF symbol spelling (on macOS
    // S2N_BN_SYMBOL pastes a `_` before the name is renamed) and on the SysV ABI: Linux only;
    // elsewhere the portable build serves every CPU.
    if env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("x86_64")
        && env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
    {
        build_mlkem("avx2", &aws_lc, true);
        println!("cargo:rustc-cfg=pqpay_mlkem_avx2");
    }
    println!("cargo:rustc-check-cfg=cfg(pqpay_mlkem_avx2)");
}
