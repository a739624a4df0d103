//! Helpers shared by the fuzz targets: splitting the fuzzer's bytes into fields, a few fixed
//! keys (made from constant seeds, so a crash reproduces from its input alone), and the DER
//! facts the round-trip checks need.
#![forbid(unsafe_code)]

use std::sync::OnceLock;

use pqpay_core::kem::{DecapsulationKey, KemAlgorithm};
use pqpay_core::sig::{SigAlgorithm, SigningKey, SigningMode, VerifyingKey};

/// Reads fields off the front of the fuzzer's input; past the end every read is empty/zero,
/// so any input is a valid sequence of fields.
pub struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    /// Wraps the fuzzer's input.
    pub fn new(data: &'a [u8]) -> Self {
        Input(data)
    }

    /// One byte (0 once the input is used up).
    pub fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    /// A little-endian u16.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    /// A little-endian u64.
    pub fn u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        for x in &mut b {
            *x = self.byte();
        }
        u64::from_le_bytes(b)
    }

    /// Up to `n` bytes.
    pub fn bytes(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }

    /// A field of at most `max` bytes whose length is the next byte (mod `max + 1`).
    pub fn short(&mut self, max: usize) -> &'a [u8] {
        let n = usize::from(self.byte()) % (max + 1);
        self.bytes(n)
    }

    /// A field whose length is the next little-endian u16.
    pub fn long(&mut self) -> &'a [u8] {
        let n = usize::from(self.u16());
        self.bytes(n)
    }

    /// Everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        self.bytes(self.0.len())
    }

    /// One of `items`, chosen by the next byte.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[usize::from(self.byte()) % items.len()]
    }
}

/// A DER header: tag, content start, content end (only single-byte tags and definite lengths,
/// as the core's reader; `None` for anything else).
pub fn der_header(data: &[u8], at: usize) -> Option<(u8, usize, usize)> {
    let tag = *data.get(at)?;
    let first = *data.get(at + 1)?;
    let (len, start) = if first < 0x80 {
        (usize::from(first), at + 2)
    } else {
        let n = usize::from(first & 0x7F);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | usize::from(*data.get(at + 2 + i)?);
        }
        (len, at + 2 + n)
    };
    let end = start.checked_add(len)?;
    (end <= data.len()).then_some((tag, start, end))
}

/// The elements (tag, whole TLV) of the SEQUENCE at the start of `data`.
pub fn der_sequence_elements(data: &[u8]) -> Vec<(u8, &[u8])> {
    let mut out = Vec::new();
    let Some((0x30, start, end)) = der_header(data, 0) else {
        return out;
    };
    let mut at = start;
    while at < end {
        let Some((tag, _, e)) = der_header(&data[..end], at) else {
            break;
        };
        out.push((tag, &data[at..e]));
        at = e;
    }
    out
}

/// True for a PKCS#8 document the writers could have produced: version 0 (v1) and exactly
/// the three fields version, algorithm, privateKey (no attributes, no public key).
pub fn is_plain_pkcs8_v1(der: &[u8]) -> bool {
    let fields = der_sequence_elements(der);
    fields.len() == 3 && fields[0].1 == [0x02, 0x01, 0x00]
}

/// Every KEM algorithm.
pub const KEMS: &[KemAlgorithm] = KemAlgorithm::ALL;

/// Every signature algorithm.
pub const SIGS: &[SigAlgorithm] = SigAlgorithm::ALL;

/// SLH-DSA signing takes milliseconds to seconds: targets sign only with the faster families.
pub fn fast_signer(alg: SigAlgorithm) -> bool {
    alg.family() != pqpay_core::sig::SigFamily::SlhDsa
}

/// A KEM private key from a constant seed (the first `seed` bytes of 0x01, 0x02, ...).
pub fn fixed_kem_key(alg: KemAlgorithm) -> DecapsulationKey {
    let seed: Vec<u8> = (1..=alg.sizes().seed).map(|i| i as u8).collect();
    DecapsulationKey::from_seed(alg, &seed).expect("a constant seed makes a key")
}

/// The fixed private key of every KEM algorithm, made once.
pub fn fixed_kem_keys() -> &'static [DecapsulationKey] {
    static KEYS: OnceLock<Vec<DecapsulationKey>> = OnceLock::new();
    KEYS.get_or_init(|| KEMS.iter().map(|&a| fixed_kem_key(a)).collect())
}

/// The canonical raw private key of `alg` made from constants.
pub fn fixed_sig_private_bytes(alg: SigAlgorithm) -> Vec<u8> {
    use pqpay_core::sig::SigFamily;
    let filler =
        |n: usize, start: u8| -> Vec<u8> { (0..n).map(|i| start.wrapping_add(i as u8)).collect() };
    // ECPrivateKey (RFC 5915) with the namedCurve and no publicKey; scalar 0x0101...01 < n.
    let ec_p256 = |seed: Vec<u8>| -> Vec<u8> {
        let mut v = seed;
        v.extend_from_slice(&[0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20]);
        v.extend_from_slice(&[0x01; 32]);
        v.extend_from_slice(&[
            0xA0, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07,
        ]);
        v
    };
    let ec_p384 = |seed: Vec<u8>| -> Vec<u8> {
        let mut v = seed;
        v.extend_from_slice(&[0x30, 0x3E, 0x02, 0x01, 0x01, 0x04, 0x30]);
        v.extend_from_slice(&[0x01; 48]);
        v.extend_from_slice(&[0xA0, 0x07, 0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22]);
        v
    };
    match alg {
        SigAlgorithm::Ed25519 => filler(32, 7),
        SigAlgorithm::Ed448 => filler(57, 9),
        SigAlgorithm::MlDsa44Ed25519 | SigAlgorithm::MlDsa65Ed25519 => filler(64, 3),
        SigAlgorithm::MlDsa87Ed448 => filler(89, 5),
        SigAlgorithm::MlDsa65P256 => ec_p256(filler(32, 11)),
        SigAlgorithm::MlDsa87P384 => ec_p384(filler(32, 13)),
        _ => match alg.family() {
            SigFamily::MlDsa => filler(32, 1),
            // SK.seed || SK.prf || PK.seed || PK.root: the root must be the one the seeds make,
            // so the key is generated from the first three and its canonical bytes read back.
            _ => slhdsa_private_bytes(alg),
        },
    }
}

fn slhdsa_private_bytes(alg: SigAlgorithm) -> Vec<u8> {
    let n = match alg.name() {
        name if name.contains("128") => 16,
        name if name.contains("192") => 24,
        _ => 32,
    };
    let seeds: Vec<u8> = (0..3 * n).map(|i| i as u8).collect();
    let vk_and_sk = pqpay_core::sig::slhdsa::hazmat_keygen_internal(
        alg,
        &seeds[..n],
        &seeds[n..2 * n],
        &seeds[2 * n..],
    )
    .expect("SLH-DSA keygen from constant seeds");
    vk_and_sk
        .private_bytes()
        .expect("an SLH-DSA key has raw bytes")
        .to_vec()
}

/// A fixed key pair of `alg` and one deterministic signature over a constant message.
pub struct FixedSigner {
    /// The private key.
    pub sk: SigningKey,
    /// Its public key.
    pub vk: VerifyingKey,
}

/// A signing key of `alg` from constants.
pub fn fixed_signer(alg: SigAlgorithm) -> FixedSigner {
    let sk = SigningKey::from_private_bytes(alg, &fixed_sig_private_bytes(alg))
        .expect("constant private key bytes load");
    let vk = sk.verifying_key();
    FixedSigner { sk, vk }
}

/// Deterministic signing for reproducible runs.
pub const DET: SigningMode = SigningMode::Deterministic;

/// Standard base64 with padding (for wrapping DER in PEM).
pub fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `der` as an RFC 7468 document with `label`, 64-column lines.
pub fn pem_wrap(label: &str, der: &[u8]) -> String {
    let b64 = base64(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The ML-KEM encapsulation key at the front of `alg`'s public key, if it has one.
pub fn mlkem_part(alg: KemAlgorithm, pk: &[u8]) -> Option<&[u8]> {
    let len = match alg {
        KemAlgorithm::MlKem512 => 800,
        KemAlgorithm::MlKem768
        | KemAlgorithm::XWing
        | KemAlgorithm::X25519MlKem768
        | KemAlgorithm::MlKem768P256 => 1184,
        KemAlgorithm::MlKem1024 | KemAlgorithm::MlKem1024P384 => 1568,
        KemAlgorithm::X25519 => return None,
    };
    pk.get(..len)
}

/// True when every 12-bit coefficient of an ML-KEM encapsulation key's `t` is below q = 3329
/// (the FIPS 203 §7.2 modulus check).
pub fn mlkem_coefficients_reduced(ek: &[u8]) -> bool {
    let t = &ek[..ek.len() - 32];
    t.chunks(3).all(|c| {
        let a = u16::from(c[0]) | (u16::from(c[1] & 0x0F) << 8);
        let b = u16::from(c[1] >> 4) | (u16::from(c[2]) << 4);
        a < 3329 && b < 3329
    })
}

/// A derandomized encapsulation, or `None` where the core documents a refusal: an ephemeral
/// scalar seed with no valid candidate (MLKEM768-P256 / MLKEM1024-P384 `RandomScalar`), or a
/// low-order X25519 share in the public key. Any other failure panics.
pub fn encapsulate_or_documented_refusal(
    ek: &pqpay_core::kem::EncapsulationKey,
    randomness: &[u8],
) -> Option<(pqpay_core::kem::SharedSecret, Vec<u8>)> {
    use pqpay_core::Error;
    match ek.encapsulate_derand(randomness) {
        Ok(v) => Some(v),
        Err(Error::InvalidArgument(_))
            if matches!(
                ek.algorithm(),
                KemAlgorithm::MlKem768P256 | KemAlgorithm::MlKem1024P384
            ) =>
        {
            None
        }
        Err(_)
            if matches!(
                ek.algorithm(),
                KemAlgorithm::X25519 | KemAlgorithm::XWing | KemAlgorithm::X25519MlKem768
            ) =>
        {
            None
        }
        Err(e) => panic!(
            "encapsulating to an accepted {} key failed: {e}",
            ek.algorithm().name()
        ),
    }
}
