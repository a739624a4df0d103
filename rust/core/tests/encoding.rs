use pqpay_core::encoding::*;
use pqpay_core::kem::*;
#[test]
fn dump() {
    let seed: Vec<u8> = (0..64).collect();
    for (alg, n) in [(KemAlgorithm::MlKem768, "768"), (KemAlgorithm::MlKem1024, "1024"), (KemAlgorithm::MlKem512, "512")] {
        let dk = DecapsulationKey::from_seed(alg, &seed).unwrap();
        for (f, fname) in [(MlKemPrivateKeyForm::Seed, "seed"), (MlKemPrivateKeyForm::Expanded, "expanded"), (MlKemPrivateKeyForm::Both, "both")] {
            std::fs::write(format!("/tmp/probe_{n}_{fname}.der"), &*private_key_to_der(&dk, f).unwrap()).unwrap();
        }
        std::fs::write(format!("/tmp/probe_{n}_pub.der"), public_key_to_der(&dk.public_key()).unwrap()).unwrap();
    }
}
