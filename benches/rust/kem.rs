//! Criterion benchmarks of the KEM core: key generation from a seed, derandomized
//! encapsulation and decapsulation for every ML-KEM parameter set and the X25519 hybrids, plus
//! raw X25519 Diffie-Hellman.
//!
//! Seeds and randomness are fixed so runs are comparable and the OS generator is not measured.
//! Measurement times are short on purpose (the CI machine has 2 cores): run with
//! `cargo bench -p pqpay-core --bench kem [-- FILTER]`.
#![allow(missing_docs)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use pqpay_core::kem::mlkem::{MlKem1024, MlKem512, MlKem768};
use pqpay_core::kem::x25519::{self, X25519Kem};
use pqpay_core::kem::x25519mlkem768::X25519MlKem768;
use pqpay_core::kem::xwing::XWing;
use pqpay_core::kem::KemScheme;

/// Deterministic filler bytes, distinct per `tag`.
fn bytes(tag: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(tag))
        .collect()
}

/// keygen / encaps / decaps of one KEM, in a group named `name`.
fn bench_kem<K: KemScheme>(c: &mut Criterion, name: &str) {
    let seed = bytes(1, K::SIZES.seed);
    let rand = bytes(2, K::SIZES.encaps_randomness);
    let dk = K::from_seed(&seed).expect("keygen");
    let ek = K::public_key(&dk);
    let (_, ct) = K::encapsulate_derand(&ek, &rand).expect("encaps");

    let mut g = c.benchmark_group(name);
    g.bench_function("keygen", |b| {
        b.iter(|| K::from_seed(black_box(&seed)).expect("keygen"))
    });
    g.bench_function("encaps", |b| {
        b.iter(|| K::encapsulate_derand(black_box(&ek), black_box(&rand)).expect("encaps"))
    });
    g.bench_function("decaps", |b| {
        b.iter(|| K::decapsulate(black_box(&dk), black_box(&ct)).expect("decaps"))
    });
    // Public-key import alone (validation; any cached expansion is built lazily).
    let ek_bytes = K::public_key_bytes(&ek).to_vec();
    g.bench_function("public_key_import", |b| {
        b.iter(|| K::public_key_from_bytes(black_box(&ek_bytes)).expect("import"))
    });
    // A key parsed and used once: its unpacked form (matrix A, H(ek)) is built on the first
    // encapsulation, so this is the one-shot cost.
    g.bench_function("public_key_import_then_encaps", |b| {
        b.iter(|| {
            let ek = K::public_key_from_bytes(black_box(&ek_bytes)).expect("import");
            K::encapsulate_derand(&ek, black_box(&rand)).expect("encaps")
        })
    });
    g.finish();
}

fn kems(c: &mut Criterion) {
    bench_kem::<MlKem512>(c, "ML-KEM-512");
    bench_kem::<MlKem768>(c, "ML-KEM-768");
    bench_kem::<MlKem1024>(c, "ML-KEM-1024");
    bench_kem::<XWing>(c, "X-Wing");
    bench_kem::<X25519MlKem768>(c, "X25519MLKEM768");
    bench_kem::<X25519Kem>(c, "DHKEM-X25519");
}

fn x25519_dh(c: &mut Criterion) {
    let sk = bytes(3, 32);
    let peer = X25519Kem::public_key(&X25519Kem::from_seed(&bytes(4, 32)).expect("keygen"));
    let peer = X25519Kem::public_key_bytes(&peer).to_vec();
    let key = X25519Kem::from_seed(&sk).expect("keygen");

    let mut g = c.benchmark_group("X25519");
    // Free function: imports the scalar on every call.
    g.bench_function("exchange_bytes", |b| {
        b.iter(|| x25519::exchange(black_box(&sk), black_box(&peer)).expect("dh"))
    });
    // Method on a constructed key: the scalar is already imported.
    g.bench_function("exchange_key", |b| {
        b.iter(|| black_box(&key).exchange(black_box(&peer)).expect("dh"))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20);
    targets = kems, x25519_dh
}
criterion_main!(benches);
