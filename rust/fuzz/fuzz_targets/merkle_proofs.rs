//! RFC 9162 Merkle proofs: fuzzer-made inclusion and consistency proofs, sizes and indices
//! (any u64), and a compact tree's saved state. On trees built from the fuzzer's entries every
//! honest proof verifies, and a proof with a changed hash, index or size does not; the compact
//! tree, the builder and the proof plans agree on every root.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqpay_core::merkle::{
    self, consistency_proof, inclusion_plan, inclusion_proof, leaf_hashes, root,
    verify_consistency, verify_inclusion, CompactTree, Hash,
};
use pqpay_fuzz::Input;

fn hash(input: &mut Input<'_>) -> Hash {
    let mut h = [0u8; 32];
    let b = input.bytes(32);
    h[..b.len()].copy_from_slice(b);
    h
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let mode = input.byte();
    if mode & 1 == 0 {
        // Hostile arguments: nothing panics, loops stay bounded by the proof length.
        let (a, b) = (input.u64(), input.u64());
        let (h1, h2) = (hash(&mut input), hash(&mut input));
        let n = usize::from(input.byte() % 70);
        let proof: Vec<Hash> = (0..n).map(|_| hash(&mut input)).collect();
        let inc = verify_inclusion(&h1, a, b, &proof, &h2);
        let con = verify_consistency(a, b, &h1, &h2, &proof);
        if a >= b {
            assert!(
                inc.is_err(),
                "an inclusion proof for index {a} >= size {b} verified"
            );
        }
        if a > b || a == 0 {
            assert!(con.is_err());
        }
        if let Ok(plan) = inclusion_plan(a, b) {
            let _ = plan.rehash(&proof);
        }
        let peaks: Vec<Hash> = proof
            .iter()
            .take(usize::from(mode >> 1) % 65)
            .copied()
            .collect();
        if let Ok(tree) = CompactTree::from_state(a, peaks.clone()) {
            assert_eq!(tree.size(), a);
            assert_eq!(tree.peaks(), peaks.as_slice());
            assert_eq!(a.count_ones() as usize, peaks.len());
            let _ = tree.root();
        }
        return;
    }
    // Honest trees from the fuzzer's entries.
    let count = 1 + usize::from(input.byte() % 40);
    let entries: Vec<&[u8]> = (0..count).map(|_| input.short(16)).collect();
    let leaves = leaf_hashes(&entries).expect("leaf hashes");
    let size = count as u64;
    let tree_root = root(&leaves).expect("root");
    let mut compact = CompactTree::new();
    compact.extend(&leaves).expect("extend");
    assert_eq!(compact.root(), tree_root);
    let index = u64::from(input.byte()) % size;
    let leaf = merkle::leaf_hash(entries[index as usize]);
    let proof = inclusion_proof(&leaves, index).expect("inclusion proof");
    verify_inclusion(&leaf, index, size, &proof, &tree_root).expect("honest inclusion proof");
    if let Some(other) = (0..size).find(|&j| j != index && leaves[j as usize * 32..][..32] != leaf)
    {
        assert!(
            verify_inclusion(&leaf, other, size, &proof, &tree_root).is_err(),
            "verified at another index"
        );
    }
    if !proof.is_empty() {
        let mut bad = proof.clone();
        let at = usize::from(input.byte()) % bad.len();
        bad[at][usize::from(mode >> 3) % 32] ^= 1 << (mode & 7);
        assert!(
            verify_inclusion(&leaf, index, size, &bad, &tree_root).is_err(),
            "a changed proof verified"
        );
    }
    let old = 1 + u64::from(input.byte()) % size;
    let old_root = root(&leaves[..old as usize * 32]).expect("old root");
    let cproof = consistency_proof(&leaves, old).expect("consistency proof");
    verify_consistency(old, size, &old_root, &tree_root, &cproof)
        .expect("honest consistency proof");
    if old < size {
        let mut bad_root = old_root;
        bad_root[0] ^= 1;
        assert!(verify_consistency(old, size, &bad_root, &tree_root, &cproof).is_err());
    }
});
