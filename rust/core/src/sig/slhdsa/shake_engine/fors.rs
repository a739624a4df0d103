//! FORS (FIPS 205 §8): the k trees as one forest (global leaf index i·2^a + j, which is how
//! FORS addresses them), leaves and levels hashed four at a time.

use zeroize::Zeroizing;

use super::address::{Adrs, AdrsType};
use super::hash::{node_from_bytes, push_node, Hasher, Node};
use super::params::ShakeParams;
use super::tree::reduce;

/// The largest k.
const MAX_K: usize = 35;
/// Leaves per batch: whole trees, about this many leaves (bounds memory for a = 14).
const BATCH_LEAVES: usize = 1 << 12;

/// base_2b(md, a, k) (Algorithm 4): the leaf index in each tree.
pub(super) fn indices<P: ShakeParams>(md: &[u8]) -> [u32; MAX_K] {
    let mut out = [0u32; MAX_K];
    let mut bytes = md.iter();
    let mut total: u32 = 0;
    let mut bits = 0;
    for o in out.iter_mut().take(P::K) {
        while bits < P::A {
            total = (total << 8) | u32::from(bytes.next().copied().unwrap_or(0));
            bits += 8;
        }
        bits -= P::A;
        *o = (total >> bits) & ((1 << P::A) - 1);
        total &= (1 << bits) - 1;
    }
    out
}

/// T_k over the k roots: the FORS public key (Algorithms 15 and 17, last steps).
fn roots_to_pk<P: ShakeParams>(h: &mut Hasher, roots: &[Node], base: Adrs, key_pair: u32) -> Node {
    let n8 = P::N8;
    let mut flat = vec![0u64; P::K * n8];
    for (chunk, root) in flat.chunks_exact_mut(n8).zip(roots) {
        chunk.copy_from_slice(&root[..n8]);
    }
    let adrs = [base.typed(AdrsType::ForsRoots).key_pair(key_pair)];
    let mut pk = [[0u64; 4]; 1];
    h.thash(&adrs, &[&flat[..]], &mut pk);
    pk[0]
}

/// fors_sign (Algorithm 16): appends SIG_FORS of `md` to `out` and returns the FORS public key
/// (what fors_pkFromSig gives for it). `base` has layer 0 and the tree index set.
pub(super) fn sign<P: ShakeParams>(
    h: &mut Hasher,
    sk_seed: &Node,
    md: &[u8],
    base: Adrs,
    key_pair: u32,
    out: &mut Vec<u8>,
) -> Node {
    let n8 = P::N8;
    let idx = indices::<P>(md);
    let per_batch = (BATCH_LEAVES >> P::A).max(1);
    let mut roots: Vec<Node> = Vec::with_capacity(P::K);
    let mut t0 = 0;
    while t0 < P::K {
        let trees = per_batch.min(P::K - t0);
        let count = trees << P::A;
        let g0 = (t0 << P::A) as u32;
        let mut sks: Zeroizing<Vec<Node>> = Zeroizing::new(vec![[0u64; 4]; count]);
        h.thash_many(
            count,
            n8,
            |i, buf| {
                buf.copy_from_slice(&sk_seed[..n8]);
                base.typed(AdrsType::ForsPrf)
                    .key_pair(key_pair)
                    .tree_index(g0 + i as u32)
            },
            &mut sks,
        );
        let mut leaves = vec![[0u64; 4]; count];
        h.thash_many(
            count,
            n8,
            |i, buf| {
                buf.copy_from_slice(&sks[i][..n8]);
                base.typed(AdrsType::ForsTree)
                    .key_pair(key_pair)
                    .tree_index(g0 + i as u32)
            },
            &mut leaves,
        );
        let auth_for: Vec<usize> = (0..trees)
            .map(|t| (t << P::A) + idx[t0 + t] as usize)
            .collect();
        let mut auth = vec![[0u64; 4]; trees * P::A];
        let batch_roots = reduce(
            h,
            leaves,
            P::A,
            |z, i| {
                base.typed(AdrsType::ForsTree)
                    .key_pair(key_pair)
                    .tree_height(z)
                    .tree_index((g0 >> z) + i)
            },
            &auth_for,
            &mut auth,
        );
        for (t, &leaf) in auth_for.iter().enumerate() {
            push_node(out, &sks[leaf], n8);
            for node in &auth[t * P::A..(t + 1) * P::A] {
                push_node(out, node, n8);
            }
        }
        roots.extend_from_slice(&batch_roots);
        t0 += trees;
    }
    roots_to_pk::<P>(h, &roots, base, key_pair)
}

/// fors_pkFromSig (Algorithm 17); `sig` is SIG_FORS (its length is the caller's check).
pub(super) fn pk_from_sig<P: ShakeParams>(
    h: &mut Hasher,
    sig: &[u8],
    md: &[u8],
    base: Adrs,
    key_pair: u32,
) -> Node {
    let n8 = P::N8;
    let idx = indices::<P>(md);
    let nodes: Vec<Node> = sig.chunks_exact(P::N).map(node_from_bytes).collect();
    let stride = 1 + P::A;
    // Global leaf index of the revealed leaf of tree t.
    let leaf = |t: usize| ((t << P::A) as u32) + idx[t];
    let mut level = vec![[0u64; 4]; P::K];
    h.thash_many(
        P::K,
        n8,
        |t, buf| {
            buf.copy_from_slice(&nodes[t * stride][..n8]);
            base.typed(AdrsType::ForsTree)
                .key_pair(key_pair)
                .tree_index(leaf(t))
        },
        &mut level,
    );
    for z in 0..P::A {
        let prev = level.clone();
        h.thash_many(
            P::K,
            2 * n8,
            |t, buf| {
                let auth = &nodes[t * stride + 1 + z];
                let (left, right) = if (idx[t] >> z) & 1 == 0 {
                    (&prev[t], auth)
                } else {
                    (auth, &prev[t])
                };
                buf[..n8].copy_from_slice(&left[..n8]);
                buf[n8..2 * n8].copy_from_slice(&right[..n8]);
                base.typed(AdrsType::ForsTree)
                    .key_pair(key_pair)
                    .tree_height(z as u32 + 1)
                    .tree_index(leaf(t) >> (z + 1))
            },
            &mut level,
        );
    }
    roots_to_pk::<P>(h, &level, base, key_pair)
}
