//! SubjectPublicKeyInfo DER of every KEM and signature algorithm. SPKI has one encoding per
//! key: whatever loads re-encodes to the same bytes, through DER and through PEM.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqpay_core::encoding as kemenc;
use pqpay_core::encoding::sig::{self as sigenc, AnyPublicKey};
use pqpay_core::kem::EncapsulationKey;
use pqpay_core::sig::VerifyingKey;

fuzz_target!(|data: &[u8]| {
    let any = sigenc::load_der_public_key_any(data);
    // Public-key loads are cheap (no key generation): every loader runs on every input.
    let kem = kemenc::load_der_public_key(data);
    let sig = sigenc::load_der_public_key(data);
    match &any {
        Ok(AnyPublicKey::Kem(k)) => assert!(kem.as_ref().ok() == Some(k) && sig.is_err()),
        Ok(AnyPublicKey::Sig(k)) => assert!(sig.as_ref().ok() == Some(k) && kem.is_err()),
        Err(_) => assert!(kem.is_err() && sig.is_err()),
    }
    if let Ok(k) = kem {
        assert_eq!(kemenc::public_key_to_der(&k).expect("encode"), data);
        let pem = kemenc::public_key_to_pem(&k).expect("PEM");
        assert!(kemenc::load_pem_public_key(pem.as_bytes()).expect("PEM loads") == k);
        // The raw key is the canonical one too.
        let raw = EncapsulationKey::from_bytes(k.algorithm(), k.as_bytes()).expect("raw");
        assert_eq!(raw.as_bytes(), k.as_bytes());
    }
    if let Ok(k) = sig {
        assert_eq!(sigenc::public_key_to_der(&k).expect("encode"), data);
        let pem = sigenc::public_key_to_pem(&k).expect("PEM");
        assert!(sigenc::load_pem_public_key(pem.as_bytes()).expect("PEM loads") == k);
        let raw = VerifyingKey::from_bytes(k.algorithm(), &k.to_bytes()).expect("raw");
        assert!(raw == k);
    }
});
