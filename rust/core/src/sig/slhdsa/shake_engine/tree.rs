//! Merkle levels with H, four nodes of one level at a time (XMSS trees and FORS forests).

use super::address::Adrs;
use super::hash::{Hasher, Node};

/// Reduces `nodes` (the leaves of perfect trees of height `levels`, side by side) to the
/// trees' roots: level z (1..=levels) node i is H(adrs(z, i), left ‖ right). For each leaf
/// index in `auth_for`, its authentication path (the sibling at every level below the root)
/// goes to `auth[j * levels..(j + 1) * levels]`.
pub(super) fn reduce(
    h: &mut Hasher,
    mut nodes: Vec<Node>,
    levels: usize,
    adrs: impl Fn(u32, u32) -> Adrs,
    auth_for: &[usize],
    auth: &mut [Node],
) -> Vec<Node> {
    let n8 = h.n8();
    for z in 1..=levels {
        for (j, &leaf) in auth_for.iter().enumerate() {
            if let (Some(slot), Some(sibling)) = (
                auth.get_mut(j * levels + z - 1),
                nodes.get((leaf >> (z - 1)) ^ 1),
            ) {
                *slot = *sibling;
            }
        }
        let half = nodes.len() / 2;
        let mut next = vec![[0u64; 4]; half];
        let prev = &nodes;
        h.thash_many(
            half,
            2 * n8,
            |i, buf| {
                buf[..n8].copy_from_slice(&prev[2 * i][..n8]);
                buf[n8..2 * n8].copy_from_slice(&prev[2 * i + 1][..n8]);
                adrs(z as u32, i as u32)
            },
            &mut next,
        );
        nodes = next;
    }
    nodes
}
