//! pqpay's SLH-DSA engine for the six SHAKE sets (FIPS 205 §11.1), generic over the parameter
//! set: slh_keygen_internal, slh_sign_internal and slh_verify_internal (Algorithms 18-20) over
//! pqpay's Keccak-f[1600] (crate::keccak_native), hashing four independent things per x4
//! permutation: four XMSS leaves (whole WOTS+ public keys: PRF, chains, T_len), four FORS
//! leaves, four nodes of one tree level, four chains of one WOTS+ verification.
//!
//! Measured against RustCrypto's `slh-dsa` (the SHA2 sets' engine), which the tests compare it
//! with byte for byte; see the CHANGELOG for the figures.

mod address;
mod fors;
mod hash;
mod params;
#[cfg(test)]
mod tests;
mod tree;
mod wots;
mod xmss;

use core::marker::PhantomData;

use zeroize::Zeroizing;

use self::address::Adrs;
use self::hash::{node_from_bytes, push_node, Hasher, Node, Sponge, Width};
pub(super) use self::params::{
    Shake128f, Shake128s, Shake192f, Shake192s, Shake256f, Shake256s, ShakeParams,
};
use super::{Engine, SkCore, VkCore};

/// The SHAKE engine for parameter set `P`, as [`Engine`] builds it.
pub(super) struct Shake<P>(PhantomData<fn() -> P>);

impl<P: ShakeParams> Engine for Shake<P> {
    fn keygen(sk_seed: &[u8], sk_prf: &[u8], pk_seed: &[u8]) -> Box<dyn SkCore> {
        Box::new(ShakeSigningKey::<P>::keygen(
            sk_seed,
            sk_prf,
            pk_seed,
            Width::X4,
        ))
    }

    fn verifying(data: &[u8]) -> Option<Box<dyn VkCore>> {
        ShakeVerifyingKey::<P>::from_bytes(data).map(|vk| Box::new(vk) as Box<dyn VkCore>)
    }
}

/// PK.seed and PK.root, as lanes.
struct ShakeVerifyingKey<P> {
    pk_seed: Node,
    pk_root: Node,
    _p: PhantomData<fn() -> P>,
}

impl<P> Clone for ShakeVerifyingKey<P> {
    fn clone(&self) -> Self {
        ShakeVerifyingKey {
            pk_seed: self.pk_seed,
            pk_root: self.pk_root,
            _p: PhantomData,
        }
    }
}

/// SK.seed (lanes) and SK.prf, wiped on drop, with the public key.
struct ShakeSigningKey<P> {
    sk_seed: Zeroizing<Node>,
    sk_prf: Zeroizing<[u8; 32]>,
    vk: ShakeVerifyingKey<P>,
}

fn bytes_of(node: &Node, n8: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 * n8);
    push_node(&mut out, node, n8);
    out
}

impl<P: ShakeParams> ShakeVerifyingKey<P> {
    /// PK.seed ‖ PK.root of 2n bytes.
    fn from_bytes(data: &[u8]) -> Option<Self> {
        if data.len() != 2 * P::N {
            return None;
        }
        Some(ShakeVerifyingKey {
            pk_seed: node_from_bytes(&data[..P::N]),
            pk_root: node_from_bytes(&data[P::N..]),
            _p: PhantomData,
        })
    }

    /// H_msg(R, PK.seed, PK.root, M) (m bytes, at most 49).
    fn h_msg(&self, r: &[u8], parts: &[&[u8]]) -> [u8; 64] {
        let mut sponge = Sponge::new();
        sponge.absorb(r);
        sponge.absorb(&bytes_of(&self.pk_seed, P::N8));
        sponge.absorb(&bytes_of(&self.pk_root, P::N8));
        for part in parts {
            sponge.absorb(part);
        }
        let mut digest = [0u8; 64];
        sponge.finish(&mut digest[..P::M]);
        digest
    }

    /// slh_verify_internal (Algorithm 20) with the hashes on `width`.
    fn verify_with(&self, parts: &[&[u8]], sig: &[u8], width: Width) -> bool {
        if sig.len() != P::SIG_LEN {
            return false;
        }
        let (r, rest) = sig.split_at(P::N);
        let (sig_fors, sig_ht) = rest.split_at(P::FORS_SIG);
        let digest = self.h_msg(r, parts);
        let (md, tree, leaf) = split_digest::<P>(&digest);
        let mut h = Hasher::new(P::N8, &self.pk_seed, width);
        let base = Adrs::new(0, tree);
        let pk_fors = fors::pk_from_sig::<P>(&mut h, sig_fors, md, base, leaf);
        xmss::ht_verify::<P>(&mut h, &pk_fors, sig_ht, tree, leaf, &self.pk_root)
    }
}

/// md, idx_tree and idx_leaf from H_msg's output (Algorithm 19 steps 7-12).
fn split_digest<P: ShakeParams>(digest: &[u8; 64]) -> (&[u8], u64, u32) {
    let md_len = (P::K * P::A).div_ceil(8);
    let tree_bits = P::H - P::HP;
    let tree_len = tree_bits.div_ceil(8);
    let leaf_len = P::HP.div_ceil(8);
    let be = |bytes: &[u8]| bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let mut tree = be(&digest[md_len..md_len + tree_len]);
    if tree_bits < 64 {
        tree &= (1u64 << tree_bits) - 1;
    }
    let leaf_bytes = &digest[md_len + tree_len..md_len + tree_len + leaf_len];
    let leaf = (be(leaf_bytes) & ((1u64 << P::HP) - 1)) as u32;
    (&digest[..md_len], tree, leaf)
}

impl<P: ShakeParams> ShakeSigningKey<P> {
    /// slh_keygen_internal (Algorithm 18); each seed has n bytes (the caller's check).
    fn keygen(sk_seed: &[u8], sk_prf: &[u8], pk_seed: &[u8], width: Width) -> Self {
        let mut prf = Zeroizing::new([0u8; 32]);
        prf[..P::N].copy_from_slice(&sk_prf[..P::N]);
        let sk_seed = Zeroizing::new(node_from_bytes(&sk_seed[..P::N]));
        let pk_seed = node_from_bytes(&pk_seed[..P::N]);
        let mut h = Hasher::new(P::N8, &pk_seed, width);
        let pk_root =
            xmss::tree_root::<P>(&mut h, &sk_seed, P::D as u32 - 1, 0, None, &mut Vec::new());
        ShakeSigningKey {
            sk_seed,
            sk_prf: prf,
            vk: ShakeVerifyingKey {
                pk_seed,
                pk_root,
                _p: PhantomData,
            },
        }
    }

    /// slh_sign_internal (Algorithm 19); `opt_rand` has n bytes, `None` is PK.seed.
    fn sign_with(&self, parts: &[&[u8]], opt_rand: Option<&[u8]>, width: Width) -> Vec<u8> {
        let n8 = P::N8;
        let pk_seed = bytes_of(&self.vk.pk_seed, n8);
        let mut prf = Sponge::new();
        prf.absorb(&self.sk_prf[..P::N]);
        prf.absorb(opt_rand.unwrap_or(&pk_seed));
        for part in parts {
            prf.absorb(part);
        }
        let mut r = [0u8; 32];
        prf.finish(&mut r[..P::N]);
        let digest = self.vk.h_msg(&r[..P::N], parts);
        let (md, tree, leaf) = split_digest::<P>(&digest);
        let mut sig = Vec::with_capacity(P::SIG_LEN);
        sig.extend_from_slice(&r[..P::N]);
        let mut h = Hasher::new(n8, &self.vk.pk_seed, width);
        let base = Adrs::new(0, tree);
        let pk_fors = fors::sign::<P>(&mut h, &self.sk_seed, md, base, leaf, &mut sig);
        xmss::ht_sign::<P>(&mut h, &self.sk_seed, &pk_fors, tree, leaf, &mut sig);
        sig
    }
}

impl<P: ShakeParams> SkCore for ShakeSigningKey<P> {
    fn sign_internal(&self, parts: &[&[u8]], opt_rand: Option<&[u8]>) -> Vec<u8> {
        self.sign_with(parts, opt_rand, Width::X4)
    }

    fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(4 * P::N));
        push_node(&mut out, &self.sk_seed, P::N8);
        out.extend_from_slice(&self.sk_prf[..P::N]);
        out.extend_from_slice(&VkCore::to_bytes(&self.vk));
        out
    }

    fn verifying(&self) -> Box<dyn VkCore> {
        Box::new(self.vk.clone())
    }
}

impl<P: ShakeParams> VkCore for ShakeVerifyingKey<P> {
    fn verify_internal(&self, parts: &[&[u8]], signature: &[u8]) -> bool {
        self.verify_with(parts, signature, Width::X4)
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut out = bytes_of(&self.pk_seed, P::N8);
        push_node(&mut out, &self.pk_root, P::N8);
        out
    }
}
