//! Encrypted PKCS#8 (PBES2 `EncryptedPrivateKeyInfo`, DER and PEM). Decryption runs under small
//! cost limits, so an input that makes the KDF work past them is a libFuzzer timeout (the cost
//! check is the thing under test); a document the reader cannot parse is never "decrypted";
//! anything encrypted with fuzzer-chosen parameters decrypts back and describes itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqpay_core::encoding::encrypted::{self, Cipher, DecryptionLimits, EncryptionParams, Kdf, Prf};
use pqpay_core::encoding::sig::load_der_private_key_any;
use pqpay_core::Error;
use pqpay_fuzz::Input;

/// A few hundred microseconds of KDF at most.
const LIMITS: DecryptionLimits = DecryptionLimits {
    max_pbkdf2_iterations: 64,
    max_scrypt_memory: 64 * 1024,
    max_scrypt_work: 256,
};

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let mode = input.byte();
    let password = input.short(32);
    let doc = input.rest();
    let pem = mode & 1 == 1;

    // 1. The reader on hostile documents.
    let described = encrypted::describe(doc, pem);
    let decrypted = if pem {
        encrypted::decrypt_pem(doc, password, &LIMITS, |pt| Ok(pt.to_vec()))
    } else {
        encrypted::decrypt_der(doc, password, &LIMITS, |pt| Ok(pt.to_vec()))
    };
    if described.is_err() {
        assert!(
            matches!(
                decrypted,
                Err(Error::Encoding(_) | Error::UnsupportedAlgorithm(_))
            ),
            "an envelope describe() refuses was not refused as malformed: {decrypted:?}"
        );
    }
    if pem {
        assert!(described.is_err() || encrypted::is_encrypted_pem(doc));
    } else {
        assert!(described.is_err() || encrypted::is_encrypted_der(doc));
    }
    if let Ok(plain) = &decrypted {
        // What decrypts goes to the real loaders, which must not panic either.
        let _ = load_der_private_key_any(plain);
    }
    if !pem {
        // The loader path: every failure after parsing is the one opaque DecryptionFailed.
        let r = encrypted::decrypt_der(doc, password, &LIMITS, load_der_private_key_any);
        if described.is_ok() {
            assert!(
                matches!(
                    r,
                    Ok(_)
                        | Err(Error::DecryptionFailed
                            | Error::Encoding(_)
                            | Error::UnsupportedAlgorithm(_)
                            | Error::InvalidArgument(_))
                ),
                "unexpected error {:?}",
                r.err()
            );
        }
    }

    // 2. The writer with fuzzer-chosen cheap parameters: round trip and description.
    if mode & 2 == 2 {
        let cipher =
            [Cipher::Aes128Cbc, Cipher::Aes192Cbc, Cipher::Aes256Cbc][usize::from(mode >> 2) % 3];
        let kdf = if mode & 0x40 == 0 {
            let prf = [
                Prf::HmacSha1,
                Prf::HmacSha224,
                Prf::HmacSha256,
                Prf::HmacSha384,
                Prf::HmacSha512,
            ][usize::from(mode >> 4) % 5];
            Kdf::Pbkdf2 {
                prf,
                iterations: 1 + u32::from(mode >> 7),
            }
        } else {
            Kdf::Scrypt {
                log_n: 1 + (mode >> 7),
                r: 1,
                p: 1,
            }
        };
        let params = EncryptionParams { kdf, cipher };
        let plain = &doc[..doc.len().min(512)];
        let enc =
            encrypted::encrypt_der(plain, password, &params).expect("cheap parameters encrypt");
        assert!(encrypted::is_encrypted_der(&enc));
        assert_eq!(
            encrypted::describe(&enc, false).expect("describe"),
            params.to_string()
        );
        let back = encrypted::decrypt_der(&enc, password, &LIMITS, |pt| Ok(pt.to_vec()))
            .expect("decrypts with its own password");
        assert_eq!(back, plain);
        let mut wrong = password.to_vec();
        // Not a 0x00: HMAC pads short keys with zeros, so "pw" and "pw\0" are one PBKDF2 password.
        wrong.push(1);
        // A wrong password is refused (up to the 1-in-256-ish chance of valid padding).
        if let Ok(pt) = encrypted::decrypt_der(&enc, &wrong, &LIMITS, |pt| Ok(pt.to_vec())) {
            assert_ne!(pt, plain);
        }
        let pem_doc = encrypted::encrypt_pem(plain, password, &params).expect("PEM");
        assert!(encrypted::is_encrypted_pem(pem_doc.as_bytes()));
        let back =
            encrypted::decrypt_pem(pem_doc.as_bytes(), password, &LIMITS, |pt| Ok(pt.to_vec()))
                .expect("PEM decrypts");
        assert_eq!(back, plain);
    }
});
