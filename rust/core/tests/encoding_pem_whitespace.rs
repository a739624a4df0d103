//! PEM after the END line (security review S-12): trailing whitespace is ignored, as
//! pyca/cryptography ignores it; other trailing text is refused; text before BEGIN is skipped.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use pqpay_core::encoding::{self, sig as sig_encoding};
use pqpay_core::kem::{DecapsulationKey, KemAlgorithm};
use pqpay_core::sig::{SigAlgorithm, SigningKey};
use pqpay_core::Error;

fn variants(pem: &[u8]) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let cat = |a: &[u8], b: &[u8]| [a, b].concat();
    let accepted = vec![
        pem.to_vec(),
        cat(pem, b"\n"),
        cat(pem, b"\r\n"),
        cat(pem, b" \t\n\n"),
        pem.trim_ascii_end().to_vec(),
        cat(b"Explanatory text\n", pem),
    ];
    let refused = vec![cat(pem, b"x"), cat(pem, b"\n-----END PRIVATE KEY-----\n")];
    (accepted, refused)
}

#[test]
fn kem_and_signature_private_keys() {
    let kem = DecapsulationKey::from_seed(KemAlgorithm::MlKem768, &[3u8; 64]).unwrap();
    let pem = encoding::private_key_to_pem(&kem, encoding::MlKemPrivateKeyForm::Seed).unwrap();
    let (accepted, refused) = variants(&pem);
    for data in &accepted {
        let got = encoding::load_pem_private_key(data).unwrap();
        assert_eq!(got.public_key(), kem.public_key());
    }
    for data in &refused {
        assert!(matches!(
            encoding::load_pem_private_key(data),
            Err(Error::Encoding(_))
        ));
    }

    let sk = SigningKey::from_private_bytes(SigAlgorithm::Ed25519, &[5u8; 32]).unwrap();
    let pem =
        sig_encoding::private_key_to_pem(&sk, sig_encoding::MlDsaPrivateKeyForm::Seed).unwrap();
    let (accepted, refused) = variants(&pem);
    for data in &accepted {
        let got = sig_encoding::load_pem_private_key(data).unwrap();
        assert_eq!(got.verifying_key(), sk.verifying_key());
        assert!(sig_encoding::load_pem_private_key_any(data).is_ok());
    }
    for data in &refused {
        assert!(matches!(
            sig_encoding::load_pem_private_key(data),
            Err(Error::Encoding(_))
        ));
    }
}

#[test]
fn public_keys() {
    let sk = SigningKey::from_private_bytes(SigAlgorithm::Ed25519, &[5u8; 32]).unwrap();
    let pem = sig_encoding::public_key_to_pem(&sk.verifying_key()).unwrap();
    for data in [
        [pem.as_bytes(), b"\n"].concat(),
        [pem.as_bytes(), b"\r\n"].concat(),
    ] {
        assert_eq!(
            sig_encoding::load_pem_public_key(&data).unwrap(),
            sk.verifying_key()
        );
        assert!(sig_encoding::load_pem_public_key_any(&data).is_ok());
    }
}
