//! XMSS (FIPS 205 §6) and the hypertree (§7): trees built four leaves at a time.

use super::address::{Adrs, AdrsType};
use super::hash::{node_from_bytes, push_node, Hasher, Node};
use super::params::ShakeParams;
use super::tree::reduce;
use super::wots::{self, LeafSig, MAX_LEN};

/// The root of the XMSS tree at (layer, tree) (xmss_node(0, h')); with `sign` = (idx, M),
/// also xmss_sign (Algorithm 10): the WOTS+ signature of M at leaf idx and its
/// authentication path, appended to `out`.
pub(super) fn tree_root<P: ShakeParams>(
    h: &mut Hasher,
    sk_seed: &Node,
    layer: u32,
    tree: u64,
    sign: Option<(u32, &Node)>,
    out: &mut Vec<u8>,
) -> Node {
    let base = Adrs::new(layer, tree);
    let mut leaves = vec![[0u64; 4]; 1 << P::HP];
    let mut wots_sig = [[0u64; 4]; MAX_LEN];
    let digits = sign.map(|(_, m)| wots::digits::<P>(m));
    let leaf_sig = match (sign, digits.as_ref()) {
        (Some((idx, _)), Some(d)) => Some(LeafSig {
            key_pair: idx,
            digits: d,
            sig: &mut wots_sig[..P::LEN],
        }),
        _ => None,
    };
    wots::leaves::<P>(h, sk_seed, base, 0, &mut leaves, leaf_sig);
    let mut auth = [[0u64; 4]; 32];
    let auth_for: Vec<usize> = sign.map(|(idx, _)| idx as usize).into_iter().collect();
    let roots = reduce(
        h,
        leaves,
        P::HP,
        |z, i| base.typed(AdrsType::Tree).tree_height(z).tree_index(i),
        &auth_for,
        &mut auth[..P::HP],
    );
    if sign.is_some() {
        for node in wots_sig[..P::LEN].iter().chain(&auth[..P::HP]) {
            push_node(out, node, P::N8);
        }
    }
    roots.first().copied().unwrap_or_default()
}

/// xmss_pkFromSig (Algorithm 11): the root `sig` (one XMSS signature) leads to from M.
fn pk_from_sig<P: ShakeParams>(
    h: &mut Hasher,
    idx: u32,
    sig: &[u8],
    msg: &Node,
    layer: u32,
    tree: u64,
) -> Node {
    let n = P::N;
    let base = Adrs::new(layer, tree);
    let nodes: Vec<Node> = sig.chunks_exact(n).map(node_from_bytes).collect();
    let digits = wots::digits::<P>(msg);
    let mut node = wots::pk_from_sig::<P>(h, &nodes[..P::LEN], &digits, base, idx);
    let n8 = P::N8;
    for (k, auth) in nodes[P::LEN..].iter().enumerate() {
        let mut buf = [0u64; 8];
        if (idx >> k) & 1 == 0 {
            buf[..n8].copy_from_slice(&node[..n8]);
            buf[n8..2 * n8].copy_from_slice(&auth[..n8]);
        } else {
            buf[..n8].copy_from_slice(&auth[..n8]);
            buf[n8..2 * n8].copy_from_slice(&node[..n8]);
        }
        let adrs = base
            .typed(AdrsType::Tree)
            .tree_height(k as u32 + 1)
            .tree_index(idx >> (k + 1));
        let mut out = [[0u64; 4]; 1];
        h.thash(&[adrs], &[&buf[..2 * n8]], &mut out);
        node = out[0];
    }
    node
}

/// The low h' bits of the tree index: the leaf in the layer above.
fn leaf_of<P: ShakeParams>(tree: u64) -> u32 {
    (tree & ((1u64 << P::HP) - 1)) as u32
}

/// ht_sign (Algorithm 12): appends SIG_HT of `msg` to `out`.
pub(super) fn ht_sign<P: ShakeParams>(
    h: &mut Hasher,
    sk_seed: &Node,
    msg: &Node,
    mut tree: u64,
    mut leaf: u32,
    out: &mut Vec<u8>,
) {
    let mut m = *msg;
    for layer in 0..P::D as u32 {
        m = tree_root::<P>(h, sk_seed, layer, tree, Some((leaf, &m)), out);
        leaf = leaf_of::<P>(tree);
        tree >>= P::HP;
    }
}

/// ht_verify (Algorithm 13); `sig` holds d XMSS signatures (its length is the caller's check).
pub(super) fn ht_verify<P: ShakeParams>(
    h: &mut Hasher,
    msg: &Node,
    sig: &[u8],
    mut tree: u64,
    mut leaf: u32,
    pk_root: &Node,
) -> bool {
    let mut node = *msg;
    for (layer, xmss) in sig.chunks_exact(P::XMSS_SIG).take(P::D).enumerate() {
        node = pk_from_sig::<P>(h, leaf, xmss, &node, layer as u32, tree);
        leaf = leaf_of::<P>(tree);
        tree >>= P::HP;
    }
    // Public values: no constant-time comparison needed.
    node == *pk_root
}
