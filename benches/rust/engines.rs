//! Engine comparison for ML-KEM and ML-DSA (issue 10): for every parameter set and operation,
//! the pqpay API next to the candidate engines, one benchmark after the other in one group so
//! load changes hit them alike:
//!
//! - `pqpay`: what the binding calls (`pqpay_core`, whatever engine it uses);
//! - `libcrux-portable` / `libcrux-avx2`: libcrux's two instantiations called directly (packed
//!   API), to see whether its AVX2 code pays off on this CPU;
//! - `aws-lc-rs`: AWS-LC's mlkem-native / mldsa-native (keygen includes its pairwise test);
//!
//! liboqs 0.16 itself (the reference line) is timed by `benches/native/liboqs_peer.c`, run
//! alternately with this bench by `benches/native/run_engines.sh`.
//! Run: `cargo bench -p pqpay-core --bench engines [-- FILTER]`.
#![allow(missing_docs)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use aws_lc_rs::signature::{KeyPair as _, UnparsedPublicKey};
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use pqpay_core::kem::mlkem::{MlKem1024, MlKem512, MlKem768};
use pqpay_core::kem::KemScheme;
use pqpay_core::sig::{SigAlgorithm, SigningKey, SigningMode};

fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1200))
        .sample_size(20);
    g
}

macro_rules! kem_engines {
    ($fn:ident, $label:literal, $pq:ty, $lib:ident, $aws:ident) => {
        fn $fn(c: &mut Criterion) {
            use libcrux_ml_kem::$lib as lc;
            let seed = [7u8; 64];
            let m = [9u8; 32];
            // pqpay
            let dk = <$pq>::from_seed(&seed).unwrap();
            let ek = <$pq>::public_key(&dk);
            let (_, ct) = <$pq>::encapsulate_derand(&ek, &m).unwrap();
            // libcrux packed
            let kp = lc::portable::generate_key_pair(seed);
            let (lct, _) = lc::portable::encapsulate(kp.public_key(), m);
            // aws-lc-rs
            let adk = aws_lc_rs::kem::DecapsulationKey::generate(&aws_lc_rs::kem::$aws).unwrap();
            let aek = adk.encapsulation_key().unwrap();
            let (act, _) = aek.encapsulate().unwrap();
            let act = act.as_ref().to_vec();

            let mut g = group(c, concat!($label, "/keygen"));
            g.bench_function("pqpay", |b| {
                b.iter(|| <$pq>::from_seed(black_box(&seed)).unwrap())
            });
            g.bench_function("libcrux-portable", |b| {
                b.iter(|| lc::portable::generate_key_pair(black_box(seed)))
            });
            g.bench_function("libcrux-avx2", |b| {
                b.iter(|| lc::avx2::generate_key_pair(black_box(seed)))
            });
            g.bench_function("aws-lc-rs", |b| {
                b.iter(|| {
                    aws_lc_rs::kem::DecapsulationKey::generate(&aws_lc_rs::kem::$aws).unwrap()
                })
            });
            g.finish();

            let mut g = group(c, concat!($label, "/encaps"));
            g.bench_function("pqpay", |b| {
                b.iter(|| <$pq>::encapsulate_derand(black_box(&ek), black_box(&m)).unwrap())
            });
            g.bench_function("libcrux-portable", |b| {
                b.iter(|| lc::portable::encapsulate(kp.public_key(), black_box(m)))
            });
            g.bench_function("libcrux-avx2", |b| {
                b.iter(|| lc::avx2::encapsulate(kp.public_key(), black_box(m)))
            });
            g.bench_function("aws-lc-rs", |b| b.iter(|| aek.encapsulate().unwrap()));
            g.finish();

            let mut g = group(c, concat!($label, "/decaps"));
            g.bench_function("pqpay", |b| {
                b.iter(|| <$pq>::decapsulate(black_box(&dk), black_box(&ct)).unwrap())
            });
            g.bench_function("libcrux-portable", |b| {
                b.iter(|| lc::portable::decapsulate(kp.private_key(), black_box(&lct)))
            });
            g.bench_function("libcrux-avx2", |b| {
                b.iter(|| lc::avx2::decapsulate(kp.private_key(), black_box(&lct)))
            });
            g.bench_function("aws-lc-rs", |b| {
                b.iter(|| {
                    adk.decapsulate(aws_lc_rs::kem::Ciphertext::from(black_box(&act[..])))
                        .unwrap()
                })
            });
            g.finish();
        }
    };
}

kem_engines!(kem512, "ML-KEM-512", MlKem512, mlkem512, ML_KEM_512);
kem_engines!(kem768, "ML-KEM-768", MlKem768, mlkem768, ML_KEM_768);
kem_engines!(kem1024, "ML-KEM-1024", MlKem1024, mlkem1024, ML_KEM_1024);

macro_rules! dsa_engines {
    ($fn:ident, $label:literal, $alg:ident, $lib:ident, $aws:ident, $aws_sign:ident) => {
        fn $fn(c: &mut Criterion) {
            use libcrux_ml_dsa::$lib as lc;
            let seed = [5u8; 32];
            let msg = [0x42u8; 64];
            let ctx: &[u8] = b"";
            // pqpay
            let sk = SigningKey::from_private_bytes(SigAlgorithm::$alg, &seed).unwrap();
            let vk = sk.verifying_key();
            let sig = sk.sign(&msg, ctx, SigningMode::Hedged).unwrap();
            // libcrux portable
            let lkp = lc::portable::generate_key_pair(seed);
            let lsig = lc::portable::sign(&lkp.signing_key, &msg, ctx, [1u8; 32]).unwrap();
            // aws-lc-rs
            let akp = aws_lc_rs::signature::PqdsaKeyPair::from_seed(
                &aws_lc_rs::signature::$aws_sign,
                &seed,
            )
            .unwrap();
            let mut asig = vec![0u8; aws_lc_rs::signature::$aws_sign.signature_len()];
            akp.sign(&msg, &mut asig).unwrap();
            let apk = akp.public_key().as_ref().to_vec();

            let mut g = group(c, concat!($label, "/keygen"));
            g.bench_function("pqpay", |b| {
                b.iter(|| {
                    SigningKey::from_private_bytes(SigAlgorithm::$alg, black_box(&seed)).unwrap()
                })
            });
            g.bench_function("libcrux-portable", |b| {
                b.iter(|| lc::portable::generate_key_pair(black_box(seed)))
            });
            g.bench_function("aws-lc-rs", |b| {
                b.iter(|| {
                    aws_lc_rs::signature::PqdsaKeyPair::from_seed(
                        &aws_lc_rs::signature::$aws_sign,
                        black_box(&seed),
                    )
                    .unwrap()
                })
            });
            g.finish();

            let mut g = group(c, concat!($label, "/sign"));
            g.bench_function("pqpay", |b| {
                b.iter(|| sk.sign(black_box(&msg), ctx, SigningMode::Hedged).unwrap())
            });
            g.bench_function("libcrux-portable", |b| {
                b.iter(|| {
                    lc::portable::sign(&lkp.signing_key, black_box(&msg), ctx, [1u8; 32]).unwrap()
                })
            });
            g.bench_function("aws-lc-rs", |b| {
                b.iter(|| akp.sign(black_box(&msg), &mut asig).unwrap())
            });
            g.finish();

            akp.sign(&msg, &mut asig).unwrap();
            let mut g = group(c, concat!($label, "/verify"));
            g.bench_function("pqpay", |b| {
                b.iter(|| vk.verify(black_box(&msg), ctx, &sig).unwrap())
            });
            g.bench_function("libcrux-portable", |b| {
                b.iter(|| {
                    lc::portable::verify(&lkp.verification_key, black_box(&msg), ctx, &lsig)
                        .unwrap()
                })
            });
            g.bench_function("aws-lc-rs", |b| {
                b.iter(|| {
                    UnparsedPublicKey::new(&aws_lc_rs::signature::$aws, &apk)
                        .verify(black_box(&msg), &asig)
                        .unwrap()
                })
            });
            g.finish();
        }
    };
}

dsa_engines!(
    dsa44,
    "ML-DSA-44",
    MlDsa44,
    ml_dsa_44,
    ML_DSA_44,
    ML_DSA_44_SIGNING
);
dsa_engines!(
    dsa65,
    "ML-DSA-65",
    MlDsa65,
    ml_dsa_65,
    ML_DSA_65,
    ML_DSA_65_SIGNING
);
dsa_engines!(
    dsa87,
    "ML-DSA-87",
    MlDsa87,
    ml_dsa_87,
    ML_DSA_87,
    ML_DSA_87_SIGNING
);

criterion_group!(benches, kem768, dsa65, kem512, kem1024, dsa44, dsa87);
criterion_main!(benches);
