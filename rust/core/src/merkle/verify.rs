//! Proof verification: the RFC 9162 §2.1.3.2 and §2.1.4.2 loops, with the edge rules
//! transparency-dev applies (old size 0 rejected; equal sizes need an empty proof and equal
//! roots). Malformed arguments are `InvalidArgument`/`InvalidLength`; a proof that does not
//! verify is the opaque `InvalidProof`.

use subtle::ConstantTimeEq;

use super::hash::node_hash;
use super::plan::{check_index, check_sizes};
use super::Hash;
use crate::{Error, Result};

fn check(ok: bool) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidProof)
    }
}

fn equal(a: &Hash, b: &Hash) -> bool {
    bool::from(a.ct_eq(b))
}

/// Right-shifts `fn_` and `sn` together until `fn_` is odd or zero.
fn shift_while_even(fn_: &mut u64, sn: &mut u64) {
    while *fn_ & 1 == 0 && *fn_ != 0 {
        *fn_ >>= 1;
        *sn >>= 1;
    }
}

/// Verifies that `leaf` is leaf `index` of the tree of `tree_size` leaves whose root is `root`.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    tree_size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<()> {
    check_index(index, tree_size)?;
    let (mut fn_, mut sn) = (index, tree_size - 1);
    let mut r = *leaf;
    for p in proof {
        if sn == 0 {
            return Err(Error::InvalidProof);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            shift_while_even(&mut fn_, &mut sn);
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    check(sn == 0 && equal(&r, root))
}

/// Verifies that the tree of `new_size` leaves with root `new_root` extends the tree of
/// `old_size` leaves with root `old_root` (`1 <= old_size <= new_size`).
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<()> {
    check_sizes(old_size, new_size)?;
    if old_size == new_size {
        return check(proof.is_empty() & equal(old_root, new_root));
    }
    let Some((first, rest)) = proof.split_first() else {
        return Err(Error::InvalidProof);
    };
    // A power-of-two old tree is itself a node of the new one: the proof omits its hash.
    let (seed, rest) = if old_size.is_power_of_two() {
        (old_root, proof)
    } else {
        (first, rest)
    };
    let (mut fn_, mut sn) = (old_size - 1, new_size - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (*seed, *seed);
    for c in rest {
        if sn == 0 {
            return Err(Error::InvalidProof);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            shift_while_even(&mut fn_, &mut sn);
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    check(equal(&fr, old_root) & equal(&sr, new_root) & (sn == 0))
}
