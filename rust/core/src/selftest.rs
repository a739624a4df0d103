//! Power-on known-answer self-tests: one fast KAT per algorithm, run once per process.
//!
//! Expected values come from independent published vectors (NIST ML-KEM and ML-DSA-65 KAT count 0 as shipped in
//! `cryptography-vectors`, the X-Wing draft's first vector, RFC 7748 §5.2, the RFC 9180 and
//! draft-ietf-hpke-pq HPKE vectors, which also cover MLKEM768-P256, MLKEM1024-P384, the SHAKE and
//! HKDF KDFs and all three AEADs); long outputs are
//! compared through their SHA3-256 digest to keep this file small. After a failure,
//! [`check`] reports it to every caller, so the library refuses to operate.

use std::sync::OnceLock;
use std::time::Instant;

use sha3::{Digest, Sha3_256};
use shake::{ExtendableOutput, Shake256, Update, XofReader};

use crate::kem::{DecapsulationKey, KemAlgorithm};
use crate::sig::{SigAlgorithm, SigningKey, SigningMode};
use crate::{Error, Result};

/// The outcome of one self-test.
#[derive(Clone, Debug)]
pub struct SelfTestResult {
    /// The test's name (algorithm and what it checks).
    pub name: &'static str,
    /// Whether it passed.
    pub passed: bool,
    /// Wall-clock time in microseconds.
    pub micros: f64,
}

type TestFn = fn() -> Result<bool>;

fn unhex(s: &str) -> Vec<u8> {
    // Only ever called on the literals below; a bad literal fails the self-test, not a panic.
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2).unwrap_or("zz"), 16).unwrap_or(0))
        .collect()
}

fn sha3(data: &[u8]) -> Vec<u8> {
    Sha3_256::digest(data).to_vec()
}

const MLKEM_SEED: &str = "6dbbc4375136df3b07f7c70e639e223e177e7fd53b161b3f4d57791794f12624f696484048ec21f96cf50a56d0759c448f3779752f0383d37449690694cf7a68";
const MLKEM_M: &str = "20a7b7e10f70496cc38220b944def699bf14d14e55cf4c90a12c1b33fc80ffff";

/// ML-KEM KAT: keygen from seed, derandomized encapsulation, decapsulation, and implicit
/// rejection of a one-bit-flipped ciphertext (must equal SHAKE256(z || c', 32)).
fn mlkem_kat(alg: KemAlgorithm, pk_sha3: &str, ct_sha3: &str, ss: &str) -> Result<bool> {
    let seed = unhex(MLKEM_SEED);
    let dk = DecapsulationKey::from_seed(alg, &seed)?;
    let ek = dk.public_key();
    let (k, ct) = ek.encapsulate_derand(&unhex(MLKEM_M))?;
    let mut ok = sha3(ek.as_bytes()) == unhex(pk_sha3)
        && sha3(&ct) == unhex(ct_sha3)
        && k.as_bytes() == unhex(ss).as_slice()
        && dk.decapsulate(&ct)?.as_bytes() == unhex(ss).as_slice();
    let mut bad = ct.clone();
    bad[0] ^= 1;
    let mut j = [0u8; 32];
    let mut xof = Shake256::default();
    xof.update(&seed[32..]);
    xof.update(&bad);
    xof.finalize_xof().read(&mut j);
    ok &= dk.decapsulate(&bad)?.as_bytes() == j.as_slice();
    Ok(ok)
}

fn mlkem512() -> Result<bool> {
    mlkem_kat(
        KemAlgorithm::MlKem512,
        "ca875d7c7e8501256071ea518d2f185b05626aa3d1c38cdbc2d006ed0051aac6",
        "e610f0f144b0196b704eeb8089aa5c56282792f6083ec2ac66d2316f4ce7f97d",
        "2b5c52ee72946331983ba050be0f435055c0547901e03559b356517889ea27c5",
    )
}

fn mlkem768() -> Result<bool> {
    mlkem_kat(
        KemAlgorithm::MlKem768,
        "6ff694a73b6701f2a7408773f9909118ef52e1c89285b2cde465a0b04980120a",
        "8ba9d8e8e0ecf99c9ef71573644f18dfb56029a6bce2de62252ea430912919de",
        "b408d5d115713f0a93047dbbea832e4340787686d59a9a2d106bd662ba0aa035",
    )
}

fn mlkem1024() -> Result<bool> {
    mlkem_kat(
        KemAlgorithm::MlKem1024,
        "2fd626053c941502e28d796cd655a3cd49df9f15ca02ad626e486f6a4921106b",
        "9857cbb196d2be78a98a6458212656009a18f1bb1350aa907e8dd68bcc36cccf",
        "23f211b84a6ee20c8c29f6e5314c91b414e940513d380add17bd724ab3a13a52",
    )
}

/// RFC 7748 §5.2, first vector.
fn x25519() -> Result<bool> {
    let out = crate::kem::x25519::exchange(
        &unhex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
        &unhex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"),
    )?;
    Ok(out.as_slice()
        == unhex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552").as_slice())
}

/// X-Wing draft test vector 1.
fn xwing() -> Result<bool> {
    let dk = DecapsulationKey::from_seed(
        KemAlgorithm::XWing,
        &unhex("7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26"),
    )?;
    let ek = dk.public_key();
    let (ss, ct) = ek.encapsulate_derand(&unhex("3cb1eea988004b93103cfb0aeefd2a686e01fa4a58e8a3639ca8a1e3f9ae57e235b8cc873c23dc62b8d260169afa2f75ab916a58d974918835d25e6a435085b2"))?;
    let want = unhex("d2df0522128f09dd8e2c92b1e905c793d8f57a54c3da25861f10bf4ca613e384");
    Ok(sha3(ek.as_bytes())
        == unhex("5121745904643ad9dfacca7869292c19a8a69533b53e60666b7db910b4ad6367")
        && sha3(&ct) == unhex("c0abd149f83f45324ac3a7ddc7606c71f257e5ea86113522834a0ee1bcb34e3e")
        && ss.as_bytes() == want.as_slice()
        && dk.decapsulate(&ct)?.as_bytes() == want.as_slice())
}

/// X25519MLKEM768 has no published KAT: its halves are covered above, so this checks the
/// composition (order of shares and secrets) against the ML-KEM-768 and X25519 primitives.
fn x25519mlkem768() -> Result<bool> {
    let mut seed = unhex(MLKEM_SEED);
    seed.extend_from_slice(&unhex(
        "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
    ));
    let dk = DecapsulationKey::from_seed(KemAlgorithm::X25519MlKem768, &seed)?;
    let ek = dk.public_key();
    let mut r = unhex(MLKEM_M);
    r.extend_from_slice(&unhex(
        "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
    ));
    let (ss, ct) = ek.encapsulate_derand(&r)?;
    let ml = DecapsulationKey::from_seed(KemAlgorithm::MlKem768, &seed[..64])?;
    let (ss_m, ct_m) = ml.public_key().encapsulate_derand(&r[..32])?;
    let ss_x = crate::kem::x25519::exchange(&r[32..], &ek.as_bytes()[1184..])?;
    Ok(ek.as_bytes()[..1184] == *ml.public_key().as_bytes()
        && ct[..1088] == *ct_m.as_slice()
        && ss.as_bytes()[..32] == *ss_m.as_bytes()
        && ss.as_bytes()[32..] == *ss_x.as_slice()
        && dk.decapsulate(&ct)?.as_bytes() == ss.as_bytes())
}

/// One HPKE base-mode known answer: DeriveKeyPair, SetupBaseS with ikmE, the first seal and
/// open, and one export (first encryption and export of the vector).
struct HpkeKat {
    ids: (u16, u16, u16),
    ikm_r: &'static str,
    ikm_e: &'static str,
    info: &'static str,
    pk_sha3: &'static str,
    enc_sha3: &'static str,
    aad: &'static str,
    pt: &'static str,
    ct_sha3: &'static str,
    exporter_context: &'static str,
    export_sha3: &'static str,
    export_len: usize,
}

fn hpke_kat(k: &HpkeKat) -> Result<bool> {
    let suite = crate::hpke::Suite::from_ids(k.ids.0, k.ids.1, k.ids.2)?;
    let sk = suite.derive_key_pair(&unhex(k.ikm_r))?;
    let pk = sk.public_key();
    let info = unhex(k.info);
    let (enc, mut sender) = suite.setup_sender_derand(&pk, &info, &unhex(k.ikm_e))?;
    let ct = sender.seal(&unhex(k.aad), &unhex(k.pt))?;
    let mut receiver = suite.setup_receiver(&enc, &sk, &info)?;
    let pt = receiver.open(&unhex(k.aad), &ct)?;
    let export = receiver.export(&unhex(k.exporter_context), k.export_len)?;
    Ok(sha3(pk.as_bytes()) == unhex(k.pk_sha3)
        && sha3(&enc) == unhex(k.enc_sha3)
        && sha3(&ct) == unhex(k.ct_sha3)
        && pt == unhex(k.pt)
        && sha3(&export) == unhex(k.export_sha3)
        && sender.export(&unhex(k.exporter_context), k.export_len)? == export)
}

// From `HPKE/test-vectors.json` (RFC 9180) and `HPKE/hpke-pq-test-vectors.json`
// (draft-ietf-hpke-pq) of cryptography-vectors 50.0.2.
const HPKE_DHKEM_X25519: HpkeKat = HpkeKat {
    ids: (0x0020, 0x0001, 0x0001),
    ikm_r: "6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037",
    ikm_e: "7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234",
    info: "4f6465206f6e2061204772656369616e2055726e",
    pk_sha3: "d2a0779de7b41eb61a47f36df91c9371d61d5de2ac7082b08460df01d5520c31",
    enc_sha3: "a51db5d60788c760a31f0e63f3ddd18f02457c3c7d44b28b130ec6c77f3859e2",
    aad: "436f756e742d30",
    pt: "4265617574792069732074727574682c20747275746820626561757479",
    ct_sha3: "131cc969d2a9e4cf89c980357f5bda36d6d3725349c20efa413e8dc4993e9468",
    exporter_context: "",
    export_sha3: "73c33f5d1181b1f1fcff21960013ac0406b2ebc02be0b9cf5b7bc2fbd75d4bd4",
    export_len: 32,
};

const PQ_INFO: &str =
    "34663634363532303666366532303631323034373732363536333639363136653230353537323665";
const PQ_PT: &str = "34323635363137353734373932303639373332303734373237353734363832633230373437323735373436383230363236353631373537343739";

const HPKE_XWING_SHAKE256: HpkeKat = HpkeKat {
    ids: (0x647a, 0x0011, 0x0003),
    ikm_r: "9b3988687f65935430cf740cc30c36cd480d3dbd24867815addad49ea0dc050d",
    ikm_e: "67d925853f974ffeb36a867ba8b370c455c77fa386e0b667d6dea0fa0bcd9446a7a24daaf163ec2c0979a75f6b776a4e08ba8e89aa9fb4f604e95a9acddc4091",
    info: PQ_INFO,
    pk_sha3: "41f637bec07c5d5112d48c210a888c7a307448fc7ec8784b217f5df575755d8c",
    enc_sha3: "c4aca007b876301418355e3dde92e40242f8d2d4ec6662cc691b3f16c6dcd890",
    aad: "436f756e742d30",
    pt: PQ_PT,
    ct_sha3: "0f9b54148da7308bbe5969af1002a888d7bace37955d3c13f717bd67169f40d7",
    exporter_context: "70736575646f72616e646f6d30",
    export_sha3: "c1f8be698f7a546d269bf390335a3ed29e03d4ca0919d45a37233145f0a85542",
    export_len: 32,
};

const HPKE_MLKEM768_P256: HpkeKat = HpkeKat {
    ids: (0x0050, 0x0010, 0x0002),
    ikm_r: "b40a79eb27e10e2c7b5811a36f1d4275810e17117b308fd85ab9c2b3dba7a961",
    ikm_e: "0244aa79fe4ea903b915a291c90fc30c43ae27794cbf4edb4c7285500273ee7483841d6dca12848d453853486ce317889443efbcfb44a0a91fbaecb22e25a2f8f61a81224a3ca716e57e85c59426773095e357d0abb11048863d900517eed2ddbec062a420d0e6deee4642f61c1a02ab709defcf4871b153fad642f5384d87e1",
    info: PQ_INFO,
    pk_sha3: "aa7d5a2d7f09fcf254df9b17c88a35435a42f64755761aae717839b7b3ebd1b4",
    enc_sha3: "4cc517a4f438d456118031e610d4eb3e1a9ad7aaa5dc0c088719a515cd684980",
    aad: "436f756e742d30",
    pt: PQ_PT,
    ct_sha3: "9aa6ae04eb7a7a552af3c1bb8911b23859ad87d26a66938053c65ce4a0db6b74",
    exporter_context: "70736575646f72616e646f6d30",
    export_sha3: "87db5b3b7df02e90d6ed492c57db93adfa97059932ab4d952cd0b16a990163c2",
    export_len: 32,
};

const HPKE_MLKEM1024_P384: HpkeKat = HpkeKat {
    ids: (0x0051, 0x0002, 0x0002),
    ikm_r: "0fce198c0c1ccfca5cd1ca8bc495b06696cbb8c733e708ead4531b2b294c38d2",
    ikm_e: "bd1207854ec0963347d5218f900783d6ca0ff62c5e2181ca5a932e2d6d8d96cc9b092a9d709468d10f7e8ec8d9eccd7e7a647d351133e2a2f4b438154d1dd70850af7f7841c1dbd0699feb9852d99c08",
    info: PQ_INFO,
    pk_sha3: "6747cead63e041feb30f389a5217dedac838670c5552208ac81804348eeaa07b",
    enc_sha3: "9e92cc608a4b23288ceb7be23a415988eecd24e433a2f2f908721b55e43b71fc",
    aad: "436f756e742d30",
    pt: PQ_PT,
    ct_sha3: "6bb8669b4f3daf5243c0885a459f848396bee9d20d6038c560e657b229ef2035",
    exporter_context: "70736575646f72616e646f6d30",
    export_sha3: "e09689ac19988d32abe8c751039d7284afd407e22cda5e039c2fdbe0fd493a44",
    export_len: 32,
};

fn hpke_dhkem_x25519() -> Result<bool> {
    hpke_kat(&HPKE_DHKEM_X25519)
}
fn hpke_xwing_shake256() -> Result<bool> {
    hpke_kat(&HPKE_XWING_SHAKE256)
}
fn hpke_mlkem768_p256() -> Result<bool> {
    hpke_kat(&HPKE_MLKEM768_P256)
}
fn hpke_mlkem1024_p384() -> Result<bool> {
    hpke_kat(&HPKE_MLKEM1024_P384)
}

/// draft-ietf-lamps-pq-composite-sigs test vector id-MLDSA65-Ed25519-SHA512: private key
/// (ML-DSA seed || Ed25519 secret), SHA3-256 of the public key, and the signature `s` over
/// "The quick brown fox jumps over the lazy dog." with the empty context.
const COMPOSITE_SK: &str = "23a578205289555e65ddf567601cb4715fb593a7796a8f71d668c3bca876d93760e9741f5fb8a68b3c490b93e4aa0e5d82206ef3b8e2242e1bcf4729f2e146aa";
const COMPOSITE_PK_SHA3: &str = "464821cb49dd9b9d21d3713756d4e363c47327c23fb3cb9a59b5b484f40ea7ab";
const COMPOSITE_SIG: &str = concat!(
    "17187f0325bebc35043816918d982f85c801256c591bb177b2b93e3101409fce9ada23721386a8e15a2b74376779e91b",
    "21645639994bee8453746f8bcce8da11a8c3218c81a5b9e839645f26e7a2cea71f6bd27486cf44f98cbcdc93d10e5c8b",
    "866e75d8f805f8df6783c6f5dd3846a9ddb8c5168c560e09eccdac65e3c77cbb14468efa310c32ccc2374ae0736a7d70",
    "4327f11e3c5c74f1a8f3b8174019a4598a5bc7895b4ae7e07f68d27e5f76608b5b94a03237a0e4e5a53f54ec1bddca7b",
    "e5e33e4d2ec9a4a5fc1c88346e4523d8eab0ca66ebd5af0931b93b5bbc4c53e39c00545c023f9eec9bb5f9380f1a6ec8",
    "7c32ab8cb0fa0d5b3d3306787e7af9467a3221558143ebdb3462fa1164631897356bb58705501b1c3acdbf5a3a45be9c",
    "c2718cbfec015018761a7e1ad3f8e0201671edb795585fb51303917acc30b984478babe6b489179268bb3daf53713703",
    "ca34c0d45809c61a647b408c598e241dcb38fb6a0531cb27869c761f4724ffc5d34e0d2668cefb4101e19a4779455740",
    "3069db8da4d240f34ea35a2d1d234bfa4a7c4c82e23a809ea112b3ca94d17c9f3033dae78aa033cda616f587dd8ca381",
    "b7969c3240af4b1d1b52e179dd5f672202e000e645c76055d8c04940e882f794a726927c48c485b90264e8e48bcb472b",
    "9fc996e360f8d4a486ce8c534a140cbb74b4bfe2d8de2b788b182015052141dd6ead5a4a0f422ee2eec06698361bf1bd",
    "27d7230e9da67adf05e818c428a65b55983562e8673e22c845cf578531c0b6911a8e3c263a24a1963adc0eee73624f93",
    "07fde76c20b3ea6fe0cb4044c382c2ba2a2d2aa06b491e049eb8234d27c14435c4b92172fa4ac9ead1f19c72a4c1bc6a",
    "2c079790f38feca5fc3a7ce8b6ec9eb61b6d5f8254834e947d2f535464bd8f2edd4cb241cb456f6594839f27cad65c9f",
    "838a4570f1861e5c87e227bcbe5af22295db3a3b0cd8275a2436211b420f39226049025451622c2fac05bfbbdc2e901d",
    "3e538aa3c3ec06aa7a74eaf62441f7c479000c2537690b626ee4f6e4a64d9982da6a76fcfefc028e015c2dada585e09a",
    "29e1f03d1c2a28b53d6c96d7f663c967fdff315934a1cc996ff225d691102f4a0a9297295ffff11a08096acd42b6f405",
    "4493ed24d0defecb2784643bc9f1f303517d4dcf6309f847337c45c17c32a68795d516e93f15ddc1051f2f360d55f565",
    "1db95fb504d88df0409ad42f9e7015131c0f51c3e13fa242ac87330d4e2558fe79c497fd6e935de37ffeffab9ba7db6f",
    "d984d07afdf5c4cf77ee7559a810ce3e8cc915265a1a7baaf69f9620589832d8df84ad89d1a4d6416a4322922af2bd6e",
    "1b39e44a323f361526ba954dcc6e5e941c52ad37c9221cde9765cd299b75c839255fc19a0c396b2bdc91aeee9d4a66c7",
    "36798f3b5aa07cd8decbadef7fe79da169ab0b35150edef8ac1033921544bccc2f79dfdcd67d0154a2ba4cb960cc5235",
    "5340f0236f7062206aba53087804ce447002ea8151344e02424fdf816c49728fab00a3c59bfd7a4b9793fa2352521130",
    "43b0d172b16e118f80a3c9de815271ab93cc5e188a235314d36805a183049908be0eb88730b0107ab2a5509d8fede711",
    "c8e0b2f93113940b326891f0943ae541b00456720789dcc82c73234475baaa310f676c806229ecd25da7fec86c430670",
    "0fcb13f87f326b826278eb68d0aa48d671e7b6f33dbb846025a4019c87ae3d66d031809763fe9a874fcbe3e82722b9ba",
    "c8ce06ea5defa2fba9a949eb58ef6ddcc2170130e8698bbe89215dd6260d132ecf3cb5655e8b6de73b3d4cc4dd94c259",
    "8679f012bda38aec2f5e83d5e86af8fc22d45f3c343764a8e271f005b0de4967aaf430952772a7adffe6321ba738d2bc",
    "d4d663d379c148ab84b703d92a1b5156e81328d4a1f3c14c5e7ca673e6f134dc9d8465bae9f070f9d00550e3c387d1d8",
    "008052a4bb8f1c13b1b0777ee5e00b95e7778239d21e1f7dd2d4e57dce1e046d2771c90e4232a7f4c59e8d4e112f275c",
    "d275a1b0acc9ff3162722c79987fdc8d4a1ab3a7a38543cffdee7ab32ec54e7a8ae95fe767f97d6df09da668e49fa8a2",
    "d625e92d5cc394f8d48c11b066a1b834ee3e844cea3bd0a63e4ea612b8cbbff0f0c4b00e20ada00ebf70ec4780b78da4",
    "33ca68a0b2bf1701a24f9b3ce9de503704b7817b081a3ce49181b7b8f35a3b20ff9941f65e72e8d1623e656e98c08530",
    "67dd17204fdcbe8253f88f9bfaf4650b3e6eb9b1120140efd8df4b4abc599112be90f2491972682ccfef27a7997cd507",
    "d34136fedf3fc13857961e13f9678c3b9413a3849bd350975b3a54a57466c31c4b9bbd9db992d5a367b00e552e95ad48",
    "04c53850e3c8ce0849435638d653d7d276dd9b8c42fe965501832de56beb1d62fdb00fc0e8427b444a50f1ef16351673",
    "f34e140ebf6875e705d8eeb92d22994d3d37eb652a89b570b039006b6a5ac67eb696e480b82da389c2c27570606b92b3",
    "d871a371c6685308b4b00334c2d61eff9704ba5cce400bb562bbcda09a48ec0948218ba411eb3246fca46c61bd88be51",
    "ab495cb56934d09f08feeef03a7c496d0c233e7472360f7cf02d9f1042d1f2e017776294d3e277ccaeedab1350b3500d",
    "f62a8626e39b1168fd1f4151739a50dec96863e1c1bca11ccb7b33ff60a0330a6ab7f9b93689cbbd022e89b6cabaddb1",
    "47e9a86b862824ee78a8a9c15633d71d9cb682581548b3096dc31f0dfc8dfa924a5a5eb86fdc79175f43ff05022f416e",
    "c10d35b8b0abb37760ee371f3173b3c7af06573037bc1071a1ab69b026671d53479daf873e19a89cd6990f5eae9ec259",
    "a90e4a17974a7aa272b38782fb0b0430fd3ec34bfb1f64dad176cb2ba827e7a14d7815cd0810281d59909344399cb98f",
    "e59bfbc6623220c4bb2eabe9db26fa1872b69f642fdbeb4a61b2047eafa5e0520ca7cff6c7bb5c682a010d9e8d00c69e",
    "96b934d13a640d551721ab8d550135a26cb3b7fe30135ea7f3a6278ee0a1bc2fac2e4127b6c68012728700da88ccf0ff",
    "59e33ff4b01227371e765b9fa9b180da280adfcb701c9d6f0701ed68a098c7a0b3a10bce87a4b2757c510f884c1e9ad2",
    "94152dbfbea6c6d07111e06483c8812cd561984553aa3ef406bb32be8281a7b0cc8af8169fff2f1b916267494b009c11",
    "ff8f4ca4c14a183c9f826b3bc566c19ae9a16079702032931fec10d0353e455732276e044cc6eb3cbf010e313affb663",
    "ff16b7991b9604e624929779ebd7ee13f9545a8862650fb7500835e0994cb05bcd2d301dd4364f851fc6ea5a8dcbf7de",
    "e8d6277d41ccfaa6c97386990abbec6738bdffbe75cadce6c4a084a9aba37885420e398a83a0597ecf11016434015621",
    "6f8d8c0009d3b768aa82bb52531963bae6856479e3b4cb9ba243b9109bd0cc64e0d920f68581161ba5d156730558a333",
    "0c70d540b6c3be7f75ce7bcc34005764ca74596c3851ac7005ad2edc07881e7960eacc6814d8b3f5671a180bb6b6b1c3",
    "82374ed70b029b1ba5ba7c7398e90120edd56ab73b72dbd3b48d74c9609f80c2474d71f86824dbbad508801c3d8c5dbe",
    "49932eaf3bebca03968e109a7b0f0fa29549df6d175333ab29882217d431fc5859474f7bd9ab4eab9d8774e0e5fd65f2",
    "dad936af33f52cd1d6872d0ae7d17089436e6d66b7abb653674b1a180f5cd1ed906d818073d32030a5c1f66b61b8b75a",
    "ed5df912133f3001c467ef1093be4660fbb711ff3f9c9cc461d2462a588db5a158fa2519bad58b36e30441c21cb91981",
    "4611479c8ffbe5a9024aa236bfa2717b59f887f4f336aa6c0bcb2167b7b0b0954d0d0f31b9ccac50f8ea56143aa4d321",
    "c9d7544a8f9a8c99bd64e5c75d39a018e4b876d15a8c8ef94001f1cb310c3c283b00c4d0d49395d923ad82a04ed4c844",
    "289202d86e3a6425b431392545d43e5607037b965de33bf2dea607bff27970acbc3a22d9ffdd01351f3f7a1d73c9c446",
    "f412c40f99cd273a5765998a81b4eb7c83dd1ed8e8e149efde75ef9f9effc7e14a7a071b94c3e55197a6426c52174398",
    "eaff7df875d0ec8fac618d2d2bd8fc2f5bf35245289f050109ad3e850c7a7a583b38c27684b4c114ff2449d23ecbba8d",
    "d139d8d122fa7909b56b230190afe0789a4cc8a007a5430cf161d1d302605b3da4b8114d6d3e860ed1777fdbea53bf9a",
    "f4d9aecdc522c620c8cc49c503229e37448520391e8c891aa6301cac5b9644df250acd928f3c21e8b4394ddbf702174e",
    "e5b80d87d69150b5988d7aa4d399152d9c6fe8e36e5a13585918551b6c310667bd905daee8f2b16c5f328e67e44dd9ff",
    "a55cb240a811ce50a654f5f442ed1b1408d79a181cd65cd0601902316aef225379e3e6b617137bd6c3042ea7facfd709",
    "54f29242de49ce04c8387ca06250ad42a675c329ec0bf06cc276244f5e65259b0f6b3e8c431889c26391e17b97843ac8",
    "d690fa056924d4501fcc19c84b4b0f560134caaaa1c682f65a5550a9fd3569ae3790da191f01c4d1f4899f29e4e2045c",
    "06c8a75879b0fc0822d36972b4d75d3fa3d42ac35138679165aabef805c92ebc1a3b6d8dadd904072d3132353d4f9eb9",
    "142c4a76161b58e00102131f72b9becbcfd1d9fd0e3965798eb4d1d9ee0000000000000000000006101418242d4be430",
    "a76bb7184a93be676ec1f2a2a7aaac46dc75087c90f4cad5ed5dce888de46fb37df48a861072de770367ce90a16eefc4",
    "8cb5b580d7a19b46d21af94a05",
);
/// SHA3-256 of the deterministic signature of the same message (FIPS 204 rnd = 0^32 and Ed25519
/// are both deterministic). Recorded from pqpay; both halves verify with pyca/cryptography.
const COMPOSITE_DET_SHA3: &str = "20c2ef36dc561516869a562dd388d9135159e514aeb88d11287dc18b5753ff43";

/// Composite MLDSA65-Ed25519: the key from the draft's vector, the vector's signature (and its
/// rejection under another context), and a deterministic signature.
fn composite_mldsa65_ed25519() -> Result<bool> {
    use crate::sig::{SigAlgorithm, SigningKey, SigningMode};
    let msg = b"The quick brown fox jumps over the lazy dog.";
    let sk = SigningKey::from_private_bytes(SigAlgorithm::MlDsa65Ed25519, &unhex(COMPOSITE_SK))?;
    let pk = sk.verifying_key();
    let sig = unhex(COMPOSITE_SIG);
    let det = sk.sign(msg, b"", SigningMode::Deterministic)?;
    Ok(sha3(&pk.to_bytes()) == unhex(COMPOSITE_PK_SHA3)
        && pk.verify(msg, b"", &sig).is_ok()
        && pk.verify(msg, b"ctx", &sig).is_err()
        && sha3(&det) == unhex(COMPOSITE_DET_SHA3)
        && pk.verify(msg, b"", &det).is_ok())
}

/// NIST ML-DSA-65 deterministic KAT (`kat_MLDSA_65_det_pure.rsp` count 0 in
/// `cryptography-vectors`): KeyGen from ξ, deterministic Sign with a context, Verify, and
/// rejection of a one-bit-flipped signature.
fn mldsa65() -> Result<bool> {
    use crate::sig::{SigAlgorithm, SigningKey, SigningMode};
    let sk = SigningKey::from_private_bytes(
        SigAlgorithm::MlDsa65,
        &unhex("f696484048ec21f96cf50a56d0759c448f3779752f0383d37449690694cf7a68"),
    )?;
    let vk = sk.verifying_key();
    let msg = unhex("6dbbc4375136df3b07f7c70e639e223e");
    let ctx = unhex("480c658c0cb3e040bde084345cef0df7");
    let sig = sk.sign(&msg, &ctx, SigningMode::Deterministic)?;
    let mut bad = sig.clone();
    bad[0] ^= 1;
    Ok(sha3(&vk.to_bytes())
        == unhex("873f4b8e23d2283ecdb79f1b33974ed1cbf4b4ce82b338dd3c236b41dea77faf")
        && sha3(&sig) == unhex("32d0c34c58b58d70997228145abfc2a3f3e8a74326476caae9754d033aed8669")
        && vk.verify(&msg, &ctx, &sig).is_ok()
        && vk.verify(&msg, &ctx, &bad).is_err())
}

/// RFC 8032 KAT: keygen from the secret, signature, verification, and rejection after a flipped
/// bit. `ctx` is only used for Ed448.
fn eddsa_kat(
    alg: SigAlgorithm,
    sk: &str,
    pk: &str,
    msg: &str,
    ctx: &str,
    sig: &str,
) -> Result<bool> {
    let key = SigningKey::from_private_bytes(alg, &unhex(sk))?;
    let vk = key.verifying_key();
    let s = key.sign(&unhex(msg), &unhex(ctx), SigningMode::Deterministic)?;
    let mut bad = s.clone();
    bad[0] ^= 1;
    Ok(vk.to_bytes() == unhex(pk)
        && s == unhex(sig)
        && vk.verify(&unhex(msg), &unhex(ctx), &s).is_ok()
        && vk.verify(&unhex(msg), &unhex(ctx), &bad).is_err())
}

/// RFC 8032 §7.1 TEST 2 (one-byte message).
fn ed25519() -> Result<bool> {
    eddsa_kat(
        SigAlgorithm::Ed25519,
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    )
}

/// RFC 8032 §7.4, 1 octet with context "foo" (dom4 with a non-empty context).
fn ed448() -> Result<bool> {
    eddsa_kat(
        SigAlgorithm::Ed448,
        "c4eab05d357007c632f3dbb48489924d552b08fe0c353a0d4a1f00acda2c463afbea67c5e8d2877c5e3bc397a659949ef8021e954e0a12274e",
        "43ba28f430cdff456ae531545f7ecd0ac834a55d9358c0372bfa0c6c6798c0866aea01eb00742802b8438ea4cb82169c235160627b4c3a9480",
        "03",
        "666f6f",
        "d4f8f6131770dd46f40867d6fd5d5055de43541f8c5e35abbcd001b32a89f7d2151f7647f11d8ca2ae279fb842d607217fce6e042f6815ea000c85741de5c8da1144a6a1aba7f96de42505d7a7298524fda538fccbbb754f578c1cad10d54d0d5428407e85dcbc98a49155c13764e66c3c00",
    )
}

/// SLH-DSA-SHA2-128f: ACVP sigGen tcId 115 (internal interface, deterministic): loading the
/// private key recomputes PK.root, then slh_sign_internal and slh_verify_internal.
fn slhdsa_sha2_128f() -> Result<bool> {
    use crate::sig::slhdsa;
    let key = SigningKey::from_private_bytes(
        SigAlgorithm::SlhDsaSha2_128f,
        &unhex("53725a3c2b994d52ddba83ec584de28bb56fd81661f82b2ae2100517bf14b21520ff7c085298b7313788a15a6eedac2fe846bd0c772aa74975b45ffc49b4f678"),
    )?;
    let sig = slhdsa::hazmat_sign_internal(&key, &[0x6d], None)?;
    Ok(
        sha3(&sig) == unhex("0d4129637261eb54e50e4f56df76062a91e027ef3c5a0fc93e9b469ee5e2f664")
            && slhdsa::hazmat_verify_internal(&key.verifying_key(), &[0x6d], &sig).is_ok(),
    )
}

const TESTS: &[(&str, TestFn)] = &[
    ("ML-KEM-512 KAT", mlkem512),
    ("ML-KEM-768 KAT", mlkem768),
    ("ML-KEM-1024 KAT", mlkem1024),
    ("X25519 KAT (RFC 7748)", x25519),
    ("X-Wing KAT", xwing),
    ("X25519MLKEM768 composition", x25519mlkem768),
    ("ML-DSA-65 KAT", mldsa65),
    (
        "HPKE DHKEM(X25519) HKDF-SHA256 AES-128-GCM KAT",
        hpke_dhkem_x25519,
    ),
    (
        "HPKE X-Wing SHAKE256 ChaCha20-Poly1305 KAT",
        hpke_xwing_shake256,
    ),
    (
        "HPKE MLKEM768-P256 SHAKE128 AES-256-GCM KAT",
        hpke_mlkem768_p256,
    ),
    (
        "HPKE MLKEM1024-P384 HKDF-SHA384 AES-256-GCM KAT",
        hpke_mlkem1024_p384,
    ),
    ("Ed25519 KAT (RFC 8032)", ed25519),
    ("Ed448 KAT with context (RFC 8032)", ed448),
    (
        "MLDSA65-Ed25519-SHA512 composite KAT",
        composite_mldsa65_ed25519,
    ),
    ("SLH-DSA-SHA2-128f KAT (ACVP)", slhdsa_sha2_128f),
];

/// Runs every self-test now (not cached) and returns the results.
pub fn run_all() -> Vec<SelfTestResult> {
    TESTS
        .iter()
        .map(|(name, f)| {
            let start = Instant::now();
            let passed = matches!(f(), Ok(true));
            SelfTestResult {
                name,
                passed,
                micros: start.elapsed().as_secs_f64() * 1e6,
            }
        })
        .collect()
}

static POWER_ON: OnceLock<Vec<SelfTestResult>> = OnceLock::new();

/// Environment variable naming a self-test to fail on purpose at power-on, so the refusal path
/// can be tested. It can only make the library refuse to work, never skip a test.
pub const FORCE_FAIL_ENV: &str = "PQPAY_SELFTEST_FORCE_FAIL";

/// Runs the power-on self-tests once per process and returns their results.
pub fn power_on() -> &'static [SelfTestResult] {
    POWER_ON.get_or_init(|| {
        let forced = std::env::var(FORCE_FAIL_ENV).ok();
        let mut results = run_all();
        for r in &mut results {
            if forced.as_deref() == Some(r.name) {
                r.passed = false;
            }
        }
        results
    })
}

/// Fails with the first failed power-on test's name, running the tests first if needed.
pub fn check() -> Result<()> {
    match power_on().iter().find(|r| !r.passed) {
        Some(r) => Err(Error::SelfTestFailed(r.name.to_string())),
        None => Ok(()),
    }
}
