//! The batch paths allocate nothing on the pool's threads: a counting global allocator sees no
//! heap allocation inside `encapsulate_into` / `decapsulate_into` of any algorithm that claims
//! [`KemAlgorithm::allocation_free`] (and some inside the ones that do not, so the claim is
//! checked both ways), and none on a pool thread while the batch calls fill their outputs.
//! The same for ML-DSA and Ed25519 verification, and for `verify_many`'s workers over them, and
//! for ML-DSA signing into a caller buffer and `sign_many`'s workers over it.
//! Only Rust's allocator is counted: the engines here are C (mlkem-native, mldsa-native) or
//! aws-lc calls that take fixed-size buffers and call no `malloc` either.

// Test code: failing loudly is the point; the allocator wrapper needs `unsafe`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use pqpay_core::kem::batch::{decapsulate_many, encapsulate_many};
use pqpay_core::kem::{DecapsulationKey, EncapsulationKey, KemAlgorithm};
use pqpay_core::par::fill_parallel;
use pqpay_core::sig::batch::{sign_many, verify_many, Signatures, VerifyItem};
use pqpay_core::sig::{SigAlgorithm, SigningKey, SigningMode};

/// The system allocator, counting what the current thread allocates while its flag is set and
/// what any pool (rayon) thread allocates.
struct Counting;

thread_local! {
    static COUNT_HERE: Cell<bool> = const { Cell::new(false) };
    static HERE: Cell<usize> = const { Cell::new(0) };
}
static ON_POOL: AtomicUsize = AtomicUsize::new(0);

fn note() {
    let _ = COUNT_HERE.try_with(|on| {
        if on.get() {
            let _ = HERE.try_with(|n| n.set(n.get() + 1));
        }
    });
    if rayon::current_thread_index().is_some() {
        ON_POOL.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The number of heap allocations `f` makes on this thread.
fn allocations_in(f: impl FnOnce()) -> usize {
    HERE.with(|n| n.set(0));
    COUNT_HERE.with(|on| on.set(true));
    f();
    COUNT_HERE.with(|on| on.set(false));
    HERE.with(|n| n.get())
}

/// The pool counter is global: the tests that read it take turns.
static POOL_TESTS: Mutex<()> = Mutex::new(());

#[test]
fn kem_into_forms_allocate_nothing() {
    for &alg in KemAlgorithm::ALL {
        let sizes = alg.sizes();
        let dk = DecapsulationKey::generate(alg).unwrap();
        let generated = dk.public_key();
        let parsed = EncapsulationKey::from_bytes(alg, generated.as_bytes()).unwrap();
        let mut ss = vec![0u8; sizes.shared_secret];
        let mut ss2 = vec![0u8; sizes.shared_secret];
        let mut ct = vec![0u8; sizes.ciphertext];
        // First use makes each key's expanded form (an allocation, fallible): do it before.
        for ek in [&generated, &parsed] {
            ek.encapsulate_into(&mut ss, &mut ct).unwrap();
        }
        dk.decapsulate_into(&ct, &mut ss2).unwrap();

        for ek in [&generated, &parsed] {
            let mut bad = vec![0u8; sizes.ciphertext];
            let n = allocations_in(|| {
                ek.encapsulate_into(&mut ss, &mut ct).unwrap();
                dk.decapsulate_into(&ct, &mut ss2).unwrap();
                bad.copy_from_slice(&ct);
                bad[0] ^= 1; // ML-KEM half (or X25519's share): implicit rejection or a new share
                let _ = dk.decapsulate_into(&bad, &mut ss2);
                dk.decapsulate_into(&ct, &mut ss2).unwrap();
            });
            assert_eq!(ss, ss2, "{}: decapsulation disagrees", alg.name());
            assert_eq!(
                dk.decapsulate(&ct).unwrap().as_bytes(),
                &ss[..],
                "{}: the allocating form disagrees",
                alg.name()
            );
            if alg.allocation_free() {
                assert_eq!(n, 0, "{} allocated {n} times", alg.name());
            } else {
                assert!(n > 0, "{} claims to allocate but did not", alg.name());
            }
        }
    }
}

#[test]
fn wrong_output_lengths_are_refused() {
    for &alg in KemAlgorithm::ALL {
        let sizes = alg.sizes();
        let dk = DecapsulationKey::generate(alg).unwrap();
        let ek = dk.public_key();
        let mut ss = vec![0u8; sizes.shared_secret];
        let mut ct = vec![0u8; sizes.ciphertext];
        let mut short_ss = vec![0u8; sizes.shared_secret - 1];
        let mut long_ct = vec![0u8; sizes.ciphertext + 1];
        assert!(ek.encapsulate_into(&mut short_ss, &mut ct).is_err());
        assert!(ek.encapsulate_into(&mut ss, &mut long_ct).is_err());
        ek.encapsulate_into(&mut ss, &mut ct).unwrap();
        assert!(dk.decapsulate_into(&ct, &mut short_ss).is_err());
    }
}

#[test]
fn batch_workers_allocate_nothing() {
    let _turn = POOL_TESTS.lock().unwrap_or_else(|p| p.into_inner());
    for &alg in KemAlgorithm::ALL.iter().filter(|a| a.allocation_free()) {
        let dks: Vec<DecapsulationKey> = (0..4)
            .map(|_| DecapsulationKey::generate(alg).unwrap())
            .collect();
        let eks: Vec<EncapsulationKey> = (0..256).map(|i| dks[i % 4].public_key()).collect();
        // Starts the pool and expands the keys (their first use allocates).
        let warm = encapsulate_many(&eks, |k| k).unwrap();
        let cts: Vec<Vec<u8>> = warm.iter().map(|(_, ct)| ct.to_vec()).collect();
        let _ = decapsulate_many(&dks[0], &cts).unwrap();

        let before = ON_POOL.load(Ordering::Relaxed);
        let out = encapsulate_many(&eks, |k| k).unwrap();
        let secrets = decapsulate_many(&dks[0], &cts[..]).unwrap();
        let after = ON_POOL.load(Ordering::Relaxed);
        assert_eq!(after, before, "{}: the pool threads allocated", alg.name());

        assert_eq!(out.len(), eks.len());
        for (i, ((ss, ct), ek)) in out.iter().zip(&eks).enumerate() {
            assert_eq!(ct.len(), alg.sizes().ciphertext);
            assert_eq!(
                dks[i % 4].decapsulate(ct).unwrap().as_bytes(),
                ss,
                "{} item {i}",
                alg.name()
            );
            assert_eq!(ek.algorithm(), alg);
        }
        for ((warm_ss, _), (i, ss)) in warm.iter().zip(secrets.iter().enumerate()) {
            if i % 4 == 0 {
                assert_eq!(warm_ss, ss, "{} item {i}", alg.name());
            }
        }
    }

    // The counter does see pool allocations: an allocating worker is counted.
    let items: Vec<u32> = (0..256).collect();
    let mut out = vec![0usize; items.len()];
    let ran_on_pool = AtomicBool::new(false);
    let before = ON_POOL.load(Ordering::Relaxed);
    fill_parallel(&items, &mut out, |&x, o| {
        // The caller works on the batch too: items slow enough that a worker wakes and joins.
        std::thread::sleep(std::time::Duration::from_micros(200));
        if rayon::current_thread_index().is_some() {
            ran_on_pool.store(true, Ordering::Relaxed);
        }
        *o = std::hint::black_box(vec![x; 3]).len();
        Ok(())
    })
    .unwrap();
    assert_eq!(out, vec![3; items.len()]);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores > 1 && std::env::var_os("RAYON_NUM_THREADS").is_none() {
        assert!(
            ran_on_pool.load(Ordering::Relaxed),
            "the batch did not reach the pool"
        );
    }
    if ran_on_pool.load(Ordering::Relaxed) {
        assert!(ON_POOL.load(Ordering::Relaxed) > before);
    }
}

/// The signature algorithms whose verification allocates nothing.
const ALLOCATION_FREE_VERIFIERS: [SigAlgorithm; 4] = [
    SigAlgorithm::MlDsa44,
    SigAlgorithm::MlDsa65,
    SigAlgorithm::MlDsa87,
    SigAlgorithm::Ed25519,
];

#[test]
fn verification_allocates_nothing() {
    for alg in ALLOCATION_FREE_VERIFIERS {
        let sk = SigningKey::generate(alg).unwrap();
        let vk = sk.verifying_key();
        let ctx: &[u8] = if alg == SigAlgorithm::Ed25519 {
            b""
        } else {
            b"ctx"
        };
        let sig = sk.sign(b"message", ctx, SigningMode::Hedged).unwrap();
        let mut bad = sig.clone();
        bad[3] ^= 1;
        vk.verify(b"message", ctx, &sig).unwrap(); // makes the expanded key
        let n = allocations_in(|| {
            assert!(vk.verify(b"message", ctx, &sig).is_ok());
            assert!(vk.verify(b"message", ctx, &bad).is_err());
            assert!(vk.verify(b"other", ctx, &sig).is_err());
        });
        assert_eq!(n, 0, "{alg} verification allocated {n} times");
    }
}

#[test]
fn verify_many_workers_allocate_nothing() {
    let _turn = POOL_TESTS.lock().unwrap_or_else(|p| p.into_inner());
    let keys: Vec<SigningKey> = ALLOCATION_FREE_VERIFIERS
        .iter()
        .map(|&alg| SigningKey::generate(alg).unwrap())
        .collect();
    let vks: Vec<_> = keys.iter().map(|k| k.verifying_key()).collect();
    let sigs: Vec<Vec<u8>> = keys
        .iter()
        .map(|k| k.sign(b"m", b"", SigningMode::Hedged).unwrap())
        .collect();
    let items: Vec<VerifyItem<'_>> = (0..256)
        .map(|i| VerifyItem {
            key: &vks[i % 4],
            message: if i % 3 == 0 { b"x" } else { b"m" },
            signature: &sigs[i % 4],
            context: b"",
        })
        .collect();
    let warm = verify_many(&items).unwrap();
    let before = ON_POOL.load(Ordering::Relaxed);
    let got = verify_many(&items).unwrap();
    assert_eq!(
        ON_POOL.load(Ordering::Relaxed),
        before,
        "the pool threads allocated"
    );
    assert_eq!(got, warm);
    assert_eq!(got, (0..256).map(|i| i % 3 != 0).collect::<Vec<_>>());
}

#[test]
fn mldsa_sign_many_workers_allocate_nothing() {
    let _turn = POOL_TESTS.lock().unwrap_or_else(|p| p.into_inner());
    for alg in [
        SigAlgorithm::MlDsa44,
        SigAlgorithm::MlDsa65,
        SigAlgorithm::MlDsa87,
    ] {
        let sk = SigningKey::generate(alg).unwrap();
        let vk = sk.verifying_key();
        let len = sk.inner().fixed_signature_len().unwrap();
        let mut out = vec![0u8; len];
        sk.inner()
            .sign_into(b"m", b"ctx", SigningMode::Hedged, &mut out)
            .unwrap(); // makes the expanded key
        let n = allocations_in(|| {
            sk.inner()
                .sign_into(b"m", b"ctx", SigningMode::Hedged, &mut out)
                .unwrap();
        });
        assert_eq!(n, 0, "{alg} sign_into allocated {n} times");
        vk.verify(b"m", b"ctx", &out).unwrap();

        let messages: Vec<Vec<u8>> = (0..64u8).map(|i| vec![i; usize::from(i)]).collect();
        let before = ON_POOL.load(Ordering::Relaxed);
        let sigs = sign_many(&sk, &messages, b"ctx", SigningMode::Hedged).unwrap();
        assert_eq!(
            ON_POOL.load(Ordering::Relaxed),
            before,
            "{alg}: the pool threads allocated"
        );
        assert!(matches!(sigs, Signatures::Fixed { .. }));
        assert_eq!(sigs.len(), messages.len());
        for (m, sig) in messages.iter().zip(sigs.iter()) {
            vk.verify(m, b"ctx", sig).unwrap();
        }
    }
    // The families that allocate keep one buffer per signature.
    let ed = SigningKey::generate(SigAlgorithm::Ed25519).unwrap();
    let sigs = sign_many(&ed, &[b"a", b"b"], b"", SigningMode::Hedged).unwrap();
    assert!(matches!(sigs, Signatures::Each(_)));
}
