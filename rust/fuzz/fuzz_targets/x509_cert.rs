//! The webhook module's X.509 reader (PayPal's SHA256withRSA certificates), DER and PEM, and
//! RSASSA-PKCS1-v1_5 verification with the key it extracts. A certificate that loads has a
//! 2048-8192-bit key, a validity window within the encodable years, the same reading through
//! PEM as through DER, and no fuzzer-made signature verifies under it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqpay_core::webhook::RsaCertificate;
use pqpay_fuzz::{pem_wrap, Input};

/// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the GeneralizedTime range (UTCTime's
/// 1950-2049 lies inside it; RFC 5280 wants GeneralizedTime only from 2050 on, the reader
/// takes any four-digit year).
const EARLIEST: i64 = -62_167_219_200;
const LATEST: i64 = 253_402_300_799;

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let mode = input.byte();
    let message = input.short(64);
    let signature = input.long();
    let doc = input.rest();

    let cert = match mode % 3 {
        0 => RsaCertificate::from_der(doc),
        1 => RsaCertificate::from_pem(doc),
        _ => RsaCertificate::from_bytes(doc),
    };
    let Ok(cert) = cert else { return };
    assert!((2048..=8192).contains(&cert.key_bits()));
    for t in [cert.not_before(), cert.not_after()] {
        assert!(
            (EARLIEST..=LATEST).contains(&t),
            "time {t} outside the encodable range"
        );
    }
    assert_eq!(
        cert.is_valid_at(cert.not_before()),
        cert.not_before() <= cert.not_after()
    );
    assert!(
        !cert.is_valid_at(cert.not_before().saturating_sub(1)) || cert.not_before() == i64::MIN
    );
    assert!(!cert.is_valid_at(cert.not_after().saturating_add(1)));
    if mode % 3 == 0 {
        // The same certificate as PEM, with text around it, reads the same.
        let pem = format!("subject: fuzz\n{}trailer\n", pem_wrap("CERTIFICATE", doc));
        assert_eq!(
            RsaCertificate::from_pem(pem.as_bytes()).expect("PEM of a good DER"),
            cert
        );
        assert_eq!(
            RsaCertificate::from_bytes(pem.as_bytes()).expect("sniffed PEM"),
            cert
        );
    }
    assert!(
        cert.verify_pkcs1_sha256(message, signature).is_err(),
        "a fuzzer-made RSA signature verified"
    );
});
