//! `Suite::setup_receiver_from_shared_secret`: the receiver context for a shared secret
//! decapsulated outside pqpay-core (a key held in or sealed under an HSM) is the one
//! `setup_receiver` builds.
// Test code: a failed expectation should stop the test loudly.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use pqpay_core::hpke::{hazmat, Aead, Kdf, Suite};
use pqpay_core::kem::{DecapsulationKey, KemAlgorithm};
use pqpay_core::Error;

const HPKE_KEMS: [KemAlgorithm; 7] = [
    KemAlgorithm::X25519,
    KemAlgorithm::MlKem512,
    KemAlgorithm::MlKem768,
    KemAlgorithm::MlKem1024,
    KemAlgorithm::XWing,
    KemAlgorithm::MlKem768P256,
    KemAlgorithm::MlKem1024P384,
];

#[test]
fn matches_setup_receiver_for_every_kem() {
    for kem in HPKE_KEMS {
        let suite = Suite::new(kem, Kdf::HkdfSha256, Aead::Aes256Gcm).expect("suite");
        let sk = DecapsulationKey::generate(kem).expect("key");
        let (enc, mut sender) = suite
            .setup_sender(&sk.public_key(), b"info")
            .expect("sender");
        let ct = sender.seal(b"aad", b"payload").expect("seal");
        let ss = hazmat::decap(&enc, &sk).expect("decap");
        let mut outside = suite
            .setup_receiver_from_shared_secret(ss.as_bytes(), b"info")
            .expect("receiver");
        let inside = suite.setup_receiver(&enc, &sk, b"info").expect("receiver");
        assert_eq!(outside.open(b"aad", &ct).expect("open"), b"payload");
        assert_eq!(
            outside.export(b"x", 32).expect("export"),
            inside.export(b"x", 32).expect("export")
        );
        let mut wrong_info = suite
            .setup_receiver_from_shared_secret(ss.as_bytes(), b"other")
            .expect("receiver");
        assert!(matches!(
            wrong_info.open(b"aad", &ct),
            Err(Error::InvalidTag)
        ));
    }
}

#[test]
fn wrong_shared_secret_length_is_an_error() {
    let suite = Suite::new(KemAlgorithm::XWing, Kdf::HkdfSha256, Aead::Aes128Gcm).expect("suite");
    for len in [0, 31, 33, 64] {
        let err = suite
            .setup_receiver_from_shared_secret(&vec![0u8; len], b"")
            .expect_err("must fail");
        assert!(
            matches!(err, Error::InvalidLength { got, .. } if got == len),
            "{err}"
        );
        assert!(err.to_string().contains("32 bytes"), "{err}");
    }
}
