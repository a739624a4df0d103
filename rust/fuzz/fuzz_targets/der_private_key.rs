//! PKCS#8 DER private keys of every KEM and signature algorithm (the routing loader and both
//! family loaders). A key that loads re-encodes in every form it has, a plain v1 document is
//! one of those encodings byte for byte, and a re-encoding loads back to the same key and
//! writes the same bytes. (Using the keys is the business of kem_keys and sig_keys.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqpay_core::encoding::sig::{self as sigenc, AnyPrivateKey, MlDsaPrivateKeyForm};
use pqpay_core::encoding::{self as kemenc, MlKemPrivateKeyForm};
use pqpay_fuzz::is_plain_pkcs8_v1;

fuzz_target!(|data: &[u8]| {
    // Each successful load runs a key generation (seeds expand, SLH-DSA recomputes its root),
    // so the loaders run once per input where they can: the routing loader, and the family
    // loaders only to confirm a refusal or the other family's refusal (both cheap).
    let any = sigenc::load_der_private_key_any(data);
    let plain = is_plain_pkcs8_v1(data);
    match any {
        Err(_) => {
            assert!(kemenc::load_der_private_key(data).is_err());
            assert!(sigenc::load_der_private_key(data).is_err());
        }
        Ok(AnyPrivateKey::Kem(k)) => {
            assert!(sigenc::load_der_private_key(data).is_err());
            let forms = [
                MlKemPrivateKeyForm::Seed,
                MlKemPrivateKeyForm::Expanded,
                MlKemPrivateKeyForm::Both,
            ];
            let encodings: Vec<_> = forms
                .iter()
                .filter_map(|&f| kemenc::private_key_to_der(&k, f).ok().map(|d| (f, d)))
                .collect();
            assert!(
                !encodings.is_empty(),
                "a loaded KEM key has at least one PKCS#8 form"
            );
            let matched = encodings.iter().any(|(_, d)| d.as_slice() == data);
            assert!(
                matched || !plain,
                "a plain v1 PKCS#8 is not any of its own re-encodings"
            );
            // One re-encoding (the first form the key has) loads back to the same key and
            // writes the same bytes again.
            let (form, der) = &encodings[0];
            let again = kemenc::load_der_private_key(der).expect("a written key loads");
            assert_eq!(again.public_key(), k.public_key());
            if *form != MlKemPrivateKeyForm::Expanded {
                assert_eq!(again.seed(), k.seed());
            }
            assert_eq!(
                kemenc::private_key_to_der(&again, *form)
                    .expect("written twice")
                    .as_slice(),
                der.as_slice()
            );
        }
        Ok(AnyPrivateKey::Sig(k)) => {
            assert!(kemenc::load_der_private_key(data).is_err());
            let forms = [
                MlDsaPrivateKeyForm::Seed,
                MlDsaPrivateKeyForm::Expanded,
                MlDsaPrivateKeyForm::Both,
            ];
            let encodings: Vec<_> = forms
                .iter()
                .filter_map(|&f| sigenc::private_key_to_der(&k, f).ok().map(|d| (f, d)))
                .collect();
            assert!(
                !encodings.is_empty(),
                "a loaded signature key has at least one PKCS#8 form"
            );
            let matched = encodings.iter().any(|(_, d)| d.as_slice() == data);
            assert!(
                matched || !plain,
                "a plain v1 PKCS#8 is not any of its own re-encodings"
            );
            let (form, der) = &encodings[0];
            let again = sigenc::load_der_private_key(der).expect("a written key loads");
            assert_eq!(again.algorithm(), k.algorithm());
            assert_eq!(again.verifying_key(), k.verifying_key());
            assert_eq!(
                sigenc::private_key_to_der(&again, *form)
                    .expect("written twice")
                    .as_slice(),
                der.as_slice()
            );
        }
    }
});
