//! HPKE (RFC 9180 base mode) on the receiving side: fuzzer-chosen suite ids, `enc`, `info`,
//! `aad` and ciphertext against fixed recipient keys of every HPKE KEM. An `enc` of the wrong
//! size is refused; an honest sender's message opens to its plaintext with equal exporter
//! secrets on both sides, and one flipped ciphertext bit, another `aad` or another `info`
//! makes opening fail.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqpay_core::hpke::{kem_id, Aead, Kdf, Suite};
use pqpay_core::kem::KemAlgorithm;
use pqpay_fuzz::{fixed_kem_keys, Input, KEMS};

const KDFS: &[Kdf] = &[
    Kdf::HkdfSha256,
    Kdf::HkdfSha384,
    Kdf::HkdfSha512,
    Kdf::Shake128,
    Kdf::Shake256,
];
const AEADS: &[Aead] = &[
    Aead::Aes128Gcm,
    Aead::Aes256Gcm,
    Aead::ChaCha20Poly1305,
    Aead::ExportOnly,
];

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let mode = input.byte();
    if mode == 0xFF {
        // Suite identifiers from the wire.
        let (k, d, a) = (input.u16(), input.u16(), input.u16());
        if let Ok(s) = Suite::from_ids(k, d, a) {
            let id = s.suite_id();
            assert_eq!(&id[..4], b"HPKE");
            assert_eq!(
                [id[4], id[5], id[6], id[7], id[8], id[9]],
                [
                    k.to_be_bytes()[0],
                    k.to_be_bytes()[1],
                    d.to_be_bytes()[0],
                    d.to_be_bytes()[1],
                    a.to_be_bytes()[0],
                    a.to_be_bytes()[1],
                ]
            );
        }
        return;
    }
    let index = usize::from(input.byte()) % KEMS.len();
    let kem = KEMS[index];
    if kem_id(kem).is_err() {
        return;
    }
    let kdf = input.pick(KDFS);
    let aead = input.pick(AEADS);
    let Ok(suite) = Suite::new(kem, kdf, aead) else {
        return;
    };
    let sk = &fixed_kem_keys()[index];
    let info = input.short(64);
    let aad = input.short(64);
    let ikm_e = input.bytes(kem.sizes().encaps_randomness);
    let enc = input.long();
    let ct = input.rest();

    // Hostile input.
    let opened = suite.open(enc, sk, info, aad, ct);
    if enc.len() != kem.sizes().ciphertext || aead == Aead::ExportOnly {
        assert!(
            opened.is_err(),
            "open accepted a {}-byte enc for {}",
            enc.len(),
            kem.name()
        );
    }
    if let Ok(pt) = &opened {
        assert_eq!(pt.len() + 16, ct.len(), "plaintext and tag do not add up");
    }
    if let Ok(ctx) = suite.setup_receiver(enc, sk, info) {
        assert_eq!(ctx.sequence_number(), 0);
        assert!(ctx.export(info, 32).is_ok());
    }

    // An honest sender.
    if ikm_e.len() < kem.sizes().encaps_randomness {
        return;
    }
    let pk = sk.public_key();
    let (enc2, mut sender) = match suite.setup_sender_derand(&pk, info, ikm_e) {
        Ok(v) => v,
        // The documented refusal: no valid ephemeral scalar candidate in ikmE.
        Err(pqpay_core::Error::InvalidArgument(_))
            if matches!(
                kem,
                KemAlgorithm::MlKem768P256 | KemAlgorithm::MlKem1024P384
            ) =>
        {
            return
        }
        Err(e) => panic!("setup_sender_derand to {}: {e}", kem.name()),
    };
    let mut receiver = suite.setup_receiver(&enc2, sk, info).expect("honest enc");
    assert_eq!(
        sender.export(aad, 48).expect("export"),
        receiver.export(aad, 48).expect("export")
    );
    if aead == Aead::ExportOnly {
        assert!(sender.seal(aad, ct).is_err() && receiver.open(aad, ct).is_err());
        return;
    }
    let pt = &ct[..ct.len().min(256)];
    let sealed = sender.seal(aad, pt).expect("seal");
    assert_eq!(sealed.len(), pt.len() + 16);
    let mut tampered = sealed.clone();
    let bit = usize::from(mode) % (8 * tampered.len());
    tampered[bit / 8] ^= 1 << (bit % 8);
    let mut probe = suite.setup_receiver(&enc2, sk, info).expect("honest enc");
    assert!(
        probe.open(aad, &tampered).is_err(),
        "a tampered HPKE ciphertext opened"
    );
    let mut other_aad = aad.to_vec();
    other_aad.push(1);
    assert!(
        probe.open(&other_aad, &sealed).is_err(),
        "opened under another aad"
    );
    let mut other_info = info.to_vec();
    other_info.push(1);
    let mut wrong = suite
        .setup_receiver(&enc2, sk, &other_info)
        .expect("honest enc");
    assert!(
        wrong.open(aad, &sealed).is_err(),
        "opened under another info"
    );
    assert_eq!(receiver.open(aad, &sealed).expect("open"), pt);
    assert_eq!(receiver.sequence_number(), 1);
});
