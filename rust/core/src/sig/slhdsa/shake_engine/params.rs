//! The six SHAKE parameter sets of FIPS 205 (Table 2) as types.

/// One SLH-DSA-SHAKE parameter set. lg_w = 4 (w = 16) for all of them.
pub(crate) trait ShakeParams: Send + Sync + 'static {
    /// Security parameter n (bytes): 16, 24 or 32.
    const N: usize;
    /// Total hypertree height h.
    const H: usize;
    /// Hypertree layers d.
    const D: usize;
    /// Height of one XMSS tree, h' = h / d.
    const HP: usize;
    /// FORS tree height a.
    const A: usize;
    /// FORS trees k.
    const K: usize;
    /// H_msg output length m (bytes).
    const M: usize;

    /// n in 64-bit lanes.
    const N8: usize = Self::N / 8;
    /// WOTS+ message digits len1 = 8n / lg_w.
    const LEN1: usize = 2 * Self::N;
    /// WOTS+ chains len = len1 + len2 (len2 = 3 for every n here).
    const LEN: usize = Self::LEN1 + 3;
    /// FORS signature: k (secret value + a authentication nodes).
    const FORS_SIG: usize = Self::K * (1 + Self::A) * Self::N;
    /// One XMSS signature: len WOTS+ values + h' authentication nodes.
    const XMSS_SIG: usize = (Self::LEN + Self::HP) * Self::N;
    /// R ‖ SIG_FORS ‖ SIG_HT.
    const SIG_LEN: usize = Self::N + Self::FORS_SIG + Self::D * Self::XMSS_SIG;
}

macro_rules! shake_sets {
    ($($ty:ident: n = $n:literal, h = $h:literal, d = $d:literal, hp = $hp:literal,
        a = $a:literal, k = $k:literal, m = $m:literal;)*) => {$(
        #[doc = concat!("SLH-DSA-SHAKE-", stringify!($ty), " (FIPS 205 Table 2).")]
        pub(crate) struct $ty;
        impl ShakeParams for $ty {
            const N: usize = $n;
            const H: usize = $h;
            const D: usize = $d;
            const HP: usize = $hp;
            const A: usize = $a;
            const K: usize = $k;
            const M: usize = $m;
        }
    )*};
}

shake_sets! {
    Shake128s: n = 16, h = 63, d = 7, hp = 9, a = 12, k = 14, m = 30;
    Shake128f: n = 16, h = 66, d = 22, hp = 3, a = 6, k = 33, m = 34;
    Shake192s: n = 24, h = 63, d = 7, hp = 9, a = 14, k = 17, m = 39;
    Shake192f: n = 24, h = 66, d = 22, hp = 3, a = 8, k = 33, m = 42;
    Shake256s: n = 32, h = 64, d = 8, hp = 8, a = 14, k = 22, m = 47;
    Shake256f: n = 32, h = 68, d = 17, hp = 4, a = 9, k = 35, m = 49;
}
