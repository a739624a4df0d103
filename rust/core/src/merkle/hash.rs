//! RFC 9162 §2.1.1 hashing. The node hash is the hot path of every tree operation: its 65-byte
//! message is padded by hand into exactly two SHA-256 blocks and fed to `compress256` (SHA-NI,
//! picked by sha2 at run time), which skips the streaming hasher's buffering.

use sha2::block_api::compress256;
use sha2::{Digest, Sha256};

use super::Hash;

/// MTH of the empty tree: SHA-256 of the empty string.
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// The second block's constant tail: the 0x80 pad byte follows the one message byte, and the
/// message length (65 bytes = 520 bits) ends the block.
const TAIL: [u8; 64] = {
    let mut b = [0u8; 64];
    b[1] = 0x80;
    let bits = (65u64 * 8).to_be_bytes();
    let mut i = 0;
    while i < 8 {
        b[56 + i] = bits[i];
        i += 1;
    }
    b
};

/// SHA-256(0x00 ‖ entry): the hash of one log entry.
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    h.finalize().into()
}

/// SHA-256(0x01 ‖ left ‖ right): the hash of an interior node.
#[inline]
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    node_hash_parts(left, right)
}

/// [`node_hash`] over two slices that the caller guarantees are 32 bytes each (pairs read
/// straight out of a leaf buffer, without copying them into arrays first).
#[inline]
pub(crate) fn node_hash_parts(left: &[u8], right: &[u8]) -> Hash {
    let mut blocks = [[0u8; 64], TAIL];
    blocks[0][0] = 0x01;
    blocks[0][1..33].copy_from_slice(left);
    blocks[0][33..].copy_from_slice(&right[..31]);
    blocks[1][0] = right[31];
    let mut state = IV;
    compress256(&mut state, &blocks);
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_hash_matches_streaming_sha256() {
        let l = [0x11u8; 32];
        let mut r = [0x22u8; 32];
        r[31] = 0x99;
        let mut h = Sha256::new();
        h.update([1u8]);
        h.update(l);
        h.update(r);
        let want: Hash = h.finalize().into();
        assert_eq!(node_hash(&l, &r), want);
        let empty: Hash = Sha256::digest(b"").into();
        assert_eq!(EMPTY_ROOT, empty);
    }
}
