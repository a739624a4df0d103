//! ADRS, the 32-byte hash address of FIPS 205 §4.2 (uncompressed, as the SHAKE sets use it).

/// The address types (FIPS 205 §4.2).
#[derive(Clone, Copy)]
pub(super) enum AdrsType {
    WotsHash = 0,
    WotsPk = 1,
    Tree = 2,
    ForsTree = 3,
    ForsRoots = 4,
    WotsPrf = 5,
    ForsPrf = 6,
}

/// Eight big-endian 32-bit words: layer, tree (three words), type, then key pair, chain / tree
/// height, hash / tree index.
#[derive(Clone, Copy, Default)]
pub(super) struct Adrs([u32; 8]);

impl Adrs {
    /// Layer `layer`, tree `tree`, type WOTS_HASH, the rest zero.
    pub(super) fn new(layer: u32, tree: u64) -> Self {
        // Truncations intended: the tree address is the 64-bit value in words 2 and 3.
        #[allow(clippy::cast_possible_truncation)]
        Adrs([layer, 0, (tree >> 32) as u32, tree as u32, 0, 0, 0, 0])
    }

    /// setTypeAndClear: the type, and key pair / chain / hash words cleared.
    pub(super) fn typed(self, t: AdrsType) -> Self {
        let mut w = self.0;
        w[4] = t as u32;
        w[5] = 0;
        w[6] = 0;
        w[7] = 0;
        Adrs(w)
    }

    pub(super) fn key_pair(self, v: u32) -> Self {
        self.word(5, v)
    }

    /// Chain address (WOTS+) or tree height (trees): the same word.
    pub(super) fn chain(self, v: u32) -> Self {
        self.word(6, v)
    }

    /// Hash address (WOTS+) or tree index (trees): the same word.
    pub(super) fn hash(self, v: u32) -> Self {
        self.word(7, v)
    }

    pub(super) fn tree_height(self, v: u32) -> Self {
        self.word(6, v)
    }

    pub(super) fn tree_index(self, v: u32) -> Self {
        self.word(7, v)
    }

    fn word(self, i: usize, v: u32) -> Self {
        let mut w = self.0;
        w[i] = v;
        Adrs(w)
    }

    /// The 32 bytes as four little-endian Keccak lanes.
    pub(super) fn lanes(&self) -> [u64; 4] {
        let w = &self.0;
        let lane = |i: usize| {
            u64::from(w[2 * i].swap_bytes()) | (u64::from(w[2 * i + 1].swap_bytes()) << 32)
        };
        [lane(0), lane(1), lane(2), lane(3)]
    }

    #[cfg(test)]
    pub(super) fn to_bytes(self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (chunk, w) in out.chunks_exact_mut(4).zip(self.0) {
            chunk.copy_from_slice(&w.to_be_bytes());
        }
        out
    }
}
