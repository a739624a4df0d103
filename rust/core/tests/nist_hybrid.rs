//! MLKEM768-P256 (0x0050) and MLKEM1024-P384 (0x0051): known answers from the draft-ietf-hpke-pq
//! vectors, the encapsulation-randomness rule, and rejection of malformed keys and ciphertexts.

use pqpay_core::kem::mlkem::{MlKem1024, MlKem768};
use pqpay_core::kem::nist_hybrid::{MlKem1024P384, MlKem768P256};
use pqpay_core::kem::{DecapsulationKey, EncapsulationKey, KemAlgorithm, KemScheme};
use pqpay_core::Error;
use sha3::{Digest, Sha3_256};
use shake::{ExtendableOutput, Shake256, Update, XofReader};

struct HpkeVector {
    kem_id: u16,
    kdf_id: u16,
    ikm_r: &'static str,
    sk_rm: &'static str,
    pk_rm: &'static str,
    ikm_e: &'static str,
    enc: &'static str,
    shared_secret: &'static str,
}

struct Crafted {
    kem_id: u16,
    name: &'static str,
    randomness: &'static str,
    /// (ct_T, ECDH x-coordinate)
    expected: Option<(&'static str, &'static str)>,
}

fn h(s: &str) -> Vec<u8> {
    hex::decode(s).expect("valid hex in test data")
}

/// `SHAKE256.LabeledDerive(ikm, label, context, L)` of draft-ietf-hpke-hpke (one-stage KDF):
/// `SHAKE256(ikm || "HPKE-v1" || suite_id || I2OSP(len(label), 2) || label || I2OSP(L, 2) || context)`.
/// Duplicated here on purpose: the HPKE module is written separately.
fn shake256_labeled_derive(
    suite_id: &[u8],
    ikm: &[u8],
    label: &[u8],
    context: &[u8],
    len: usize,
) -> Vec<u8> {
    let mut x = Shake256::default();
    x.update(ikm);
    x.update(b"HPKE-v1");
    x.update(suite_id);
    x.update(&u16::try_from(label.len()).unwrap().to_be_bytes());
    x.update(label);
    x.update(&u16::try_from(len).unwrap().to_be_bytes());
    x.update(context);
    let mut out = vec![0u8; len];
    x.finalize_xof().read(&mut out);
    out
}

/// HPKE `DeriveKeyPair` for the hybrids: the 32-byte seed (the private key).
fn derive_key_pair_seed(kem_id: u16, ikm: &[u8]) -> Vec<u8> {
    let mut suite_id = b"KEM".to_vec();
    suite_id.extend_from_slice(&kem_id.to_be_bytes());
    shake256_labeled_derive(&suite_id, ikm, b"DeriveKeyPair", b"", 32)
}

/// Runs `f` with the scheme for `kem_id`, as the run-time dispatched API sees it.
fn alg(kem_id: u16) -> KemAlgorithm {
    match kem_id {
        0x0050 => KemAlgorithm::MlKem768P256,
        0x0051 => KemAlgorithm::MlKem1024P384,
        other => panic!("unexpected kem_id {other:#06x}"),
    }
}

/// (ML-KEM public key length, ML-KEM ciphertext length, EC point length, label) of `kem_id`.
fn layout(kem_id: u16) -> (usize, usize, usize, &'static [u8]) {
    match kem_id {
        0x0050 => (1184, 1088, 65, b"MLKEM768-P256"),
        0x0051 => (1568, 1568, 97, b"MLKEM1024-P384"),
        other => panic!("unexpected kem_id {other:#06x}"),
    }
}

#[test]
fn sizes_match_the_draft() {
    // HPKE (Nsecret, Nenc, Npk, Nsk) and the ikmE length of the vectors.
    let s = MlKem768P256::SIZES;
    assert_eq!(
        (
            s.shared_secret,
            s.ciphertext,
            s.public_key,
            s.seed,
            s.encaps_randomness
        ),
        (32, 1153, 1249, 32, 128)
    );
    let s = MlKem1024P384::SIZES;
    assert_eq!(
        (
            s.shared_secret,
            s.ciphertext,
            s.public_key,
            s.seed,
            s.encaps_randomness
        ),
        (32, 1665, 1665, 32, 80)
    );
    assert_eq!(KemAlgorithm::MlKem768P256.sizes(), MlKem768P256::SIZES);
    assert_eq!(KemAlgorithm::MlKem1024P384.sizes(), MlKem1024P384::SIZES);
}

#[test]
fn hpke_pq_vectors() {
    assert_eq!(HPKE_VECTORS.len(), 3);
    for v in HPKE_VECTORS {
        let what = format!("kem {:#06x} kdf {:#06x}", v.kem_id, v.kdf_id);
        let a = alg(v.kem_id);
        let seed = derive_key_pair_seed(v.kem_id, &h(v.ikm_r));
        assert_eq!(seed, h(v.sk_rm), "{what}: DeriveKeyPair");

        let dk = DecapsulationKey::from_seed(a, &seed).unwrap();
        assert_eq!(dk.seed(), Some(seed.as_slice()), "{what}: seed");
        assert_eq!(
            dk.public_key().as_bytes(),
            h(v.pk_rm).as_slice(),
            "{what}: pkRm"
        );

        let ek = EncapsulationKey::from_bytes(a, &h(v.pk_rm)).unwrap();
        assert_eq!(ek, dk.public_key());
        let ikm_e = h(v.ikm_e);
        assert_eq!(
            ikm_e.len(),
            a.sizes().encaps_randomness,
            "{what}: ikmE is the whole randomness"
        );
        let (ss, enc) = ek.encapsulate_derand(&ikm_e).unwrap();
        assert_eq!(enc, h(v.enc), "{what}: enc");
        assert_eq!(
            ss.as_bytes(),
            h(v.shared_secret).as_slice(),
            "{what}: shared_secret"
        );

        let ss = dk.decapsulate(&h(v.enc)).unwrap();
        assert_eq!(
            ss.as_bytes(),
            h(v.shared_secret).as_slice(),
            "{what}: decapsulation"
        );
    }
}

/// The construction, recomputed from the parts: ML-KEM half from `SHAKE256(seed)[..64]`, EC share
/// last in pk and ct, combiner `SHA3-256(ss_PQ || ss_T || ct_T || ek_T || label)`.
fn check_crafted<K: KemScheme, Pq: KemScheme>(c: &Crafted) {
    let (pq_pk, pq_ct, _, label) = layout(c.kem_id);
    let v = HPKE_VECTORS.iter().find(|v| v.kem_id == c.kem_id).unwrap();
    let dk = K::from_seed(&h(v.sk_rm)).unwrap();
    let ek = K::public_key(&dk);
    let randomness = h(c.randomness);
    let result = K::encapsulate_derand(&ek, &randomness);
    let Some((ct_t, ss_t)) = c.expected else {
        match result {
            Err(Error::InvalidArgument(msg)) => {
                assert!(msg.contains("no valid ephemeral"), "{}: {msg}", c.name)
            }
            other => panic!(
                "{}: expected every candidate to be rejected, got {other:?}",
                c.name
            ),
        }
        return;
    };
    let (ss, ct) = result.unwrap();
    assert_eq!(ct[pq_ct..], h(ct_t), "{}: ct_T", c.name);

    let mut expanded = [0u8; 64];
    let mut x = Shake256::default();
    x.update(&h(v.sk_rm));
    x.finalize_xof().read(&mut expanded);
    let dk_pq = Pq::from_seed(&expanded).unwrap();
    assert_eq!(
        Pq::public_key_bytes(&Pq::public_key(&dk_pq)),
        &K::public_key_bytes(&ek)[..pq_pk]
    );
    let (ss_pq_enc, ct_pq) =
        Pq::encapsulate_derand(&Pq::public_key(&dk_pq), &randomness[..32]).unwrap();
    assert_eq!(
        ct[..pq_ct],
        ct_pq,
        "{}: ct_PQ uses the first 32 bytes as m",
        c.name
    );
    let ss_pq = Pq::decapsulate(&dk_pq, &ct[..pq_ct]).unwrap();
    assert_eq!(ss_pq, ss_pq_enc);

    let mut hasher = Sha3_256::new();
    Digest::update(&mut hasher, ss_pq.as_bytes());
    Digest::update(&mut hasher, h(ss_t));
    Digest::update(&mut hasher, h(ct_t));
    Digest::update(&mut hasher, &K::public_key_bytes(&ek)[pq_pk..]);
    Digest::update(&mut hasher, label);
    assert_eq!(
        ss.as_bytes(),
        hasher.finalize().as_slice(),
        "{}: combiner",
        c.name
    );
    assert_eq!(
        K::decapsulate(&dk, &ct).unwrap(),
        ss,
        "{}: decapsulation",
        c.name
    );
}

#[test]
fn ephemeral_scalar_rejection_sampling() {
    assert_eq!(CRAFTED.len(), 6);
    for c in CRAFTED {
        match c.kem_id {
            0x0050 => check_crafted::<MlKem768P256, MlKem768>(c),
            _ => check_crafted::<MlKem1024P384, MlKem1024>(c),
        }
    }
}

fn round_trip<K: KemScheme>() {
    for _ in 0..4 {
        let dk = K::generate().unwrap();
        let ek = K::public_key_from_bytes(K::public_key_bytes(&K::public_key(&dk))).unwrap();
        let (ss, ct) = K::encapsulate(&ek).unwrap();
        assert_eq!(ct.len(), K::SIZES.ciphertext);
        assert_eq!(ss.as_bytes().len(), 32);
        assert_eq!(K::decapsulate(&dk, &ct).unwrap(), ss);
        let again = K::from_seed(K::seed(&dk).unwrap()).unwrap();
        assert_eq!(
            K::public_key_bytes(&K::public_key(&again)),
            K::public_key_bytes(&ek)
        );
    }
}

#[test]
fn random_round_trips() {
    round_trip::<MlKem768P256>();
    round_trip::<MlKem1024P384>();
}

fn expect_length_error<T>(r: pqpay_core::Result<T>, want: usize, got: usize) {
    match r.map(|_| ()) {
        Err(Error::InvalidLength {
            expected, got: g, ..
        }) => {
            assert_eq!(expected, want.to_string());
            assert_eq!(g, got);
        }
        other => panic!("expected InvalidLength, got {other:?}"),
    }
}

fn wrong_lengths<K: KemScheme>() {
    let s = K::SIZES;
    for n in [0, s.seed - 1, s.seed + 1, 64] {
        expect_length_error(K::from_seed(&vec![7u8; n]), s.seed, n);
    }
    let dk = K::from_seed(&[7u8; 32]).unwrap();
    let ek = K::public_key(&dk);
    let pk = K::public_key_bytes(&ek).to_vec();
    for n in [0, s.public_key - 1, s.public_key + 1] {
        let mut bad = pk.clone();
        bad.resize(n, 4);
        expect_length_error(K::public_key_from_bytes(&bad), s.public_key, n);
    }
    let (_, ct) = K::encapsulate(&ek).unwrap();
    for n in [0, s.ciphertext - 1, s.ciphertext + 1] {
        let mut bad = ct.clone();
        bad.resize(n, 4);
        expect_length_error(K::decapsulate(&dk, &bad), s.ciphertext, n);
    }
    for n in [0, 32, s.encaps_randomness - 1, s.encaps_randomness + 1, 160] {
        expect_length_error(
            K::encapsulate_derand(&ek, &vec![0x42u8; n]),
            s.encaps_randomness,
            n,
        );
    }
}

#[test]
fn wrong_lengths_are_rejected() {
    wrong_lengths::<MlKem768P256>();
    wrong_lengths::<MlKem1024P384>();
}

/// Points of the right length that are not acceptable, with the phrase the error must contain.
fn bad_points(kem_id: u16, valid: &[u8]) -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let (_, _, n, _) = layout(kem_id);
    let coord = (n - 1) / 2;
    let p: Vec<u8> = match kem_id {
        0x0050 => h("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"),
        _ => h(concat!(
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe",
            "ffffffff0000000000000000ffffffff"
        )),
    };
    let mut off_curve = valid.to_vec();
    off_curve[n - 1] ^= 1;
    let mut zero_xy = vec![0u8; n];
    zero_xy[0] = 4;
    let mut identity = vec![0u8; n];
    identity[0] = 0;
    let mut compressed = valid.to_vec();
    compressed[0] = 2 + (valid[n - 1] & 1);
    let mut hybrid_tag = valid.to_vec();
    hybrid_tag[0] = 6 + (valid[n - 1] & 1);
    // x = p is not reduced; keep y from the valid point.
    let mut unreduced = valid.to_vec();
    unreduced[1..1 + coord].copy_from_slice(&p);
    vec![
        ("off-curve (y flipped)", off_curve, "not a point on"),
        ("(0, 0)", zero_xy, "not a point on"),
        ("identity tag 0x00", identity, "identity"),
        ("compressed tag", compressed, "uncompressed"),
        ("hybrid tag", hybrid_tag, "uncompressed"),
        ("x = p", unreduced, "not a point on"),
    ]
}

fn malformed_points<K: KemScheme>(kem_id: u16) {
    let (pq_pk, pq_ct, n, _) = layout(kem_id);
    let dk = K::from_seed(&[9u8; 32]).unwrap();
    let ek = K::public_key(&dk);
    let pk = K::public_key_bytes(&ek).to_vec();
    let (ss, ct) = K::encapsulate(&ek).unwrap();
    assert_eq!(pk.len(), pq_pk + n);
    assert_eq!(ct.len(), pq_ct + n);

    for (name, point, phrase) in bad_points(kem_id, &pk[pq_pk..]) {
        let mut bad_pk = pk.clone();
        bad_pk[pq_pk..].copy_from_slice(&point);
        match K::public_key_from_bytes(&bad_pk) {
            Err(Error::InvalidKey(msg)) => {
                assert!(msg.contains(phrase), "pk {name}: {msg}");
                assert!(msg.contains("share (bytes"), "pk {name}: {msg}");
            }
            Err(other) => panic!("pk {name}: expected InvalidKey, got {other:?}"),
            Ok(_) => panic!("pk {name}: accepted"),
        }
    }
    for (name, point, phrase) in bad_points(kem_id, &ct[pq_ct..]) {
        let mut bad_ct = ct.clone();
        bad_ct[pq_ct..].copy_from_slice(&point);
        match K::decapsulate(&dk, &bad_ct) {
            Err(Error::InvalidCiphertext(msg)) => {
                assert!(msg.contains(phrase), "ct {name}: {msg}");
                assert!(msg.contains("share (bytes"), "ct {name}: {msg}");
            }
            other => panic!("ct {name}: expected InvalidCiphertext, got {other:?}"),
        }
    }

    // A different valid point (the public key's own) decapsulates to a different secret.
    let mut other_ct = ct.clone();
    other_ct[pq_ct..].copy_from_slice(&pk[pq_pk..]);
    assert_ne!(K::decapsulate(&dk, &other_ct).unwrap(), ss);
    // A tampered ML-KEM half gives implicit rejection, not an error.
    let mut tampered = ct.clone();
    tampered[0] ^= 1;
    assert_ne!(K::decapsulate(&dk, &tampered).unwrap(), ss);

    // ML-KEM half failing the FIPS 203 modulus check (first coefficient 0xfff >= q).
    let mut bad_pq = pk.clone();
    bad_pq[0] = 0xff;
    bad_pq[1] |= 0x0f;
    match K::public_key_from_bytes(&bad_pq) {
        Err(Error::InvalidKey(msg)) => assert!(msg.contains("modulus"), "{msg}"),
        other => panic!("ML-KEM modulus check: {:?}", other.map(|_| ())),
    }
}

#[test]
fn malformed_points_are_rejected() {
    malformed_points::<MlKem768P256>(0x0050);
    malformed_points::<MlKem1024P384>(0x0051);
}

#[test]
fn debug_output_has_no_secrets() {
    let seed = [0xabu8; 32];
    let dk = MlKem768P256::from_seed(&seed).unwrap();
    let text = format!("{dk:?} {:?}", MlKem768P256::public_key(&dk));
    assert!(!text.contains("abab"), "{text}");
    assert!(text.contains("redacted"), "{text}");
    let dk = MlKem1024P384::from_seed(&seed).unwrap();
    let text = format!("{dk:?}");
    assert!(
        !text.contains("abab") && text.contains("redacted"),
        "{text}"
    );
    let any = DecapsulationKey::from_seed(KemAlgorithm::MlKem1024P384, &seed).unwrap();
    assert!(!format!("{any:?}").contains("abab"));
}

/// The kem_id 0x0050 / 0x0051 entries of `HPKE/hpke-pq-test-vectors.json` (cryptography_vectors 50.0.2,
/// SHA-256 ba1f90672903e0df25610a1eef84b5f157e44d34849c0a72a2f9b164f3213888), KEM fields only.
const HPKE_VECTORS: &[HpkeVector] = &[
    HpkeVector {
        kem_id: 0x0050,
        kdf_id: 0x0001,
        ikm_r: "5e28a96731c6665f07bb00811cd70f0d3d6c44666ca54cddbb7e5946053b6415",
        sk_rm: "724eed44c3843d1f260f79b142ce633d602f7989a53ffc9fd4a68690c8e7baa5",
        pk_rm: concat!(
            "4ae736fa988490bc81c4b9b253932c857357fdd015ebb52310d8bb75a7c4cb887b1d5b763728c4a1b12bed869d63b583",
            "be163a946bc6f7e8bcb0c76ed9e40bf4b8683dd33edddacfdc8321bec86e98209241e4c6e1c3b842896c441171f00499",
            "35082701a50e22082071152c0376344a165508c3cd7e8432cfa62ccc5288eed8a1e940cc69442f9c0999bcf45d8ff8bd",
            "9d711dba37362d466dc0f32052b280c55159e8f5bbb1728bf38c7fe0f9077fc8b2469198c664901df27a894c6b381acb",
            "967c696f43539fe784f2ea848b58673247015532b2937c958590a893064462b735420714f0ba374b59b4f44b9f7aea53",
            "59cba0946531b9a2695e0a8be3a2a57b397b23db9de654b9465243cf05336b8a1c0e9a771e9a2f8603220542a5884839",
            "cb534fe2da5586b124736c6ebee8c445b95c95db9aa6ec752a012c1bba9296f609b0c5cec9e989564261d17b183a0c13",
            "ad94b66dd40df06168058881b5f54c07a22d37a588f162352fb0011dbaaabdc13301c3361abc719f947078e583d90a76",
            "a9c050e01729a9f0ad7a9465edcb33003240eb5a0c39f449e932734c20ae573a23fb1cb87723aaa3caa81dd99f320c24",
            "24dcb0149bceaed949963b8246b49c3c16010a9527b5c8be14449eae371e8afc1959f0ae0bc8776714069f32c09e7106",
            "01138bf6794fc665a177837cc051a26a0856d040c37c5a0cab15bbd42a2ee19183edc0c6afba51c9716f82db70a9dbb5",
            "b16c177e990c910c851f163918b184499872e2b55c73883de2552566bb483cd1a703d098954c1178218d75a6951b5918",
            "178289fc394217e2072e1245b0c5190590832f03078f9ac9a0fb10f8f0a5bbc4bf1a1ab8f0138b6a59bc57fc1a444839",
            "1a4a211fc16e5ff0c3ade90bc34504b1222d4b0c7e70b10e7574a41b510c21a634b2da02265698d180b71847bb79194f",
            "2b66541c28a333a0c18c022f2e9549e9a5cc6efba448eb800fcc94a783bee8d0a579d9a651c5c35887701253b9604884",
            "a673269293b4fb884f26bc99c9b200c8470ff200ae45a81ed9990a7c28155493bee1556446837efe07b5c636a4402a63",
            "8f556d0821415bfa057443c0f77b3bc8d3bedca81b08ab66b4e72081f8b9497530d3ebbc2ffc05b62b11f857a24a37b5",
            "0d533528b42536d45198970d2f9b4a6ea9a5327c3a883b0cd160110b2662c75cc0e6a78a41166b341437f658b6ba0549",
            "315394b6fc4d12607d3d632161a6c8119576a52b88e4da35db4ccbadec8354592df74439d0709496c96b01713e418506",
            "4910563688a06e705766f4639583b5b2102ffeeb09d7780db4914de63b5317946cbdd24140baafde4a8267f617241ba7",
            "55f26f6438b86f503ecd5c12c7f64197331f0500394360901ee4be91db16c8b201b7e492f52418f3304765d6c8d2a467",
            "9fcc832413367eb2820215852c917accc72f76930865da112a8c0948c26e6120116c614af9ebc2cac89a7c864b4a1299",
            "d57a7895212e2f3514c615780f2368696711b3024441026522794bc1b2c0916918fa886f5b630077599d5f83ac90c618",
            "eec58646f3a9b408bd16470248c0c28c0a5a5b046a84b0056ac67af345b6c805c08fd900aeecbf1c0c4abae321b93739",
            "30e4bb53000b53cd709818607426e3d75b937705e48c4a0a5286653f9f4f79be04807101b696947999ab4fb348c748b3",
            "127f0b8caa3c9d641d7b5488e8dc762b8e4aa47e3e45864cd2eaa55d66ebaf2879aaf56ff888ccff46965204bdf84835",
            "e2",
        ),
        ikm_e: concat!(
            "0ec0fee6a71457a9dac898a1c161bf1068e68de093f07754155bb8b8b378c17ed09ead96300cc402a6371b58928592dd",
            "93565834a19839e7dda048d8e04ff65c7b645f36738c370fbb2d684f59e16ea08aea04444762fdf3a70a114ecf0ba435",
            "c9a1e869578142b445398f49093bcca618f0ae5e810163b1503faf3eeaff0bdc",
        ),
        enc: concat!(
            "6eeebcc0acbd1805273308d61a4212e9254658f19d51d7b58783ec2750d1d521c0e428620915b0c12274182b3e02d449",
            "baae5794d437adae8466560f5c7404d0fce35e752e1daee24709523e70cde70bb16831218d696a6e685d1f5948613a71",
            "4016f831946127268f7986d92c3c9207355ee62e3f692c69cc3c4421d826d666dd7a3fc574f79137bdc3a55673d8f9b7",
            "61c8227c01e4bb9d076470d4185a8a2f5961716e761fc7cb514feda5a983cf7641e892f582abf7c76ec04ce7fb6cf8e4",
            "f69186b7dcb15193483c930f0e27bb814d985141b628eea98ce282c1f0314f272e527869965ec619a529dd5d78f06d02",
            "64ac90bc8290968f525569dfa432068f3b425efd9485c2b657cd2c09a362c276ea48e3f4d7aab046e404d3a3ea39fefd",
            "1361c426f37bbe816696270146d216bd5f44fff3c6baf6094db1bf9d8f15e636cbc744cfe1f80a26e122e7c37d1ce23b",
            "21988bb4075985b073b11bd467a69a3a4fbd71e1c03af57d5fcff78c0378c2d17ecdb7ac01832ea9f3977345ea8808a9",
            "146da604f57409f1257f0d752cbc6d9766780a1732f6900857f108aa427f5262874707f651253eafcc992d222783c9e5",
            "1843be8aa67ceea9e559670568cc3a58b9f491dcc07a5aa4715d10a4e444fedf423eef13e801af63cc8b0bd0596e25f0",
            "48c0a4639f3ee194fbaf203c7b6c48316f570fb3bd9b3b20e62608398af3bf74486855f304fb5dc4647616fec92834a6",
            "cf7e8c48a24916a24337b42c0ebb98aebec5531b93988112bb78f58113cf37208986c1389e51bb8e59bbaddc78033edd",
            "a3889af70c2f7df2f93ea43a278f55bf37f818d5c38a6d217b6e40b7f44ce6ab8c0cc574643768aba6d590fdfe9682cb",
            "056b0bfaccf92121c76940f8220fbf1a216595d0d6a9f4226ac3811c45aa95033dacf2ab6f7c75f8240af60b18e62396",
            "a320694f15485c29307a75a6b09ac089b4e0785747a549a77184f31d18f867e1aa3886e0c03af8dc95e1e3bb103af260",
            "2fa6adbd375230ac15c7526c7836aef4dd58e617282ab4c27343f0c78af9c45c2dc0d91b64b6ba7c8015d9688ec6e078",
            "814011b7b6de74c3d4fdb1bd41432f9b277bdfd62c84b07b5f13d306fa2b2d98f6f1480f63d7e50a3e7e5f88ed1dae7c",
            "5ac0a5159c74447cd885217d66839b9842093aee5af90c68d99f7a4a34514116366e408f6ffcde79ab0c9415cf714d31",
            "de88552252643d630ca3ffa81e0cbe7ce3c847dfd41692c876ab79956ba2bad4a724cf5aa2d53390fcc8417373dfd06c",
            "dcc69eefb5efc8acacee8026d5596dd09043bd406dec819c2faca2a1530fa63ea37b79e68a192a904c83aaf62237661a",
            "c1c9b6410f9c0dc46019e085a0d7319691edb9ac9675bc154f6db01ddd6c1a408ea15c36862264fae32f266dc86dca3a",
            "4baf3aba15199bd90113a3b104630df9ab23c9c0230ae718ddb83857cea87562a80ed42268c2029908d2fd55de6baa07",
            "73d0059cc4c866c8e9a63ee7285f732b24fff5a34b7b38fdb668e265dbfb887b0474d0e8a0dfe351b682f657bcb310c9",
            "e7b31315f7fe53706ec9f62185cfa9c0fce11cbecd134b43acfd25e3959d914539a2501b3b9c8e9fec86b92a2b811fa9",
            "bc",
        ),
        shared_secret: "26c25e807a24354387a7385bc374953539001fcb7eb99eb8d63ec7fdb8441f46",
    },
    HpkeVector {
        kem_id: 0x0051,
        kdf_id: 0x0002,
        ikm_r: "0fce198c0c1ccfca5cd1ca8bc495b06696cbb8c733e708ead4531b2b294c38d2",
        sk_rm: "dbdae0423ba0e5db3d6322601b8dc302d3051d4677142079c7bdf441f4c448dd",
        pk_rm: concat!(
            "72e98103195375869acaecafed5a70808b0ec7603139ba6ecba9c6335510f08812fa2c3ed429b707c16509576c9268c2",
            "017ac3ca616ad8f32f78932d91974459d103b7255f3b41c4c19ab024921a3f114b6eb56e829688eb97592653a1849123",
            "45c4a5fab78645440e1459b1f6e24f93735148f2b6ab86a1c2054aa56abed73b3f0795b39a22cd73d254365c6c387ac9",
            "333b570d07a9688024353b553a5801ae0893bce24b0f7bb02914444cc88fba120e671aa8a120c8baca2f241003d1fb86",
            "0a259fb0ec6ab60a9b44d104f4312c51c02c53c685ba67242054cdefe97d15072c15380a1e5b18a3ca423f82167e9b95",
            "83fabbced09a3eea90b31b3c15022b62c46b43e3675052ad1582c5a5c6746b287565c007989c399ff9774389774a9700",
            "316254c02669c9b3ae5101c73a9bbe0e601038aa7933092f8164c5ad2319d4b272a3362b45bb86b739ce3c4ccc410a67",
            "c309ce5d131f1d4c11e648855e1974b4c51e0cbb9585e4bb55119428e4ce0a908b07c455ed0561cc65ab4fc0bfff8a9d",
            "8235772f417d95dc294ca54d8e015b694bb479223ab28ab06ee74683a91829699a98acb19cc9803877401889b63c110b",
            "55a55f19103fb5bb0dcfe66b75520b2fb94b48a7b2968508f7bb8e4ec11f153ccfcf2a474eb833911c08a2f316678153",
            "d2a68bdae3527dec949dc732692054fd359f1fd467968359996acc1f58bcf07419f1b6354cf74339b64533dabd499423",
            "c164bbb95741d80aab6f5514a90a5b7346330bd0aa8d34a27f363609132cc3b4a74a04139dd1b71d531e9c351960f107",
            "06f5be286cac7728648516283adabf6b12a75b069350bcb0504a3c29d7cffbf6c76919913a8622c7a121f6a757b6b14a",
            "17c9a63b6a432c8773d5e04ff58466059b6c5d543f031c372a00702f5c6fd78c8966e93d90d29fe22a5c55f8900e1a1b",
            "f34881a317412ffa6393f9c48c680ec52c74ca986313e5326f13574211a4cf26a3e1e426d6d6266dfba85c153abefc2d",
            "a223853863237832a0181c7fe1703c07b63cfcf57b476353a435ba24ca05505b311dcaa861eb7dc8eaa44511afeb839d",
            "f4c70de66512e799aca1947f6a0b207ac18c3ca5054b3762981c2c01568090986fb4f91b6d211c70514ccb21cd94923a",
            "741196e3826f2659cf5047abcfd83e0a23906166a949c9c6cea892537b95db2c0fe38c888db9256a43384b826d40c09b",
            "f88149bef83b0aba2b68e1374bd6aa86f334e8a69f0b42774ad2bccf218fc8657b03303ba893a518a063cb27a94d84c2",
            "5a414ccb71843f25bf3db89db82530d0522dbc239ed9f0c1ec606168e40692b1301b666141e04ce7a6665a294ffdf61d",
            "64a6b1adb68987e2a4694a7d3a7cbae6b296e9d55bb3bc00d9b4bb379760fa4999e43ac1e4383b7ae17cfdbc9b956cad",
            "ed4199019571f36194c56b1b95d74fa6a0c64a941cc4771670715c65921307c4967f14aa9f0260d3a17f16a04aeca152",
            "3758190ac08ec3da464ffcbdc2e95ab334a05ff88b07eb9c1a2cc62a10a26785a3d6266839e5a049246390682877b074",
            "711a55478885dd968ff481ad4b44389f85b45dfa7f5224c96d93c470f7a506dc1de37a375a50635cf420e0e039877033",
            "c6ca6fd4eba113155c08316df5a0507c14130d9ac546a03179e700f721b3521a68e215999ad37c096a6988c514bca728",
            "87ec5ed4d4163fec18eb906a72e36c9afc993a3b487793284e31418d8001e18431a36668ef750bc3842780d40249da91",
            "66526a1114348e153033b64189da3fe12c8aea9c31652917a8211651b0182d46132203952b38645e1ba401460c72b6c0",
            "cea2561d1b2392329e65b0ad37b04c35f38ee297a515337bf694c99a572444d4930f52c0082b913e190a4193c25dba19",
            "dc027d8c79468401480a5c628c041ccf2553466294c91aa671ec8a79d465876b75e3a381dbea82a13139be6135b14a4d",
            "42199098588dcd0c24139b3c2397767ee18a7bc17f8d62612884c53efab3867b8af6184d6c9a55c91bc54a7610f628a2",
            "de86b98ee8c561cc4b334a7455aa7e67682128a7adac93c47666ac167462b71ba33c21ba5e17a4b856a292ac06bb2980",
            "e9fb4200a22e7ba40dda73868b5469662cb099523eba0158e160a1c82361d9a6b55d931874a3376ef87792a972368636",
            "8ee415ac2431fb0814190539714fab40143818c3385239108837886da809618a04c6d17df540ce46f755cdb12b168e87",
            "d1cbbefd1185cf82951caf3aee8888a28e1d5b7fa5da17ae1368fb2e06d4bd14f4c0aa24c7bcae7233e5cb55418c0471",
            "a5f56c4b21832e60c2f351d8362f616568f207fedfe2ea5cd6a2def2f79d3ff5e7",
        ),
        ikm_e: concat!(
            "bd1207854ec0963347d5218f900783d6ca0ff62c5e2181ca5a932e2d6d8d96cc9b092a9d709468d10f7e8ec8d9eccd7e",
            "7a647d351133e2a2f4b438154d1dd70850af7f7841c1dbd0699feb9852d99c08",
        ),
        enc: concat!(
            "6f422a46a6828949f974f0a88de8325984272267a95255b5a807c38ce27defd182334463d20cbf0f1ff1014719dee8ec",
            "d6d9a3affa01f91f2218195405d65acef9167c930954a60acb7e48ac6519098e444d7ccd383fa0840f6bc5a9d775172c",
            "c69b720777f8808bf8eb89f77bd5ed8c27352f8d5107fabbd75a6c862cfc9c64a9c7109ec7beeb458ac5b8b2193cc85c",
            "8897983a12925f6ec72f4ad4464db48ed1576c74d0635f4096c3ddb66883708805fcc5292186c570663ab3d2a73f7f2e",
            "d0b2f5de77ee5437208f2ee481ff7451d158ccd6820efc9d54842e2e96ce7489d801ce6e2a8bb6ed3108fba63232f5aa",
            "b57181adcd4c3fa60f9cdcf9cb8c88374de47ab45c9f5d40af1b9bcf695c033c9017a3c6b6b5bfdd73b59334e82d66e7",
            "66b394ff85f298ce1b69097da08f6f7f68118c1bc5a0c4d77669280b9e8525ac998ac06e940c12a76427a787afb78719",
            "178acb627cd989b51b3b77d3536697271b3f951930aae5f1c23401f0fa4b6e617bcd07e88e1dc1ea04df1bf7de3a5162",
            "b36aff6f34ed2e776cecb7e0d51bfbe50b2a0782a77476c455196bff38a84732dfd588c2cbe636d604275b4b1abcb0b8",
            "a2deb465c0630ecc7548e4ad7f1f1713db17722896f9e3784c8a0924e06a729a78ed3681bfb467505e5812cb7fcca5a6",
            "f7962d067a843a68bdbffd1d3e40f12e103c4c67688e947c41c57fff528d9e0f49dbcb2f1fc3fbb60dd89121d2cdcb34",
            "609c12f5034f7000be89f78be256fda8ac29c492b536088a9efa7e61441526b73c2727f49baba7da735ffcd41959badf",
            "05a9af6521c29660058fe8914c61b0b613b3e813b7ec46b193b454b494696b0f95d138551ad02a5ab80ac5da861ebc5a",
            "3c7b8b46989f0bb7fe763c40b0f44708bd7622321e846ec6c8946dfbd7e1aa80a57483280e7b516cb3cf97c33f0ab7ad",
            "c06214b74c685eacfb0857095fa2a532e1ac8176e43f97ff8ebbe654f1e8156e83eb23be79ae2d9f03777d08afed8661",
            "14854566c3cc516fdbc293a40a3d1cab4b090fa7e9d1b4cda6ac10be727d6880510743754829196cc22a7f9e4ca0e669",
            "ff0fe470a229793ef3f39208c0fd3a90206b8e465a7292e65f24668fef75971553699aa500e4dde7f9c61163aba39851",
            "9db6942f46cb872318bd09c77c671cdbff693e1275dbfae4404be73b5b6154d0eb095bb279d8de7f85bcb3f3f8b025e3",
            "e811fe2cf2f97d86d53d3009993f550a3283c35db0a99b906218c8b260627e8cbef3448654530f7a0987df54bd567614",
            "844e5fe1f3601c5243f147d898cc3790734ab62be5e0a3e13c7f03a6098fc42f4ae0055ffddf12fd68cd04ed1d908517",
            "385d8a323a2f8c777c04e8afb4978beab00464b1cc2670e3d6810e923a5628a382f2ca7232708617fb4fa15b5a29c76d",
            "a406e32e7f108d3d4db31be640b621a22b1055104bba2b899f2a479bad73e0c799657e629c72a1a6363346bb49b39ccf",
            "1cfd0f69f22bfb52aa748e7920d9eeb6ccddb0483107ec2daca4c482441ce9bf730df1f5d507b107e76ca61ec05e9d09",
            "0c98273cbeaa7212bc54a49ae2d13fb9d25d2b0f463acc84c737f8b91eb8a5ff9771539192c5c75aa8d599e205fc6615",
            "19b9b69970ebc3b55755611ca618aa0260d81bb15773ca4ef38d5d6ecfbb511b658d5196691190eb22e014e41a8caebf",
            "0a83357547f8a13c8cbb71478ef5a6578d551536402614a9b58944e188ec7a1f103916c01535cb3c3829134bbc741758",
            "0b9b25bef2d0d864f532e1cc83f13a9396bd9711e9e1bdd8f2caea2190efafd52c0e3a386ddfd88aabd2a88dd130c301",
            "2aeb41b5e88fb744ee65768aedace0e957bfc99793995788142602fe327f1b2559dbaf5e16a2397199156f4cccf6b83e",
            "7d6e18ef7cd5dc25d48b03716ed3650385e83ea7844f759d131d8ca470339f92d34828126c77d57d8281eb247eca8ead",
            "23f66697e6e0a106388b510bd694156b29310070662470e0c3b1c479804bb85f8c3867117502f135b80ffd3a74411ea5",
            "ff02b7c8206b0302d61affc80862f6ca07cbb7a682f87287a294d579175b7b5bfcd9fe5edcd920818d282b3c1a445fc5",
            "843239f58be42cad99ddf10d5e53664e627922a51d75b77934c4083391a3437be813214f269d24be0f8fde3a956b1e22",
            "4a3e08aba0efe8a77b0a134160940b3f5879b6f9734845eee24ae7e350dc8ef90435fdf3b145fe16e1aba8b7358c6284",
            "6712a324d3d1b9f51e1ba5045126369a38bd1e2bba241467a2a4730ffd21cfaade48b17a470c3a5269a5c236edeacef9",
            "e4335b7b7b558ea45d9e0179010ab17c26c16b4cd9f6bd466f53bc0be8ad23abe9",
        ),
        shared_secret: "cb959223131df11c3a3dc1da2ff8670249cb41be2d0b399a3706d3a23b158bc7",
    },
    HpkeVector {
        kem_id: 0x0050,
        kdf_id: 0x0010,
        ikm_r: "b40a79eb27e10e2c7b5811a36f1d4275810e17117b308fd85ab9c2b3dba7a961",
        sk_rm: "fd4cdf57f4026868a90103ae657fcbe866e08267f8cfda0e6be6b9b111b9e3c1",
        pk_rm: concat!(
            "4f47aaa026b3efbc7b7df892893b5a6c1a2d72d63db3e49d672ca64a7192d83796c369369038cb319a34b76555441ca4",
            "3025adfea869e113a81d9a59b47348661a150b316b585151eb1556a98134ef33bf3fc49b14a56758a235bcb21cbefb61",
            "362441db13084f037e8ab866de852743c8cebcb5cf7c16167c6c2e4c47b4426497b53b6324aac69e411d73b17077b1cb",
            "4f8a151c462c68e0065cf3856d57c9367021fa7c5b01a6bd27e2502d0765940c6061b6278a53ca5c775dfcc143ff92b2",
            "98dc9b352b191147a7f1f10543f5b991ab80c47caf3ad9c46336a5ff24cac8158737f58467a5815c0b50d76419a04479",
            "a642c0e0db2b7ba528c203ccf7eb5d2aaab660e22c282c045c03a072c9cff64cb3da91ca6092720be0c34302d0ed946b",
            "4ff444c1b5afdcf65a8279bbda7909c081879a84613fb69489157c2a36aa5f874247579304e6613d8b161519bbf1436c",
            "aff825a2b33b708c10c989882ed3ca35d144e1992898c86e417bcae0495cfa396d5e348e92b9342700b76a06707404b4",
            "1240200bc43f3a87065efc1db8f44255c986bb3b1dbcf075aa91869405b07c92a10a3b424aba8c53c748ffe83b4446af",
            "3ea2755ea34b52534e61122f9a37b0cca347fb5621e77880e259823b4c7d9b77b56079cd759b6943d0b1a0b25f88a76d",
            "28c0051bea9f48e0678e00747d1890b56c09687454ac64ba498775766811b943cff486bc12d70eb8e115cb21b6501350",
            "671a3f2269534cf2b12218caeb3c1089a28d79f2a54d8a28c802c388c21b30ba6bdb86afcb1543c4f6a9d8ec5255969c",
            "9616bf6e5a5efa37c0c591cac8a4635fcaaa65726252479c9fc94defab407cd8c1eafa654c2aa8594364c05c9aacb4aa",
            "47c59aa5109190913385229c6e3450fe99b66c93307aecc5ac2760852534f40073f4c121bf1056f5403cef2912382538",
            "31e72dfba5a29a9515693bc7e2d19be8d540b412751575ccac6334377982214b31a8705c29da4fa20ba62ecabe50ca78",
            "a4b47bb3b2acd20485f9547f6d0b433eeaa8c06c36fd6cb2f367b2dd7018196670fef0b8897bab5d004d53328222b260",
            "34214b8a7002d782621e1b65e3d3c15d786390b9a9ada13a581b7e5bb5a48e37671b949ef0f91b4e9b44e769cbbde1a1",
            "1768541d8134d9760fff38714823b28693a94bf2284825cd95ec0938030a76a31a4cd0764410238a9c4042f376a0014e",
            "5a035736ec5f9604a8698b3309fc7b32eb07784cb4e938c5b4b66570c0941b1b5ebc981c477b032226cba324508a920f",
            "3f167e71123821f98b318843f3b96144e76078fa589342449a6509e2739d320c415c38489e9c962881bf844ab70632a0",
            "b578cfe91c7a9e5a868270aeaf3481e23634db0b4360a1bb7051b482711d47d78c4f78aefc66b3a5142b63b607eac42f",
            "c779580447a272961953f8b2c93845845261039440009101cecb39a7d560301461bdc05f12622bb4047939f299f2415b",
            "abfab970a0838732abc4147daf7a2ae22b45ee0caefd637f4e54841ee3a6f0a2766cb5b5a40c22a18107c8b4099b265a",
            "e5546bef147e89c25c36c32f5c0683d034953f376ad6401d5d94619895053cb9ab83fa3613298161b06f8cfa18b1a4a0",
            "771463a31fd2ceec77d9e56402e0c4c048b7091f98139a4772b35f9bb6e03dec0410246cef4221fa388efa76394d8eb9",
            "d72a9038cc0fc5716a72f117c421c66407bf613ecb85375e48c358a800d5ad03165eb2e9acaa4ec1389808b774349ca7",
            "9d",
        ),
        ikm_e: concat!(
            "0244aa79fe4ea903b915a291c90fc30c43ae27794cbf4edb4c7285500273ee7483841d6dca12848d453853486ce31788",
            "9443efbcfb44a0a91fbaecb22e25a2f8f61a81224a3ca716e57e85c59426773095e357d0abb11048863d900517eed2dd",
            "bec062a420d0e6deee4642f61c1a02ab709defcf4871b153fad642f5384d87e1",
        ),
        enc: concat!(
            "c81d88196d7c3d5dcf095d60af7d1ab970b4cd3cc0a13bbb712ef12ae2e2d82f65dc23a662247da8ca8fb4f5d8ce28db",
            "c2c18eb838508648a958f58f3d7fbc8befc53e2b5ebcb594031a173ee949b3e571c509b2cfbf7eb3339cd78d12b2502d",
            "933ddc22c25890e7e770ca012eee3364664231c28a4653024bea814403b4d2128c7c142bf181f79237a256a993ceef1b",
            "2facd56cb42bbe1ba1f2bf1e96923dce2d323a398b67f820b93153d68ba7b529c9975243073436798c313397c348bc49",
            "62febd08b96b15233ec0256e49951af7fcfac15a5ffcaa7d27d7a919f3c5011688d93d6bf690ca67674ab36adf2fe4f5",
            "66226152820e9a4cf521a5da6adf1078b84be06c54979d818c231fcfe9b0da2b5650c8b75020b3f8ce372ef63f1811b4",
            "cfd011819fafdb6ff9137b198fe59bcf869843270913969aa7b0e354d66f0fff76c4770474574ce2c4d21a5d70fdec93",
            "103bdd313f60add4ca76c1bf9f06ff615ad589488f3c0bf37f8ceb2ad96d36c1bf93e9109407cf1072d18b14c359053a",
            "25619a4888edd6dfbbeedd3403c854be9ede572a3f66a4b76d30fb34078c316e73cfa9c8b8890ffdb57517ff860b4936",
            "f0d6b48024610e65c72869024d67ec84d4165d2987c245935f7ee213dc09d050c04984089ee7895087afcd577db6f0e2",
            "376241134e4f8f031d559e3eeca3fa81c8a5677784f7721cca90bddd8c2413b0c8c82eee3212741e7aa71f74a39bb9ee",
            "fddd11a011e34ab2070e0dd188095174a31e83ab6af8315ca1bf3ef0e84954c81be534133b53f09d6c315b729a0025fc",
            "bcfbe97fb9d447747b58fcbbf40e5075a87e56a1644b66dcabf5020dc3720ab56514e03b3eaa5ff82dbe6e1e9b2e0cc9",
            "74add9ea46ecf946d4d8ee704535abd41ab499550b92850d19d2a05e8be91777e066e5a6e8f17484cce0295ee80635e0",
            "5b8a5625a9cd507344fc23550e47d45570c308f7d5ee2ac7201991c669a993cfb90cd227b245000f9bb699417ee1bb5a",
            "85234cf4390728a196d418914e70fabfea3860884e8a7a28d364b2f83e4aa404ac7c62704eeb474b78ef8095ba6aa168",
            "b5439e3b7a19aec8b5c10148b4aaf92637213ef83395ee3209bff22ba2331d23f6f32349b8a10bf62f3116e30fd0a906",
            "38ccbf64b2d258ff769c4cf8ea621787024cac5de498c2d91476057f7c579a572e9125b3b90410de2b976e1064364744",
            "58e1adebb956cb9e1261acbbba37346ddbafc248cae0df70cfb8bdba4fe7f116397012b15a7a10b1ace8b8f19cf607f9",
            "f64e071703056632d435366da8e9912fe76320d950026281a6691e10c49174c764838251cd312b0e19088ab71536f331",
            "999bee92c0ecf7af0b1ac2e9e07311fcb5ca968917895d8d99a1c3e23919d47b964f49afe02dc2368d5a081251837311",
            "42acf2fdcca3c17db267fbb68691cfc5d87a117dd4b9ec04b816f24b2fb2aea243c02f0d4e47e26ae14b21d0a8099ee4",
            "53847b46114b430b17506c0e8bc2f488dd5467acfec5dec1c3dce8c27f20b2a60493da8beab7ff43491e6fbb57f077ae",
            "f6c2e07c1144ce4962456ecb4e538498c0897cfa73c3f75ebf2ba5c23a903e2d3ebdf981eee22480cbab5ae6e2e85b5e",
            "86",
        ),
        shared_secret: "4b87ac4d2e1d4b111ab7f69875a112d4734fe02938fa0d25976e002828a8bd3b",
    },
];

/// Encapsulations with crafted `RandomScalar` inputs; expected `ct_T` and ECDH x-coordinate computed
/// independently (Python, pyca/cryptography ECDH). The key is the first vector's `skRm` for the KEM;
/// `m` is 32 bytes of 0x11. `None` means every candidate must be rejected.
const CRAFTED: &[Crafted] = &[
    Crafted {
        kem_id: 0x0050,
        name: "ff_then_good_then_zero",
        randomness: concat!(
            "1111111111111111111111111111111111111111111111111111111111111111ffffffffffffffffffffffffffffffff",
            "ffffffffffffffffffffffffffffffffdb16c3e44fb903c6f380b0c9f5a84d466a392084be5be5856e44913db4b88c2f",
            "0000000000000000000000000000000000000000000000000000000000000000",
        ),
        expected: Some((
            concat!(
                "04d87fab440639ed1260a20062c7b60130c9f479b92ccb1edcf6a3951126caaeee7b9c0c7f8270bf6c981fe5138f4a88",
                "c9fbe4ba9d26dabdf6d601b36ae2afa71c",
            ),
            "e8b1c9fd4ad4b8c6c7961e780794902b1f708ae46b191a74116e2772482a0df8",
        )),
    },
    Crafted {
        kem_id: 0x0050,
        name: "zero_then_order_then_order_minus_1",
        randomness: concat!(
            "111111111111111111111111111111111111111111111111111111111111111100000000000000000000000000000000",
            "00000000000000000000000000000000ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
            "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550",
        ),
        expected: Some((
            concat!(
                "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296b01cbd1c01e58065711814b583f061",
                "e9d431cca994cea1313449bf97c840ae0a",
            ),
            "807101b696947999ab4fb348c748b3127f0b8caa3c9d641d7b5488e8dc762b8e",
        )),
    },
    Crafted {
        kem_id: 0x0050,
        name: "all_rejected",
        randomness: concat!(
            "1111111111111111111111111111111111111111111111111111111111111111ffffffffffffffffffffffffffffffff",
            "ffffffffffffffffffffffffffffffff0000000000000000000000000000000000000000000000000000000000000000",
            "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
        ),
        expected: None,
    },
    Crafted {
        kem_id: 0x0051,
        name: "order_minus_1",
        randomness: concat!(
            "1111111111111111111111111111111111111111111111111111111111111111ffffffffffffffffffffffffffffffff",
            "ffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52972",
        ),
        expected: Some((
            concat!(
                "04aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760a",
                "b7c9e821b569d9d390a26167406d6d23d6070be242d765eb831625ceec4a0f473ef59f4e30e2817e6285bce2846f15f1",
                "a0",
            ),
            concat!(
                "c6d17df540ce46f755cdb12b168e87d1cbbefd1185cf82951caf3aee8888a28e1d5b7fa5da17ae1368fb2e06d4bd14f4",
            ),
        )),
    },
    Crafted {
        kem_id: 0x0051,
        name: "order",
        randomness: concat!(
            "1111111111111111111111111111111111111111111111111111111111111111ffffffffffffffffffffffffffffffff",
            "ffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
        ),
        expected: None,
    },
    Crafted {
        kem_id: 0x0051,
        name: "zero",
        randomness: concat!(
            "111111111111111111111111111111111111111111111111111111111111111100000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000000",
        ),
        expected: None,
    },
];
