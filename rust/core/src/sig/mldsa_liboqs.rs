//! Hedged ML-DSA signing on liboqs (the `oqs` crate over `oqs-sys`, which
//! builds liboqs 0.13 from crates.io with cmake, portable with run-time AVX2 dispatch).
//!
//! Measured here in one run (benches/rust/engines.rs, µs, load noted in the changelog): liboqs's
//! AVX2 code signs in 0.7-0.9x the time of libcrux 0.0.11, matching liboqs 0.16, the peer in the
//! issue. Key generation from a seed, deterministic signing, the internal and external-mu
//! interfaces stay on libcrux / RustCrypto: liboqs 0.13 offers none of them.
//!
//! Verification is NOT done here: liboqs 0.13's AVX2 verifier (pqcrystals) skips the
//! ||z||∞ < γ1 − β check ("shortness follows from unpacking"), and accepted the Wycheproof
//! InfinityNormViolation signatures (tcId 108/109). Its signer does check z.
//!
//! liboqs takes the FIPS 204 encodings (expanded private key, public key, signature) as they are;
//! it draws the 32-byte rnd of hedged signing from the OS, wipes its own stack copies, and never
//! keeps the private key (it is passed by reference on each call, from pqpay's zeroized buffer).

use std::sync::OnceLock;

use oqs::sig::{Algorithm, Sig};

use super::SigAlgorithm;
use crate::{Error, Result};

/// liboqs's ML-DSA object for `alg`, made once (`Sig::new` allocates; the object only holds
/// sizes and function pointers, and liboqs documents its functions as thread-safe).
fn sig(alg: SigAlgorithm) -> Result<&'static Sig> {
    static CELLS: [OnceLock<Option<Sig>>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let (cell, algorithm) = match alg {
        SigAlgorithm::MlDsa44 => (&CELLS[0], Algorithm::MlDsa44),
        SigAlgorithm::MlDsa65 => (&CELLS[1], Algorithm::MlDsa65),
        SigAlgorithm::MlDsa87 => (&CELLS[2], Algorithm::MlDsa87),
        other => {
            return Err(Error::UnsupportedAlgorithm(format!(
                "{other} is not an ML-DSA algorithm"
            )))
        }
    };
    cell.get_or_init(|| {
        oqs::init();
        Sig::new(algorithm).ok()
    })
    .as_ref()
    .ok_or_else(|| Error::Internal(format!("liboqs was built without {alg}")))
}

/// Hedged ML-DSA.Sign(sk, msg, ctx) (FIPS 204 Algorithm 2; rnd from the OS inside liboqs).
/// `sk` is the expanded private key of `alg` (the caller holds it in a zeroized buffer).
pub(super) fn sign_hedged(alg: SigAlgorithm, sk: &[u8], msg: &[u8], ctx: &[u8]) -> Result<Vec<u8>> {
    let s = sig(alg)?;
    if sk.len() != s.length_secret_key() {
        return Err(Error::Internal("expanded key length changed".into()));
    }
    let key = s
        .secret_key_from_bytes(sk)
        .ok_or_else(|| Error::Internal("expanded key length changed".into()))?;
    let signature = s
        .sign_with_ctx_str(msg, ctx, key)
        .map_err(|_| Error::Internal("liboqs ML-DSA signing failed".into()))?;
    Ok(signature.into_vec())
}

#[cfg(test)]
mod tests {
    //! liboqs's signatures verify under libcrux and aws-lc-rs (pqpay's verifiers), including
    //! with a context; two hedged signatures of one message differ.
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::sig::mldsa::aws_alg;

    macro_rules! cross {
        ($test:ident, $alg:ident, $m:ident, $aws:ident) => {
            #[test]
            fn $test() {
                use libcrux_ml_dsa::$m as lc;
                for i in 0u8..4 {
                    let kp = lc::generate_key_pair([i; 32]);
                    let (sk, pk) = (kp.signing_key.as_slice(), kp.verification_key.as_slice());
                    let msg = vec![i; usize::from(i) * 50];
                    let ctx = vec![0xc0 ^ i; usize::from(i) * 60];
                    let ours = sign_hedged(SigAlgorithm::$alg, sk, &msg, &ctx).unwrap();
                    let ours_lc =
                        libcrux_ml_dsa::MLDSASignature::new(ours.clone().try_into().unwrap());
                    assert!(lc::verify(&kp.verification_key, &msg, &ctx, &ours_lc).is_ok());
                    if ctx.is_empty() {
                        let aws = $aws(SigAlgorithm::$alg);
                        aws_lc_rs::signature::UnparsedPublicKey::new(aws, pk)
                            .verify(&msg, &ours)
                            .unwrap();
                    }
                    // Hedged: two signatures of one message differ.
                    assert_ne!(
                        ours,
                        sign_hedged(SigAlgorithm::$alg, sk, &msg, &ctx).unwrap()
                    );
                }
            }
        };
    }

    cross!(
        liboqs_signs_for_libcrux_and_aws_44,
        MlDsa44,
        ml_dsa_44,
        aws_alg
    );
    cross!(
        liboqs_signs_for_libcrux_and_aws_65,
        MlDsa65,
        ml_dsa_65,
        aws_alg
    );
    cross!(
        liboqs_signs_for_libcrux_and_aws_87,
        MlDsa87,
        ml_dsa_87,
        aws_alg
    );
}
