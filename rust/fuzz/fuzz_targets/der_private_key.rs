//! PKCS#8 DER private keys of every KEM and signature algorithm (the routing loader and both
//! family loaders). A key that loads re-encodes in every form it has, each re-encoding loads
//! back to the same key, and a plain v1 document is one of those encodings byte for byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqpay_core::encoding::sig::{self as sigenc, AnyPrivateKey, MlDsaPrivateKeyForm};
use pqpay_core::encoding::{self as kemenc, MlKemPrivateKeyForm};
use pqpay_core::sig::SigAlgorithm;
use pqpay_fuzz::{fast_signer, is_plain_pkcs8_v1, DET};

fuzz_target!(|data: &[u8]| {
    let any = sigenc::load_der_private_key_any(data);
    let kem = kemenc::load_der_private_key(data);
    let sig = sigenc::load_der_private_key(data);
    // The routing loader agrees with the family loaders.
    match &any {
        Ok(AnyPrivateKey::Kem(k)) => {
            let direct = kem
                .as_ref()
                .expect("the KEM loader accepts what routing sent it");
            assert_eq!(direct.public_key(), k.public_key());
            assert!(sig.is_err());
        }
        Ok(AnyPrivateKey::Sig(k)) => {
            let direct = sig
                .as_ref()
                .expect("the signature loader accepts what routing sent it");
            assert_eq!(direct.verifying_key(), k.verifying_key());
            assert!(kem.is_err());
        }
        Err(_) => assert!(kem.is_err() && sig.is_err()),
    }
    let plain = is_plain_pkcs8_v1(data);
    if let Ok(k) = kem {
        let mut forms = 0;
        let mut matched = false;
        for form in [
            MlKemPrivateKeyForm::Seed,
            MlKemPrivateKeyForm::Expanded,
            MlKemPrivateKeyForm::Both,
        ] {
            let Ok(der) = kemenc::private_key_to_der(&k, form) else {
                continue;
            };
            forms += 1;
            matched |= der.as_slice() == data;
            let again = kemenc::load_der_private_key(&der).expect("a written key loads");
            assert_eq!(again.public_key(), k.public_key());
            if form != MlKemPrivateKeyForm::Expanded {
                assert_eq!(again.seed(), k.seed());
            }
            assert_eq!(
                kemenc::private_key_to_der(&again, form)
                    .expect("written twice")
                    .as_slice(),
                der.as_slice()
            );
        }
        assert!(forms > 0, "a loaded KEM key has at least one PKCS#8 form");
        assert!(
            matched || !plain,
            "a plain v1 PKCS#8 is not any of its own re-encodings"
        );
        // The key works: encapsulate to its public key, decapsulate back.
        let (ss, ct) = k.public_key().encapsulate().expect("encapsulate");
        assert_eq!(
            k.decapsulate(&ct).expect("decapsulate").as_bytes(),
            ss.as_bytes()
        );
    }
    if let Ok(k) = sig {
        let alg = k.algorithm();
        let mut matched = false;
        for form in [
            MlDsaPrivateKeyForm::Seed,
            MlDsaPrivateKeyForm::Expanded,
            MlDsaPrivateKeyForm::Both,
        ] {
            let Ok(der) = sigenc::private_key_to_der(&k, form) else {
                continue;
            };
            matched |= der.as_slice() == data;
            let again = sigenc::load_der_private_key(&der).expect("a written key loads");
            assert_eq!(again.verifying_key(), k.verifying_key());
            assert_eq!(again.algorithm(), alg);
        }
        assert!(
            matched || !plain,
            "a plain v1 PKCS#8 is not any of its own re-encodings"
        );
        if let Ok(raw) = k.private_bytes() {
            let from_raw = pqpay_core::sig::SigningKey::from_private_bytes(alg, &raw)
                .expect("canonical private bytes load");
            assert_eq!(from_raw.verifying_key(), k.verifying_key());
        }
        if fast_signer(alg) {
            let ctx: &[u8] = if alg == SigAlgorithm::Ed25519 {
                b""
            } else {
                b"fuzz"
            };
            let s = k.sign(b"message", ctx, DET).expect("sign");
            k.verifying_key()
                .verify_strict(b"message", ctx, &s)
                .expect("own signature verifies");
        }
    }
});
