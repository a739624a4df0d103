//! HPKE KDFs and the labeled functions built on them.
//!
//! Two families: the two-stage HKDFs of RFC 9180 (`LabeledExtract` / `LabeledExpand`) and the
//! one-stage SHAKE XOFs of draft-ietf-hpke-pq (`LabeledDerive`, defined in draft-ietf-hpke-hpke).
//! The key schedule and the exporter for both families live here too.

use hkdf::{Hkdf, HkdfExtract};
use hmac::EagerHash;
use sha2::{Sha256, Sha384, Sha512};
use shake::{ExtendableOutput, Shake128, Shake256, Update, XofReader};
use zeroize::Zeroizing;

use crate::{Error, Result};

/// The version label of every labeled KDF call.
///
/// The editor's copy of draft-ietf-hpke-hpke spells it `HPKE_v1` inside `LabeledDerive`, but
/// draft-ietf-hpke-hpke-02 and the published draft-ietf-hpke-pq test vectors use `HPKE-v1`
/// for the one-stage KDFs as well; we follow the vectors, which is what peers interoperate with.
const VERSION_LABEL: &[u8] = b"HPKE-v1";

/// The largest `L` a one-stage KDF accepts: `LabeledDerive` encodes `L` as `I2OSP(L, 2)`.
const ONE_STAGE_MAX_LEN: usize = u16::MAX as usize;

/// Base mode is the only mode offered, so the mode byte of the key schedule is fixed.
const MODE_BASE: u8 = 0x00;

/// An HPKE key derivation function (RFC 9180 §7.2, draft-ietf-hpke-pq §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kdf {
    /// HKDF-SHA256, id 0x0001 (two-stage).
    HkdfSha256,
    /// HKDF-SHA384, id 0x0002 (two-stage).
    HkdfSha384,
    /// HKDF-SHA512, id 0x0003 (two-stage).
    HkdfSha512,
    /// SHAKE128, id 0x0010 (one-stage).
    Shake128,
    /// SHAKE256, id 0x0011 (one-stage).
    Shake256,
}

impl Kdf {
    /// Every supported KDF, in id order.
    pub const ALL: &'static [Kdf] = &[
        Kdf::HkdfSha256,
        Kdf::HkdfSha384,
        Kdf::HkdfSha512,
        Kdf::Shake128,
        Kdf::Shake256,
    ];

    /// The HPKE KDF identifier.
    pub const fn id(self) -> u16 {
        match self {
            Kdf::HkdfSha256 => 0x0001,
            Kdf::HkdfSha384 => 0x0002,
            Kdf::HkdfSha512 => 0x0003,
            Kdf::Shake128 => 0x0010,
            Kdf::Shake256 => 0x0011,
        }
    }

    /// Looks a KDF up by its HPKE identifier.
    pub fn from_id(id: u16) -> Result<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.id() == id)
            .ok_or_else(|| {
                Error::UnsupportedAlgorithm(format!(
                    "HPKE KDF id {id:#06x} (supported: 0x0001, 0x0002, 0x0003, 0x0010, 0x0011)"
                ))
            })
    }

    /// The registry name.
    pub const fn name(self) -> &'static str {
        match self {
            Kdf::HkdfSha256 => "HKDF-SHA256",
            Kdf::HkdfSha384 => "HKDF-SHA384",
            Kdf::HkdfSha512 => "HKDF-SHA512",
            Kdf::Shake128 => "SHAKE128",
            Kdf::Shake256 => "SHAKE256",
        }
    }

    /// `Nh`: the extract output size (two-stage) or the security strength (one-stage), in bytes.
    pub const fn nh(self) -> usize {
        match self {
            Kdf::HkdfSha256 | Kdf::Shake128 => 32,
            Kdf::HkdfSha384 => 48,
            Kdf::HkdfSha512 | Kdf::Shake256 => 64,
        }
    }

    /// Whether this is a one-stage KDF (uses `LabeledDerive` instead of extract-then-expand).
    pub const fn is_one_stage(self) -> bool {
        matches!(self, Kdf::Shake128 | Kdf::Shake256)
    }

    /// The largest length [`export`](super::SenderContext::export) accepts with this KDF:
    /// `255 * Nh` for HKDF (RFC 5869), 65535 for SHAKE (`L` is encoded in two bytes).
    pub const fn max_export_len(self) -> usize {
        if self.is_one_stage() {
            ONE_STAGE_MAX_LEN
        } else {
            255 * self.nh()
        }
    }

    /// `LabeledExtract(salt, label, ikm)`; `ikm` is given in parts that are concatenated.
    pub(crate) fn labeled_extract(
        self,
        suite_id: &[u8],
        salt: &[u8],
        label: &[u8],
        ikm: &[&[u8]],
    ) -> Result<Zeroizing<Vec<u8>>> {
        let mut parts: Vec<&[u8]> = vec![VERSION_LABEL, suite_id, label];
        parts.extend_from_slice(ikm);
        match self {
            Kdf::HkdfSha256 => Ok(hkdf_extract::<Sha256>(salt, &parts)),
            Kdf::HkdfSha384 => Ok(hkdf_extract::<Sha384>(salt, &parts)),
            Kdf::HkdfSha512 => Ok(hkdf_extract::<Sha512>(salt, &parts)),
            Kdf::Shake128 | Kdf::Shake256 => Err(not_two_stage(self)),
        }
    }

    /// `LabeledExpand(prk, label, info, L)`.
    pub(crate) fn labeled_expand(
        self,
        suite_id: &[u8],
        prk: &[u8],
        label: &[u8],
        info: &[u8],
        len: usize,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let len_bytes = u16::try_from(len)
            .map_err(|_| too_long(self, len))?
            .to_be_bytes();
        let parts: [&[u8]; 5] = [&len_bytes, VERSION_LABEL, suite_id, label, info];
        let mut out = Zeroizing::new(vec![0u8; len]);
        match self {
            Kdf::HkdfSha256 => hkdf_expand::<Sha256>(self, prk, &parts, &mut out)?,
            Kdf::HkdfSha384 => hkdf_expand::<Sha384>(self, prk, &parts, &mut out)?,
            Kdf::HkdfSha512 => hkdf_expand::<Sha512>(self, prk, &parts, &mut out)?,
            Kdf::Shake128 | Kdf::Shake256 => return Err(not_two_stage(self)),
        }
        Ok(out)
    }

    /// `LabeledDerive(ikm, label, context, L)` of draft-ietf-hpke-hpke, for the one-stage KDFs:
    /// `Derive(ikm || "HPKE-v1" || suite_id || lengthPrefixed(label) || I2OSP(L, 2) || context, L)`.
    /// `ikm` and `context` are given in parts, concatenated in order (the draft allows this).
    pub(crate) fn labeled_derive(
        self,
        suite_id: &[u8],
        ikm: &[&[u8]],
        label: &[u8],
        context: &[&[u8]],
        len: usize,
    ) -> Result<Zeroizing<Vec<u8>>> {
        let len_bytes = u16::try_from(len)
            .map_err(|_| too_long(self, len))?
            .to_be_bytes();
        let label_len = length_prefix(label, "HPKE KDF label")?;
        let mut parts: Vec<&[u8]> = ikm.to_vec();
        parts.extend_from_slice(&[VERSION_LABEL, suite_id, &label_len, label, &len_bytes]);
        parts.extend_from_slice(context);
        let mut out = Zeroizing::new(vec![0u8; len]);
        match self {
            Kdf::Shake128 => xof::<Shake128>(&parts, &mut out),
            Kdf::Shake256 => xof::<Shake256>(&parts, &mut out),
            Kdf::HkdfSha256 | Kdf::HkdfSha384 | Kdf::HkdfSha512 => {
                return Err(Error::UnsupportedAlgorithm(format!(
                    "{} is a two-stage KDF and has no LabeledDerive",
                    self.name()
                )))
            }
        }
        Ok(out)
    }

    /// The base-mode key schedule (`CombineSecrets` with empty psk and psk_id) of
    /// draft-ietf-hpke-hpke §5.1, which for the two-stage KDFs is RFC 9180's `KeySchedule`.
    /// Returns `(key, base_nonce, exporter_secret)` with `Nk`, `Nn` and `Nh` bytes.
    pub(crate) fn key_schedule(
        self,
        suite_id: &[u8],
        shared_secret: &[u8],
        info: &[u8],
        nk: usize,
        nn: usize,
    ) -> Result<KeyScheduleOutput> {
        if self.is_one_stage() {
            // secrets = lengthPrefixed(psk) || lengthPrefixed(shared_secret), psk = "".
            let ss_len = length_prefix(shared_secret, "KEM shared secret")?;
            let secrets: [&[u8]; 3] = [&[0, 0], &ss_len, shared_secret];
            // context = mode || lengthPrefixed(psk_id) || lengthPrefixed(info), psk_id = "".
            let info_len = length_prefix(info, "HPKE info")?;
            let context: [&[u8]; 4] = [&[MODE_BASE], &[0, 0], &info_len, info];
            let total = nk + nn + self.nh();
            let secret = self.labeled_derive(suite_id, &secrets, b"secret", &context, total)?;
            let (key, rest) = secret.split_at(nk);
            let (base_nonce, exporter_secret) = rest.split_at(nn);
            Ok(KeyScheduleOutput {
                key: Zeroizing::new(key.to_vec()),
                base_nonce: Zeroizing::new(base_nonce.to_vec()),
                exporter_secret: Zeroizing::new(exporter_secret.to_vec()),
            })
        } else {
            let psk_id_hash = self.labeled_extract(suite_id, b"", b"psk_id_hash", &[])?;
            let info_hash = self.labeled_extract(suite_id, b"", b"info_hash", &[info])?;
            let mut ks_context = Vec::with_capacity(1 + 2 * self.nh());
            ks_context.push(MODE_BASE);
            ks_context.extend_from_slice(&psk_id_hash);
            ks_context.extend_from_slice(&info_hash);
            // secret = LabeledExtract(shared_secret, "secret", psk) with psk = "".
            let secret = self.labeled_extract(suite_id, shared_secret, b"secret", &[])?;
            // Export-only suites have Nk = Nn = 0: skip those expansions, as RFC 9180 allows.
            let key = if nk == 0 {
                Zeroizing::new(Vec::new())
            } else {
                self.labeled_expand(suite_id, &secret, b"key", &ks_context, nk)?
            };
            let base_nonce = if nn == 0 {
                Zeroizing::new(Vec::new())
            } else {
                self.labeled_expand(suite_id, &secret, b"base_nonce", &ks_context, nn)?
            };
            let exporter_secret =
                self.labeled_expand(suite_id, &secret, b"exp", &ks_context, self.nh())?;
            Ok(KeyScheduleOutput {
                key,
                base_nonce,
                exporter_secret,
            })
        }
    }

    /// The secret export of RFC 9180 §5.3 / draft-ietf-hpke-hpke (`Context.Export`).
    pub(crate) fn export(
        self,
        suite_id: &[u8],
        exporter_secret: &[u8],
        exporter_context: &[u8],
        len: usize,
    ) -> Result<Zeroizing<Vec<u8>>> {
        if len > self.max_export_len() {
            return Err(too_long(self, len));
        }
        if self.is_one_stage() {
            self.labeled_derive(
                suite_id,
                &[exporter_secret],
                b"sec",
                &[exporter_context],
                len,
            )
        } else {
            self.labeled_expand(suite_id, exporter_secret, b"sec", exporter_context, len)
        }
    }
}

/// The three secrets of the key schedule; all are wiped on drop.
pub(crate) struct KeyScheduleOutput {
    pub(crate) key: Zeroizing<Vec<u8>>,
    pub(crate) base_nonce: Zeroizing<Vec<u8>>,
    pub(crate) exporter_secret: Zeroizing<Vec<u8>>,
}

/// `I2OSP(len(x), 2)`; the one-stage KDF inputs cannot carry longer fields.
fn length_prefix(x: &[u8], what: &str) -> Result<[u8; 2]> {
    u16::try_from(x.len()).map(u16::to_be_bytes).map_err(|_| {
        Error::InvalidArgument(format!(
            "{what} is {} bytes long; a one-stage HPKE KDF accepts at most 65535",
            x.len()
        ))
    })
}

fn too_long(kdf: Kdf, len: usize) -> Error {
    Error::InvalidArgument(format!(
        "requested {len} bytes from {}; the maximum is {}",
        kdf.name(),
        kdf.max_export_len()
    ))
}

fn not_two_stage(kdf: Kdf) -> Error {
    Error::UnsupportedAlgorithm(format!(
        "{} is a one-stage KDF and has no extract/expand",
        kdf.name()
    ))
}

fn hkdf_extract<H>(salt: &[u8], ikm: &[&[u8]]) -> Zeroizing<Vec<u8>>
where
    H: EagerHash,
{
    // An empty salt keys HMAC with the empty string, which HMAC pads to the all-zero block:
    // the same as RFC 5869's default salt of Nh zero bytes.
    let mut ext = HkdfExtract::<H>::new(Some(salt));
    for part in ikm {
        ext.input_ikm(part);
    }
    let (prk, _) = ext.finalize();
    Zeroizing::new(prk.to_vec())
}

fn hkdf_expand<H>(kdf: Kdf, prk: &[u8], info: &[&[u8]], out: &mut [u8]) -> Result<()>
where
    H: EagerHash,
{
    let hk = Hkdf::<H>::from_prk(prk).map_err(|_| {
        Error::InvalidArgument(format!(
            "{} pseudorandom key must be at least {} bytes",
            kdf.name(),
            kdf.nh()
        ))
    })?;
    hk.expand_multi_info(info, out)
        .map_err(|_| too_long(kdf, out.len()))
}

fn xof<X: Default + Update + ExtendableOutput>(parts: &[&[u8]], out: &mut [u8]) {
    let mut h = X::default();
    for part in parts {
        h.update(part);
    }
    h.finalize_xof().read(out);
}

/// `SHAKE256.LabeledDerive(ikm, "DeriveKeyPair", "", len)` with a KEM suite_id: the
/// DeriveKeyPair of the ML-KEM and hybrid KEMs of draft-ietf-hpke-pq, whatever the suite's KDF.
pub(crate) fn shake256_derive_key_pair(
    kem_suite_id: &[u8],
    ikm: &[u8],
    len: usize,
) -> Result<Zeroizing<Vec<u8>>> {
    Kdf::Shake256.labeled_derive(kem_suite_id, &[ikm], b"DeriveKeyPair", &[], len)
}
