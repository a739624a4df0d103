//! Criterion benchmarks of the Merkle core: one node hash (two SHA-256 compressions through
//! `compress256` against the streaming `Sha256` hasher it replaces), roots of 2^16 and 10^6
//! leaf hashes on rayon's pool and on a one-thread pool (what the second core brings),
//! inclusion verification in a 10^6-leaf tree, and bulk appends to the compact tree.
//!
//! Run with `cargo bench -p pqpay-core --bench merkle [-- FILTER]`.
#![allow(missing_docs)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use pqpay_core::merkle::{self, CompactTree, Hash};
use sha2::{Digest, Sha256};

fn leaves(n: usize) -> Vec<u8> {
    let entries: Vec<[u8; 8]> = (0..n as u64).map(|i| i.to_le_bytes()).collect();
    merkle::leaf_hashes(&entries).expect("leaf hashes")
}

fn streaming_node_hash(l: &Hash, r: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(l);
    h.update(r);
    h.finalize().into()
}

fn bench(c: &mut Criterion) {
    let (l, r) = (merkle::leaf_hash(b"l"), merkle::leaf_hash(b"r"));
    let mut g = c.benchmark_group("merkle node hash");
    g.bench_function("compress256", |b| {
        b.iter(|| merkle::node_hash(black_box(&l), black_box(&r)))
    });
    g.bench_function("Sha256 streaming", |b| {
        b.iter(|| streaming_node_hash(black_box(&l), black_box(&r)))
    });
    g.finish();

    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    for (n, name) in [(1usize << 16, "65536"), (1_000_000, "1000000")] {
        let buf = leaves(n);
        let mut g = c.benchmark_group(format!("merkle root {name}"));
        g.sample_size(10).measurement_time(Duration::from_secs(3));
        g.bench_function("rayon default", |b| {
            b.iter(|| merkle::root(black_box(&buf)).unwrap())
        });
        g.bench_function("one thread", |b| {
            b.iter(|| one.install(|| merkle::root(black_box(&buf)).unwrap()))
        });
        g.finish();
    }

    let n = 1_000_000u64;
    let buf = leaves(n as usize);
    let root = merkle::root(&buf).unwrap();
    let index = 666_666u64;
    let proof = merkle::inclusion_proof(&buf, index).unwrap();
    let leaf = merkle::hash_from_slice("leaf", &buf[index as usize * 32..][..32]).unwrap();
    c.bench_function("merkle verify inclusion (10^6 leaves)", |b| {
        b.iter(|| merkle::verify_inclusion(black_box(&leaf), index, n, &proof, &root).unwrap())
    });

    let batch = leaves(1 << 16);
    let mut g = c.benchmark_group("merkle compact tree extend 65536");
    g.sample_size(10);
    g.bench_function("extend", |b| {
        b.iter(|| CompactTree::new().extend(black_box(&batch)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
