//! PEM (RFC 7468) key documents: `PRIVATE KEY` and `PUBLIC KEY` through every loader. A PEM
//! document loads exactly when its DER does, to the same key; a trailing newline or CRLF
//! changes nothing; what loads re-encodes to PEM that loads back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqpay_core::encoding::sig::{self as sigenc, AnyPrivateKey, AnyPublicKey, MlDsaPrivateKeyForm};
use pqpay_core::encoding::{self as kemenc, MlKemPrivateKeyForm};

fn public_fingerprint(k: &AnyPublicKey) -> Vec<u8> {
    match k {
        AnyPublicKey::Kem(k) => kemenc::public_key_to_der(k).expect("SPKI"),
        AnyPublicKey::Sig(k) => sigenc::public_key_to_der(k).expect("SPKI"),
    }
}

fn private_fingerprint(k: &AnyPrivateKey) -> Vec<u8> {
    match k {
        AnyPrivateKey::Kem(k) => kemenc::public_key_to_der(&k.public_key()).expect("SPKI"),
        AnyPrivateKey::Sig(k) => sigenc::public_key_to_der(&k.verifying_key()).expect("SPKI"),
    }
}

fuzz_target!(|data: &[u8]| {
    let public = sigenc::load_pem_public_key_any(data);
    let private = sigenc::load_pem_private_key_any(data);
    // The family loaders refuse what the routing ones refuse (a successful load generates
    // the key, so it is not repeated).
    if public.is_err() {
        assert!(
            kemenc::load_pem_public_key(data).is_err()
                && sigenc::load_pem_public_key(data).is_err()
        );
    }
    if private.is_err() {
        assert!(
            kemenc::load_pem_private_key(data).is_err()
                && sigenc::load_pem_private_key(data).is_err()
        );
    }
    assert!(
        public.is_err() || private.is_err(),
        "one document, one label"
    );

    // Trailing whitespace after the END line is ignored.
    let mut padded = data.to_vec();
    padded.extend_from_slice(b"\r\n\n");
    assert_eq!(
        sigenc::load_pem_public_key_any(&padded).is_ok(),
        public.is_ok()
    );
    assert_eq!(
        sigenc::load_pem_private_key_any(&padded).is_ok(),
        private.is_ok()
    );

    if let Ok(k) = &public {
        let der = public_fingerprint(k);
        // The DER inside is the canonical SPKI, and the key's own PEM loads back to it.
        let again = match k {
            AnyPublicKey::Kem(k) => kemenc::public_key_to_pem(k).expect("PEM"),
            AnyPublicKey::Sig(k) => sigenc::public_key_to_pem(k).expect("PEM"),
        };
        let back = sigenc::load_pem_public_key_any(again.as_bytes()).expect("own PEM loads");
        assert_eq!(public_fingerprint(&back), der);
        let from_der = sigenc::load_der_public_key_any(&der).expect("own DER loads");
        assert_eq!(public_fingerprint(&from_der), der);
    }
    if let Ok(k) = &private {
        let fp = private_fingerprint(k);
        let again = match k {
            AnyPrivateKey::Kem(k) => [MlKemPrivateKeyForm::Seed, MlKemPrivateKeyForm::Expanded]
                .iter()
                .find_map(|&f| kemenc::private_key_to_pem(k, f).ok()),
            AnyPrivateKey::Sig(k) => [MlDsaPrivateKeyForm::Seed, MlDsaPrivateKeyForm::Expanded]
                .iter()
                .find_map(|&f| sigenc::private_key_to_pem(k, f).ok()),
        }
        .expect("a loaded key has a PEM form");
        let back = sigenc::load_pem_private_key_any(&again).expect("own PEM loads");
        assert_eq!(private_fingerprint(&back), fp);
    }
});
