//! The SHAKE instantiations of FIPS 205 §11.1 on pqpay's Keccak-f[1600].
//!
//! F, H, PRF and T_l all hash PK.seed ‖ ADRS ‖ M with SHAKE256 to n bytes; n is a multiple of 8,
//! so every input is a whole number of 64-bit lanes and is written straight into the Keccak
//! state (F, H and PRF fit one 136-byte block). Up to four independent inputs of one length go
//! through one x4 permutation. PRF_msg and H_msg (one call per signature) use [`Sponge`].

use zeroize::{Zeroize, Zeroizing};

use super::address::Adrs;
use crate::keccak_native::{keccakf1600_x1, keccakf1600_x4};

/// An n-byte value as lanes (n/8 used, the rest zero).
pub(super) type Node = [u64; 4];

/// SHAKE256's rate in lanes (136 bytes).
const RATE: usize = 17;

/// Whether [`Hasher`] runs four inputs through the x4 permutation or one at a time through x1
/// (the tests compare the two).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Width {
    X4,
    #[cfg_attr(not(test), allow(dead_code))]
    X1,
}

/// The tweakable hashes for one key: PK.seed as lanes, n, and a scratch state that may hold
/// secret chain values, wiped on drop.
pub(super) struct Hasher {
    n8: usize,
    pk_seed: Node,
    width: Width,
    states: Zeroizing<[[u64; 25]; 4]>,
}

impl Hasher {
    pub(super) fn new(n8: usize, pk_seed: &Node, width: Width) -> Self {
        Hasher {
            n8,
            pk_seed: *pk_seed,
            width,
            states: Zeroizing::new([[0u64; 25]; 4]),
        }
    }

    pub(super) fn n8(&self) -> usize {
        self.n8
    }

    /// SHAKE256(PK.seed ‖ adrs[j] ‖ msgs[j], 8n) into out[j], for 1 to 4 inputs whose
    /// messages have one length (a whole number of lanes).
    pub(super) fn thash(&mut self, adrs: &[Adrs], msgs: &[&[u64]], out: &mut [Node]) {
        let count = adrs.len().min(msgs.len()).min(out.len()).min(4);
        if count == 0 {
            return;
        }
        let n8 = self.n8;
        let msg_lanes = msgs[0].len();
        let total = n8 + 4 + msg_lanes;
        // The padded input: `total` lanes, then at least the 0x1f byte.
        let blocks = total / RATE + 1;
        let mut adrs_lanes = [[0u64; 4]; 4];
        for (a, l) in adrs.iter().zip(adrs_lanes.iter_mut()).take(count) {
            *l = a.lanes();
        }
        for s in self.states.iter_mut() {
            *s = [0u64; 25];
        }
        for b in 0..blocks {
            let start = b * RATE;
            let end = (start + RATE).min(total);
            for j in 0..count {
                let parts: [&[u64]; 3] = [&self.pk_seed[..n8], &adrs_lanes[j], msgs[j]];
                let state = &mut self.states[j];
                xor_range(&mut state[..end.saturating_sub(start)], &parts, start);
                if b + 1 == blocks {
                    // The last block starts at a multiple of RATE at most `total`.
                    state[total - start] ^= 0x1f;
                    state[RATE - 1] ^= 0x80 << 56;
                }
            }
            self.permute(count);
        }
        let states = &*self.states;
        for (o, s) in out.iter_mut().zip(states.iter()).take(count) {
            *o = [0u64; 4];
            o[..n8].copy_from_slice(&s[..n8]);
        }
    }

    fn permute(&mut self, count: usize) {
        if self.width == Width::X4 && count > 1 {
            keccakf1600_x4(&mut self.states);
        } else {
            for s in self.states.iter_mut().take(count) {
                keccakf1600_x1(s);
            }
        }
    }

    /// `count` independent hashes of `msg_lanes` (at most 8) lanes each, four at a time:
    /// `input(i, buf)` writes message i into `buf` and returns its address; the result goes to
    /// `out[i]`.
    pub(super) fn thash_many(
        &mut self,
        count: usize,
        msg_lanes: usize,
        mut input: impl FnMut(usize, &mut [u64]) -> Adrs,
        out: &mut [Node],
    ) {
        let msg_lanes = msg_lanes.min(8);
        let mut bufs = Zeroizing::new([[0u64; 8]; 4]);
        let mut adrs = [Adrs::default(); 4];
        let count = count.min(out.len());
        let mut i = 0;
        while i < count {
            let group = (count - i).min(4);
            for j in 0..group {
                adrs[j] = input(i + j, &mut bufs[j][..msg_lanes]);
            }
            let msgs: [&[u64]; 4] = [
                &bufs[0][..msg_lanes],
                &bufs[1][..msg_lanes],
                &bufs[2][..msg_lanes],
                &bufs[3][..msg_lanes],
            ];
            self.thash(&adrs[..group], &msgs[..group], &mut out[i..i + group]);
            i += group;
        }
    }
}

/// XORs lanes start..start + dst.len() of the concatenation of `parts` into `dst`.
fn xor_range(dst: &mut [u64], parts: &[&[u64]; 3], start: usize) {
    let mut skip = start;
    let mut d = 0;
    for part in parts {
        if skip >= part.len() {
            skip -= part.len();
            continue;
        }
        for &lane in &part[skip..] {
            if d == dst.len() {
                return;
            }
            dst[d] ^= lane;
            d += 1;
        }
        skip = 0;
    }
}

/// SHAKE256 over bytes (x1), for PRF_msg and H_msg; its state is wiped on drop.
pub(super) struct Sponge {
    state: Zeroizing<[u64; 25]>,
    /// Bytes absorbed into the current block.
    pos: usize,
}

impl Sponge {
    pub(super) fn new() -> Self {
        Sponge {
            state: Zeroizing::new([0u64; 25]),
            pos: 0,
        }
    }

    pub(super) fn absorb(&mut self, data: &[u8]) {
        for &byte in data {
            self.state[self.pos / 8] ^= u64::from(byte) << (8 * (self.pos % 8));
            self.pos += 1;
            if self.pos == 8 * RATE {
                keccakf1600_x1(&mut self.state);
                self.pos = 0;
            }
        }
    }

    /// Pads, then squeezes `out.len()` bytes (at most one block: n or m bytes here).
    pub(super) fn finish(mut self, out: &mut [u8]) {
        self.state[self.pos / 8] ^= 0x1f << (8 * (self.pos % 8));
        self.state[RATE - 1] ^= 0x80 << 56;
        keccakf1600_x1(&mut self.state);
        for (i, o) in out.iter_mut().enumerate().take(8 * RATE) {
            *o = self.state[i / 8].to_le_bytes()[i % 8];
        }
        self.state.zeroize();
    }
}

/// n bytes (a multiple of 8, at most 32) as lanes.
pub(super) fn node_from_bytes(bytes: &[u8]) -> Node {
    let mut node = [0u64; 4];
    for (lane, chunk) in node.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut b = [0u8; 8];
        b.copy_from_slice(chunk);
        *lane = u64::from_le_bytes(b);
    }
    node
}

/// Appends the first `n8` lanes of `node` as bytes.
pub(super) fn push_node(out: &mut Vec<u8>, node: &Node, n8: usize) {
    for lane in &node[..n8] {
        out.extend_from_slice(&lane.to_le_bytes());
    }
}
