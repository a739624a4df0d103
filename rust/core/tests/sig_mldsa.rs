//! ML-DSA: known answers, round trips, bad input (typed errors, never a panic).

use pqpay_core::sig::mldsa;
use pqpay_core::sig::{SigAlgorithm, SigningKey, SigningMode, VerifyingKey};
use pqpay_core::Error;

const ALGS: [SigAlgorithm; 3] = [
    SigAlgorithm::MlDsa44,
    SigAlgorithm::MlDsa65,
    SigAlgorithm::MlDsa87,
];

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_default()
}

fn sha3(data: &[u8]) -> Vec<u8> {
    use sha3::Digest;
    sha3::Sha3_256::digest(data).to_vec()
}

/// NIST KAT `kat_MLDSA_65_det_pure.rsp` count 0 (cryptography-vectors), through every entry
/// point that must agree: pure sign, external mu, the expanded key.
#[test]
fn mldsa65_kat_count0() -> Result<(), Error> {
    let sk = SigningKey::from_private_bytes(
        SigAlgorithm::MlDsa65,
        &unhex("f696484048ec21f96cf50a56d0759c448f3779752f0383d37449690694cf7a68"),
    )?;
    let vk = sk.verifying_key();
    assert_eq!(
        sha3(&vk.to_bytes()),
        unhex("873f4b8e23d2283ecdb79f1b33974ed1cbf4b4ce82b338dd3c236b41dea77faf")
    );
    let expanded = mldsa::expanded_private_key(&sk).ok_or(Error::InvalidSignature)?;
    assert_eq!(
        sha3(&expanded),
        unhex("ab8d10eb226803024db6dc6e5c94f230ebcf69ed7dbd41bb15e673404655e089")
    );
    let msg = unhex("6dbbc4375136df3b07f7c70e639e223e");
    let ctx = unhex("480c658c0cb3e040bde084345cef0df7");
    let want = unhex("32d0c34c58b58d70997228145abfc2a3f3e8a74326476caae9754d033aed8669");
    let sig = sk.sign(&msg, &ctx, SigningMode::Deterministic)?;
    assert_eq!(sha3(&sig), want);
    vk.verify(&msg, &ctx, &sig)?;

    let mu = mldsa::compute_mu(&vk, &msg, &ctx)?;
    let sig_mu = mldsa::sign_mu(&sk, &mu, SigningMode::Deterministic)?;
    assert_eq!(sha3(&sig_mu), want);
    mldsa::verify_mu(&vk, &mu, &sig)?;

    let loaded = mldsa::signing_key_from_expanded(SigAlgorithm::MlDsa65, &expanded)?;
    assert_eq!(loaded.verifying_key(), vk);
    assert_eq!(
        sha3(&loaded.sign(&msg, &ctx, SigningMode::Deterministic)?),
        want
    );
    assert_eq!(
        sha3(&mldsa::sign_mu(&loaded, &mu, SigningMode::Deterministic)?),
        want
    );
    assert!(matches!(
        loaded.private_bytes(),
        Err(Error::UnsupportedAlgorithm(_))
    ));
    assert!(mldsa::seed(&loaded).is_none());
    Ok(())
}

#[test]
fn round_trips_and_rejections() -> Result<(), Error> {
    for alg in ALGS {
        let sk = SigningKey::generate(alg)?;
        let vk = VerifyingKey::from_bytes(alg, &sk.verifying_key().to_bytes())?;
        let sig = sk.sign(b"message", b"ctx", SigningMode::Hedged)?;
        assert_eq!(sig.len(), mldsa::signature_len(alg)?);
        vk.verify(b"message", b"ctx", &sig)?;
        assert_eq!(
            vk.verify(b"messagE", b"ctx", &sig),
            Err(Error::InvalidSignature)
        );
        assert_eq!(
            vk.verify(b"message", b"ctx2", &sig),
            Err(Error::InvalidSignature)
        );
        assert_eq!(
            vk.verify(b"message", b"ctx", &sig[..sig.len() - 1]),
            Err(Error::InvalidSignature)
        );
        // Garbage of the right length (bad hints, out-of-range z) is rejected, not a panic.
        for fill in [0x00u8, 0xff, 0x5a] {
            let junk = vec![fill; sig.len()];
            assert_eq!(
                vk.verify(b"message", b"ctx", &junk),
                Err(Error::InvalidSignature)
            );
            let mu = mldsa::compute_mu(&vk, b"message", b"ctx")?;
            assert_eq!(
                mldsa::verify_mu(&vk, &mu, &junk),
                Err(Error::InvalidSignature)
            );
        }
        let seed = sk.private_bytes()?;
        let again = SigningKey::from_private_bytes(alg, &seed)?;
        assert_eq!(again.verifying_key(), vk);
        let det = sk.sign(b"m", b"", SigningMode::Deterministic)?;
        assert_eq!(det, again.sign(b"m", b"", SigningMode::Deterministic)?);
    }
    Ok(())
}

#[test]
fn bad_input_is_typed() -> Result<(), Error> {
    let sk = SigningKey::generate(SigAlgorithm::MlDsa44)?;
    let vk = sk.verifying_key();
    assert!(matches!(
        SigningKey::from_private_bytes(SigAlgorithm::MlDsa44, &[0u8; 31]),
        Err(Error::InvalidLength { got: 31, .. })
    ));
    assert!(matches!(
        VerifyingKey::from_bytes(SigAlgorithm::MlDsa44, &[0u8; 1311]),
        Err(Error::InvalidLength { got: 1311, .. })
    ));
    assert!(matches!(
        mldsa::signing_key_from_expanded(SigAlgorithm::MlDsa44, &[0u8; 2559]),
        Err(Error::InvalidLength { got: 2559, .. })
    ));
    // An expanded key with s1 coefficients out of [-eta, eta].
    let mut expanded = mldsa::expanded_private_key(&sk).ok_or(Error::InvalidSignature)?;
    expanded[128] = 0xff;
    assert!(matches!(
        mldsa::signing_key_from_expanded(SigAlgorithm::MlDsa44, &expanded),
        Err(Error::InvalidKey(_))
    ));
    let long = [0u8; 256];
    assert!(matches!(
        sk.sign(b"m", &long, SigningMode::Hedged),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        mldsa::compute_mu(&vk, b"m", &long),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        mldsa::hazmat_sign_prehash(&sk, "SHA2-256", b"m", &long, &[0u8; 32]),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        mldsa::hazmat_sign_with_rnd(&sk, b"m", &long, &[0u8; 32]),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        mldsa::sign_mu(&sk, &[0u8; 63], SigningMode::Hedged),
        Err(Error::InvalidLength { got: 63, .. })
    ));
    assert!(matches!(
        mldsa::hazmat_sign_internal(&sk, b"m", &[0u8; 31]),
        Err(Error::InvalidLength { got: 31, .. })
    ));
    Ok(())
}

#[test]
fn prehash_and_internal_round_trip() -> Result<(), Error> {
    let sk = SigningKey::generate(SigAlgorithm::MlDsa65)?;
    let vk = sk.verifying_key();
    for hash in [
        "SHA2-224",
        "SHA2-256",
        "SHA2-384",
        "SHA2-512",
        "SHA2-512/224",
        "SHA2-512/256",
        "SHA3-224",
        "SHA3-256",
        "SHA3-384",
        "SHA3-512",
        "SHAKE-128",
        "SHAKE-256",
    ] {
        let sig = mldsa::hazmat_sign_prehash(&sk, hash, b"msg", b"c", &[7u8; 32])?;
        mldsa::hazmat_verify_prehash(&vk, hash, b"msg", b"c", &sig)?;
        // HashML-DSA and pure ML-DSA signatures are domain-separated.
        assert_eq!(vk.verify(b"msg", b"c", &sig), Err(Error::InvalidSignature));
    }
    // Pure ML-DSA is Sign_internal over 0 || len(ctx) || ctx || M.
    let sig = mldsa::hazmat_sign_internal(&sk, b"\x00\x01cmsg", &[0u8; 32])?;
    vk.verify(b"msg", b"c", &sig)?;
    assert_eq!(sig, sk.sign(b"msg", b"c", SigningMode::Deterministic)?);
    mldsa::hazmat_verify_internal(&vk, b"\x00\x01cmsg", &sig)?;
    Ok(())
}
