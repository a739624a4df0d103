//! Encrypted PKCS#8: RFC 5958 `EncryptedPrivateKeyInfo` with PBES2 (RFC 8018).
//!
//! ```text
//! EncryptedPrivateKeyInfo ::= SEQUENCE {
//!   encryptionAlgorithm  AlgorithmIdentifier { id-PBES2, PBES2-params },
//!   encryptedData        OCTET STRING }            -- the PKCS#8 DER, CBC-encrypted
//! PBES2-params ::= SEQUENCE {
//!   keyDerivationFunc  AlgorithmIdentifier,        -- PBKDF2 or scrypt (RFC 7914)
//!   encryptionScheme   AlgorithmIdentifier }       -- aes{128,192,256}-CBC, IV as parameter
//! PBKDF2-params ::= SEQUENCE {
//!   salt OCTET STRING, iterationCount INTEGER, keyLength INTEGER OPTIONAL,
//!   prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }
//! scrypt-params ::= SEQUENCE {
//!   salt OCTET STRING, costParameter INTEGER, blockSize INTEGER,
//!   parallelizationParameter INTEGER, keyLength INTEGER OPTIONAL }
//! ```
//!
//! **Writing** ([`EncryptionParams::default`]): PBKDF2-HMAC-SHA256 with 1,200,000 iterations
//! (twice OWASP's 600,000; 0.4 s on the shared 2-core machine), a 16-byte random salt and
//! AES-256-CBC with a random IV: the strongest choice that both OpenSSL 3.0 and
//! pyca/cryptography read. scrypt at a memory-hard
//! setting (N = 2^17, r = 8: 128 MiB) is not the default because OpenSSL 3.0's PKCS#8 reader
//! caps scrypt at 32 MiB and refuses such files; scrypt can still be chosen here.
//!
//! **Reading**: PBES2 with PBKDF2 (HMAC-SHA1, -SHA224, -SHA256, -SHA384, -SHA512; SHA-1 is the
//! RFC 8018 default when `prf` is absent) or scrypt, and AES-128/192/256-CBC: what OpenSSL
//! (`openssl pkcs8 -topk8 -v2 ...`, `genpkey -aes256`, `-scrypt`) and pyca write. OpenSSL 3.0
//! refuses AEAD ciphers in PKCS#8 ("AEAD ciphers not supported"), so no AES-GCM file exists
//! to read; PBES1 and PKCS#12 PBE (DES, RC2, RC4) give [`Error::UnsupportedAlgorithm`].
//!
//! **Cost bound** ([`DecryptionLimits`]): a file names its own KDF cost, so a hostile one could
//! ask for 2^32 iterations or gigabytes of scrypt memory. Reading refuses, before any work,
//! PBKDF2 counts above [`MAX_PBKDF2_ITERATIONS`], scrypt memory (128·r·(N + p) bytes) above
//! [`MAX_SCRYPT_MEMORY`] and scrypt work N·r·p above [`MAX_SCRYPT_WORK`], with an
//! [`Error::Encoding`] naming the bound.
//!
//! **Wrong password**: one error, [`Error::DecryptionFailed`], whether the PKCS#7 padding is
//! wrong (checked in constant time) or the decrypted bytes are not a valid private key: CBC is
//! unauthenticated, so telling those apart would be a padding oracle. Errors about the
//! unencrypted envelope (its DER, OIDs and parameters) keep their detail: that part is public.
//! Derived keys and decrypted bytes are wiped on drop.

use aes::{Aes128, Aes192, Aes256};
use cbc::cipher::consts::U16;
use cbc::cipher::{Block, BlockModeDecrypt, BlockModeEncrypt, BlockSizeUser, KeyIvInit};
use subtle::{Choice, ConstantTimeEq, ConstantTimeGreater};
use zeroize::Zeroizing;

use super::der::{self, Node, Reader};
use super::{pem, AnyPrivateKey};
use crate::{Error, Result};

pub use super::pem::ENCRYPTED_PRIVATE_KEY_PEM_LABEL;

/// PBKDF2 iteration count written by default: twice OWASP's 600,000 for PBKDF2-HMAC-SHA256,
/// chosen by measurement (0.38-0.42 s to write or read on the shared 2-core machine).
pub const DEFAULT_PBKDF2_ITERATIONS: u32 = 1_200_000;
/// Largest PBKDF2 iteration count a file may ask for (about 4x the default; with the
/// slowest PRF, HMAC-SHA512, this is the worst case a hostile file can cost).
pub const MAX_PBKDF2_ITERATIONS: u64 = 5_000_000;
/// Largest scrypt memory (128·r·(N + p) bytes) a file may ask for: 257 MiB, so that the
/// common 256 MiB setting (N = 2^18, r = 8: a 256 MiB table) loads with up to 1 MiB of p blocks.
pub const MAX_SCRYPT_MEMORY: u64 = 257 * 1024 * 1024;
/// Largest scrypt work N·r·p a file may ask for: 2^22 (N = 2^17, r = 8, p = 4).
pub const MAX_SCRYPT_WORK: u64 = 1 << 22;

/// `NULL`, the parameters OpenSSL and pyca write for an HMAC PRF.
const NULL: u8 = 0x05;
const SALT_LEN: usize = 16;
const BLOCK: usize = 16;
/// Longest salt accepted on reading (OpenSSL writes 16 bytes, older versions 8).
const MAX_SALT_LEN: usize = 1024;

const OID_PBES2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
const OID_PBKDF2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c];
const OID_SCRYPT: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x04, 0x0b];

/// The PBKDF2 pseudo-random function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Prf {
    /// hmacWithSHA1 (1.2.840.113549.2.7), the RFC 8018 default; read only by choice of callers.
    HmacSha1,
    /// hmacWithSHA224 (1.2.840.113549.2.8).
    HmacSha224,
    /// hmacWithSHA256 (1.2.840.113549.2.9).
    HmacSha256,
    /// hmacWithSHA384 (1.2.840.113549.2.10).
    HmacSha384,
    /// hmacWithSHA512 (1.2.840.113549.2.11).
    HmacSha512,
}

impl Prf {
    const ALL: [Prf; 5] = [
        Prf::HmacSha1,
        Prf::HmacSha224,
        Prf::HmacSha256,
        Prf::HmacSha384,
        Prf::HmacSha512,
    ];

    fn oid(self) -> &'static [u8] {
        match self {
            Prf::HmacSha1 => &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x07],
            Prf::HmacSha224 => &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x08],
            Prf::HmacSha256 => &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09],
            Prf::HmacSha384 => &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x0a],
            Prf::HmacSha512 => &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x0b],
        }
    }

    /// The name used in descriptions ("HMAC-SHA256").
    pub fn name(self) -> &'static str {
        match self {
            Prf::HmacSha1 => "HMAC-SHA1",
            Prf::HmacSha224 => "HMAC-SHA224",
            Prf::HmacSha256 => "HMAC-SHA256",
            Prf::HmacSha384 => "HMAC-SHA384",
            Prf::HmacSha512 => "HMAC-SHA512",
        }
    }

    fn derive(self, password: &[u8], salt: &[u8], rounds: u32, out: &mut [u8]) {
        use pbkdf2::pbkdf2_hmac;
        match self {
            Prf::HmacSha1 => pbkdf2_hmac::<sha1::Sha1>(password, salt, rounds, out),
            Prf::HmacSha224 => pbkdf2_hmac::<sha2::Sha224>(password, salt, rounds, out),
            Prf::HmacSha256 => pbkdf2_hmac::<sha2::Sha256>(password, salt, rounds, out),
            Prf::HmacSha384 => pbkdf2_hmac::<sha2::Sha384>(password, salt, rounds, out),
            Prf::HmacSha512 => pbkdf2_hmac::<sha2::Sha512>(password, salt, rounds, out),
        }
    }
}

/// The key-derivation function and its cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kdf {
    /// PBKDF2 (RFC 8018 §5.2).
    Pbkdf2 {
        /// The PRF.
        prf: Prf,
        /// The iteration count (at least 1).
        iterations: u32,
    },
    /// scrypt (RFC 7914) with N = 2^`log_n`.
    Scrypt {
        /// log2 of the cost parameter N (1..=63).
        log_n: u8,
        /// Block size r.
        r: u32,
        /// Parallelization p.
        p: u32,
    },
}

/// The content-encryption cipher (all CBC with PKCS#7 padding).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cipher {
    /// aes128-CBC-PAD (2.16.840.1.101.3.4.1.2).
    Aes128Cbc,
    /// aes192-CBC-PAD (2.16.840.1.101.3.4.1.22).
    Aes192Cbc,
    /// aes256-CBC-PAD (2.16.840.1.101.3.4.1.42).
    Aes256Cbc,
}

impl Cipher {
    const ALL: [Cipher; 3] = [Cipher::Aes128Cbc, Cipher::Aes192Cbc, Cipher::Aes256Cbc];

    fn oid(self) -> &'static [u8] {
        match self {
            Cipher::Aes128Cbc => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x02],
            Cipher::Aes192Cbc => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x16],
            Cipher::Aes256Cbc => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a],
        }
    }

    /// Key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            Cipher::Aes128Cbc => 16,
            Cipher::Aes192Cbc => 24,
            Cipher::Aes256Cbc => 32,
        }
    }

    /// The name used in descriptions ("AES-256-CBC").
    pub fn name(self) -> &'static str {
        match self {
            Cipher::Aes128Cbc => "AES-128-CBC",
            Cipher::Aes192Cbc => "AES-192-CBC",
            Cipher::Aes256Cbc => "AES-256-CBC",
        }
    }
}

/// How to encrypt: KDF and cipher (salt and IV are always fresh and random).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EncryptionParams {
    /// The key-derivation function.
    pub kdf: Kdf,
    /// The cipher.
    pub cipher: Cipher,
}

impl Default for EncryptionParams {
    /// PBKDF2-HMAC-SHA256, 1,200,000 iterations, AES-256-CBC (see the module documentation).
    fn default() -> Self {
        EncryptionParams {
            kdf: Kdf::Pbkdf2 {
                prf: Prf::HmacSha256,
                iterations: DEFAULT_PBKDF2_ITERATIONS,
            },
            cipher: Cipher::Aes256Cbc,
        }
    }
}

impl core::fmt::Display for EncryptionParams {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.kdf {
            Kdf::Pbkdf2 { prf, iterations } => write!(
                f,
                "PBES2, PBKDF2-{} with {iterations} iterations, {}",
                prf.name(),
                self.cipher.name()
            ),
            Kdf::Scrypt { log_n, r, p } => write!(
                f,
                "PBES2, scrypt N=2^{log_n} r={r} p={p}, {}",
                self.cipher.name()
            ),
        }
    }
}

/// The cost a file may ask of the reader (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DecryptionLimits {
    /// Largest PBKDF2 iteration count.
    pub max_pbkdf2_iterations: u64,
    /// Largest scrypt memory in bytes, 128·r·(N + p).
    pub max_scrypt_memory: u64,
    /// Largest scrypt N·r·p.
    pub max_scrypt_work: u64,
}

impl Default for DecryptionLimits {
    fn default() -> Self {
        DecryptionLimits {
            max_pbkdf2_iterations: MAX_PBKDF2_ITERATIONS,
            max_scrypt_memory: MAX_SCRYPT_MEMORY,
            max_scrypt_work: MAX_SCRYPT_WORK,
        }
    }
}

/// A parsed envelope: everything but the plaintext.
struct Envelope<'a> {
    params: EncryptionParams,
    salt: &'a [u8],
    iv: &'a [u8; BLOCK],
    ciphertext: &'a [u8],
}

/// True when `data` is DER whose first element starts like an `EncryptedPrivateKeyInfo`
/// (a SEQUENCE whose first member is a SEQUENCE; a plain PKCS#8 starts with its INTEGER
/// version). Says nothing about validity.
pub fn is_encrypted_der(data: &[u8]) -> bool {
    let mut outer = Reader::new(data);
    match outer.read(der::SEQUENCE, "EncryptedPrivateKeyInfo") {
        Ok(body) => Reader::new(body).peek_tag() == Some(der::SEQUENCE),
        Err(_) => false,
    }
}

/// True when `data` is a PEM document labelled `ENCRYPTED PRIVATE KEY`.
pub fn is_encrypted_pem(data: &[u8]) -> bool {
    pem::has_label(data, ENCRYPTED_PRIVATE_KEY_PEM_LABEL)
}

/// Describes an encrypted key's protection without decrypting it ("PBES2, PBKDF2-HMAC-SHA256
/// with 1200000 iterations, AES-256-CBC").
///
/// # Errors
/// [`Error::Encoding`] / [`Error::UnsupportedAlgorithm`] for a malformed or unknown envelope.
pub fn describe(data: &[u8], pem: bool) -> Result<String> {
    if pem {
        let der = pem::decode(data, ENCRYPTED_PRIVATE_KEY_PEM_LABEL)?;
        Ok(read_envelope(&der)?.params.to_string())
    } else {
        Ok(read_envelope(data)?.params.to_string())
    }
}

/// Encrypts a PKCS#8 DER private key (as the existing writers make it) into an
/// `EncryptedPrivateKeyInfo` DER. The output holds no secret in the clear.
///
/// # Errors
/// [`Error::InvalidArgument`] for unusable parameters; [`Error::Random`] if the OS generator
/// fails.
pub fn encrypt_der(
    plain_pkcs8: &[u8],
    password: &[u8],
    params: &EncryptionParams,
) -> Result<Vec<u8>> {
    let mut salt = [0u8; SALT_LEN];
    crate::rng::fill(&mut salt)?;
    let mut iv = [0u8; BLOCK];
    crate::rng::fill(&mut iv)?;
    let key = derive(password, &salt, params)?;

    let pad = BLOCK - plain_pkcs8.len() % BLOCK;
    let mut buf = Zeroizing::new(Vec::with_capacity(plain_pkcs8.len() + pad));
    buf.extend_from_slice(plain_pkcs8);
    buf.resize(plain_pkcs8.len() + pad, pad as u8);
    cbc_encrypt(params.cipher, &key, &iv, &mut buf)?;

    let iterations;
    let (log_n, r, p);
    let kdf = match params.kdf {
        Kdf::Pbkdf2 {
            prf,
            iterations: count,
        } => {
            iterations = int_bytes(u64::from(count));
            Node::Cons(
                der::SEQUENCE,
                vec![
                    Node::Prim(der::OID, OID_PBKDF2),
                    Node::Cons(
                        der::SEQUENCE,
                        vec![
                            Node::Prim(der::OCTET_STRING, &salt),
                            Node::Prim(der::INTEGER, &iterations),
                            Node::Cons(
                                der::SEQUENCE,
                                vec![Node::Prim(der::OID, prf.oid()), Node::Prim(NULL, &[])],
                            ),
                        ],
                    ),
                ],
            )
        }
        Kdf::Scrypt {
            log_n: ln,
            r: rr,
            p: pp,
        } => {
            log_n = int_bytes(1u64 << ln);
            r = int_bytes(u64::from(rr));
            p = int_bytes(u64::from(pp));
            Node::Cons(
                der::SEQUENCE,
                vec![
                    Node::Prim(der::OID, OID_SCRYPT),
                    Node::Cons(
                        der::SEQUENCE,
                        vec![
                            Node::Prim(der::OCTET_STRING, &salt),
                            Node::Prim(der::INTEGER, &log_n),
                            Node::Prim(der::INTEGER, &r),
                            Node::Prim(der::INTEGER, &p),
                        ],
                    ),
                ],
            )
        }
    };
    let envelope = Node::Cons(
        der::SEQUENCE,
        vec![
            Node::Cons(
                der::SEQUENCE,
                vec![
                    Node::Prim(der::OID, OID_PBES2),
                    Node::Cons(
                        der::SEQUENCE,
                        vec![
                            kdf,
                            Node::Cons(
                                der::SEQUENCE,
                                vec![
                                    Node::Prim(der::OID, params.cipher.oid()),
                                    Node::Prim(der::OCTET_STRING, &iv),
                                ],
                            ),
                        ],
                    ),
                ],
            ),
            Node::Prim(der::OCTET_STRING, &buf),
        ],
    );
    Ok(envelope.to_der())
}

/// [`encrypt_der`], as an `ENCRYPTED PRIVATE KEY` PEM document.
///
/// # Errors
/// As [`encrypt_der`].
pub fn encrypt_pem(
    plain_pkcs8: &[u8],
    password: &[u8],
    params: &EncryptionParams,
) -> Result<String> {
    pem::encode_public(
        ENCRYPTED_PRIVATE_KEY_PEM_LABEL,
        &encrypt_der(plain_pkcs8, password, params)?,
    )
}

/// Decrypts an `EncryptedPrivateKeyInfo` DER and hands the PKCS#8 DER inside to `parse` (the
/// existing loaders). Any failure of the padding or of `parse` is [`Error::DecryptionFailed`].
///
/// # Errors
/// [`Error::Encoding`] for a malformed envelope or a cost above `limits`;
/// [`Error::UnsupportedAlgorithm`] for another scheme, KDF, PRF or cipher;
/// [`Error::DecryptionFailed`] for a wrong password or damaged ciphertext.
pub fn decrypt_der<T>(
    data: &[u8],
    password: &[u8],
    limits: &DecryptionLimits,
    parse: impl FnOnce(&[u8]) -> Result<T>,
) -> Result<T> {
    let env = read_envelope(data)?;
    check_cost(&env.params.kdf, limits)?;
    let key = derive(password, env.salt, &env.params)?;
    let mut buf = Zeroizing::new(env.ciphertext.to_vec());
    cbc_decrypt(env.params.cipher, &key, env.iv, &mut buf)?;
    let len = unpad(&buf).ok_or(Error::DecryptionFailed)?;
    parse(&buf[..len]).map_err(|_| Error::DecryptionFailed)
}

/// [`decrypt_der`] for an `ENCRYPTED PRIVATE KEY` PEM document.
///
/// # Errors
/// As [`decrypt_der`], and [`Error::Encoding`] for malformed PEM or another label.
pub fn decrypt_pem<T>(
    data: &[u8],
    password: &[u8],
    limits: &DecryptionLimits,
    parse: impl FnOnce(&[u8]) -> Result<T>,
) -> Result<T> {
    let der = pem::decode(data, ENCRYPTED_PRIVATE_KEY_PEM_LABEL)?;
    decrypt_der(&der, password, limits, parse)
}

/// Decrypts an encrypted PKCS#8 private key, DER or PEM, and reads the PKCS#8 inside with the
/// KEM-or-signature loader of the plain pipeline ([`super::load_der_private_key_any`]).
///
/// # Errors
/// As [`decrypt_der`] / [`decrypt_pem`].
pub fn load_private_key_any(
    data: &[u8],
    pem: bool,
    password: &[u8],
    limits: &DecryptionLimits,
) -> Result<AnyPrivateKey> {
    let parse = super::load_der_private_key_any;
    if pem {
        decrypt_pem(data, password, limits, parse)
    } else {
        decrypt_der(data, password, limits, parse)
    }
}

/// Refuses a KDF cost above the limits, before any work is done.
fn check_cost(kdf: &Kdf, limits: &DecryptionLimits) -> Result<()> {
    match *kdf {
        Kdf::Pbkdf2 { iterations, .. } => {
            if u64::from(iterations) > limits.max_pbkdf2_iterations {
                return Err(Error::Encoding(format!(
                    "encrypted private key: PBKDF2 iteration count {iterations} is above the bound of {} \
                     (a cost limit against hostile files)",
                    limits.max_pbkdf2_iterations
                )));
            }
        }
        Kdf::Scrypt { log_n, r, p } => {
            let n = 1u128 << log_n;
            let memory = 128 * u128::from(r) * (n + u128::from(p));
            let work = n * u128::from(r) * u128::from(p);
            if memory > u128::from(limits.max_scrypt_memory) {
                return Err(Error::Encoding(format!(
                    "encrypted private key: scrypt N=2^{log_n} r={r} p={p} needs {memory} bytes of memory, \
                     above the bound of {} bytes (a cost limit against hostile files)",
                    limits.max_scrypt_memory
                )));
            }
            if work > u128::from(limits.max_scrypt_work) {
                return Err(Error::Encoding(format!(
                    "encrypted private key: scrypt N=2^{log_n} r={r} p={p} has work N*r*p = {work}, \
                     above the bound of {} (a cost limit against hostile files)",
                    limits.max_scrypt_work
                )));
            }
        }
    }
    Ok(())
}

/// Derives the cipher key, in a buffer wiped on drop.
fn derive(password: &[u8], salt: &[u8], params: &EncryptionParams) -> Result<Zeroizing<Vec<u8>>> {
    let mut key = Zeroizing::new(vec![0u8; params.cipher.key_len()]);
    match params.kdf {
        Kdf::Pbkdf2 { prf, iterations } => {
            if iterations == 0 {
                return Err(Error::InvalidArgument(
                    "PBKDF2 iteration count must be at least 1".into(),
                ));
            }
            prf.derive(password, salt, iterations, &mut key);
        }
        Kdf::Scrypt { log_n, r, p } => {
            let bad = || {
                Error::InvalidArgument(format!(
                    "scrypt parameters N=2^{log_n} r={r} p={p} are out of range"
                ))
            };
            if log_n == 0 {
                return Err(bad());
            }
            let params = scrypt::Params::new(log_n, r, p).map_err(|_| bad())?;
            scrypt::scrypt(password, salt, &params, &mut key).map_err(|_| bad())?;
        }
    }
    Ok(key)
}

/// Runs CBC over `buf` (whole blocks) in place; `step` encrypts or decrypts one block.
fn cbc_run<M: KeyIvInit + BlockSizeUser<BlockSize = U16>>(
    key: &[u8],
    iv: &[u8],
    buf: &mut [u8],
    step: impl Fn(&mut M, &mut Block<M>),
) -> Result<()> {
    let mut mode = M::new_from_slices(key, iv)
        .map_err(|_| Error::Internal("AES-CBC key or IV length".into()))?;
    for block in buf.chunks_exact_mut(BLOCK) {
        let block = block
            .try_into()
            .map_err(|_| Error::Internal("AES-CBC block length".into()))?;
        step(&mut mode, block);
    }
    Ok(())
}

fn cbc_encrypt(cipher: Cipher, key: &[u8], iv: &[u8; BLOCK], buf: &mut [u8]) -> Result<()> {
    use cbc::Encryptor;
    match cipher {
        Cipher::Aes128Cbc => cbc_run(key, iv, buf, Encryptor::<Aes128>::encrypt_block),
        Cipher::Aes192Cbc => cbc_run(key, iv, buf, Encryptor::<Aes192>::encrypt_block),
        Cipher::Aes256Cbc => cbc_run(key, iv, buf, Encryptor::<Aes256>::encrypt_block),
    }
}

fn cbc_decrypt(cipher: Cipher, key: &[u8], iv: &[u8; BLOCK], buf: &mut [u8]) -> Result<()> {
    use cbc::Decryptor;
    match cipher {
        Cipher::Aes128Cbc => cbc_run(key, iv, buf, Decryptor::<Aes128>::decrypt_block),
        Cipher::Aes192Cbc => cbc_run(key, iv, buf, Decryptor::<Aes192>::decrypt_block),
        Cipher::Aes256Cbc => cbc_run(key, iv, buf, Decryptor::<Aes256>::decrypt_block),
    }
}

/// The unpadded length if `buf` ends in valid PKCS#7 padding. The check reads the whole last
/// block with no data-dependent branch; only its final verdict is branched on.
fn unpad(buf: &[u8]) -> Option<usize> {
    if buf.len() < BLOCK || buf.len() % BLOCK != 0 {
        return None;
    }
    let last_block = &buf[buf.len() - BLOCK..];
    let pad = last_block[BLOCK - 1];
    let mut good: Choice = !pad.ct_eq(&0) & !pad.ct_gt(&(BLOCK as u8));
    for (i, &byte) in last_block.iter().enumerate() {
        let from_end = (BLOCK - i) as u8; // 16 ..= 1
        let in_padding = !from_end.ct_gt(&pad);
        good &= !in_padding | byte.ct_eq(&pad);
    }
    bool::from(good).then(|| buf.len() - usize::from(pad))
}

/// A DER INTEGER's contents for a non-negative value (minimal, with a 0x00 before a high bit).
fn int_bytes(value: u64) -> Vec<u8> {
    let be = value.to_be_bytes();
    let skip = be.iter().take_while(|&&b| b == 0).count().min(7);
    let mut out = Vec::with_capacity(9);
    if be[skip] & 0x80 != 0 {
        out.push(0);
    }
    out.extend_from_slice(&be[skip..]);
    out
}

/// Reads a non-negative DER INTEGER of at most 64 bits, strictly (minimal encoding).
fn read_uint(r: &mut Reader<'_>, what: &str) -> Result<u64> {
    let c = r.read(der::INTEGER, what)?;
    let bad = |why: &str| Err(Error::Encoding(format!("{what}: {why}")));
    match c {
        [] => bad("empty INTEGER"),
        [first, ..] if first & 0x80 != 0 => bad("negative INTEGER; expected a positive count"),
        [0, second, ..] if second & 0x80 == 0 => bad("non-minimal INTEGER encoding"),
        _ => {
            let digits = if c[0] == 0 && c.len() > 1 { &c[1..] } else { c };
            if digits.len() > 8 {
                return bad("INTEGER too large");
            }
            Ok(digits
                .iter()
                .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
        }
    }
}

/// Reads an AlgorithmIdentifier: the OID contents and a reader over its parameters.
fn read_algorithm<'a>(r: &mut Reader<'a>, what: &str) -> Result<(&'a [u8], Reader<'a>)> {
    der::read_algorithm_identifier(r, what, what)
}

fn unsupported(what: &str, oid: &[u8]) -> Error {
    let dotted = der::oid_to_string(oid).unwrap_or_else(|_| "(malformed)".into());
    Error::UnsupportedAlgorithm(format!(
        "encrypted private key: {what} {dotted} is not supported"
    ))
}

/// Checks that a keyLength field, when present, matches the cipher.
fn check_key_length(r: &mut Reader<'_>, cipher: Cipher, what: &str) -> Result<()> {
    if r.peek_tag() == Some(der::INTEGER) {
        let len = read_uint(r, what)?;
        if len != cipher.key_len() as u64 {
            return Err(Error::Encoding(format!(
                "{what} is {len} bytes but {} needs a {}-byte key",
                cipher.name(),
                cipher.key_len()
            )));
        }
    }
    Ok(())
}

fn read_salt<'a>(r: &mut Reader<'a>, what: &str) -> Result<&'a [u8]> {
    let salt = r.read(der::OCTET_STRING, what)?;
    if salt.len() > MAX_SALT_LEN {
        return Err(Error::Encoding(format!(
            "{what} is {} bytes; expected at most {MAX_SALT_LEN}",
            salt.len()
        )));
    }
    Ok(salt)
}

/// Parses the envelope (no decryption, no KDF).
fn read_envelope(data: &[u8]) -> Result<Envelope<'_>> {
    let mut outer = Reader::new(data);
    let body = outer.read(der::SEQUENCE, "EncryptedPrivateKeyInfo")?;
    outer.finish("EncryptedPrivateKeyInfo")?;
    let mut epki = Reader::new(body);
    let (scheme, mut pbes2) =
        read_algorithm(&mut epki, "EncryptedPrivateKeyInfo encryptionAlgorithm")?;
    if scheme != OID_PBES2 {
        return Err(unsupported("encryption scheme (only PBES2 is)", scheme));
    }
    let ciphertext = epki.read(der::OCTET_STRING, "EncryptedPrivateKeyInfo encryptedData")?;
    epki.finish("EncryptedPrivateKeyInfo")?;

    let params_body = pbes2.read(der::SEQUENCE, "PBES2-params")?;
    pbes2.finish("PBES2 AlgorithmIdentifier")?;
    let mut params = Reader::new(params_body);
    let (kdf_oid, mut kdf_r) = read_algorithm(&mut params, "PBES2 keyDerivationFunc")?;
    let (cipher_oid, mut cipher_r) = read_algorithm(&mut params, "PBES2 encryptionScheme")?;
    params.finish("PBES2-params")?;

    let cipher = Cipher::ALL
        .into_iter()
        .find(|c| c.oid() == cipher_oid)
        .ok_or_else(|| unsupported("cipher", cipher_oid))?;
    let iv_bytes = cipher_r.read(der::OCTET_STRING, "PBES2 encryptionScheme IV")?;
    cipher_r.finish("PBES2 encryptionScheme")?;
    let iv: &[u8; BLOCK] = iv_bytes.try_into().map_err(|_| {
        Error::Encoding(format!(
            "PBES2 encryptionScheme IV is {} bytes; {} needs 16",
            iv_bytes.len(),
            cipher.name()
        ))
    })?;

    let kdf_body = kdf_r.read(der::SEQUENCE, "PBES2 keyDerivationFunc parameters")?;
    kdf_r.finish("PBES2 keyDerivationFunc")?;
    let mut k = Reader::new(kdf_body);
    let (kdf, salt) = if kdf_oid == OID_PBKDF2 {
        let salt = read_salt(&mut k, "PBKDF2-params salt")?;
        let count = read_uint(&mut k, "PBKDF2-params iterationCount")?;
        check_key_length(&mut k, cipher, "PBKDF2-params keyLength")?;
        let prf = if k.peek_tag() == Some(der::SEQUENCE) {
            let (prf_oid, mut prf_r) = read_algorithm(&mut k, "PBKDF2-params prf")?;
            if prf_r.peek_tag() == Some(NULL) {
                let null = prf_r.read(NULL, "PBKDF2-params prf parameters")?;
                if !null.is_empty() {
                    return Err(Error::Encoding(
                        "PBKDF2-params prf parameters: NULL must be empty".into(),
                    ));
                }
            }
            prf_r.finish("PBKDF2-params prf")?;
            Prf::ALL
                .into_iter()
                .find(|p| p.oid() == prf_oid)
                .ok_or_else(|| unsupported("PBKDF2 PRF", prf_oid))?
        } else {
            Prf::HmacSha1
        };
        k.finish("PBKDF2-params")?;
        if count == 0 {
            return Err(Error::Encoding(
                "PBKDF2-params iterationCount is 0; expected at least 1".into(),
            ));
        }
        // Counts beyond u32 are far above any bound: clamp so check_cost names them.
        let iterations = u32::try_from(count).unwrap_or(u32::MAX);
        (Kdf::Pbkdf2 { prf, iterations }, salt)
    } else if kdf_oid == OID_SCRYPT {
        let salt = read_salt(&mut k, "scrypt-params salt")?;
        let n = read_uint(&mut k, "scrypt-params costParameter")?;
        let r = read_uint(&mut k, "scrypt-params blockSize")?;
        let p = read_uint(&mut k, "scrypt-params parallelizationParameter")?;
        check_key_length(&mut k, cipher, "scrypt-params keyLength")?;
        k.finish("scrypt-params")?;
        if n < 2 || !n.is_power_of_two() {
            return Err(Error::Encoding(format!(
                "scrypt-params costParameter N = {n}; expected a power of two >= 2"
            )));
        }
        let (Ok(r), Ok(p)) = (u32::try_from(r), u32::try_from(p)) else {
            return Err(Error::Encoding(format!(
                "scrypt-params r = {r}, p = {p}: out of range"
            )));
        };
        if r == 0 || p == 0 {
            return Err(Error::Encoding(format!(
                "scrypt-params r = {r}, p = {p}; expected both at least 1"
            )));
        }
        (
            Kdf::Scrypt {
                log_n: n.trailing_zeros() as u8,
                r,
                p,
            },
            salt,
        )
    } else {
        return Err(unsupported("key-derivation function", kdf_oid));
    };
    if ciphertext.is_empty() || ciphertext.len() % BLOCK != 0 {
        return Err(Error::Encoding(format!(
            "EncryptedPrivateKeyInfo encryptedData is {} bytes; expected a positive multiple of 16",
            ciphertext.len()
        )));
    }
    Ok(Envelope {
        params: EncryptionParams { kdf, cipher },
        salt,
        iv,
        ciphertext,
    })
}

#[cfg(test)]
mod tests {

    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn scrypt_bound_admits_the_256_mib_setting_and_refuses_above() {
        let limits = DecryptionLimits::default();
        let scrypt = |log_n, r, p| super::check_cost(&Kdf::Scrypt { log_n, r, p }, &limits);
        // N = 2^18, r = 8 is a 256 MiB table; its 128·r·p blocks pushed it over a 256 MiB bound.
        assert!(scrypt(18, 8, 1).is_ok());
        assert!(scrypt(18, 8, 1024).is_err()); // work 2^31
        assert!(scrypt(19, 8, 1).is_err()); // a 512 MiB table
        assert!(scrypt(17, 8, 4).is_ok());
        assert!(scrypt(17, 8, 5).is_err()); // work above 2^22
    }

    const PLAIN: &[u8] = b"0123456789abcdef0123456789";

    fn fast(kdf: Kdf, cipher: Cipher) -> EncryptionParams {
        EncryptionParams { kdf, cipher }
    }

    fn ok(d: &[u8]) -> Result<Vec<u8>> {
        Ok(d.to_vec())
    }

    /// A parser that accepts only the plaintext (a wrong password can still unpad, 1 in 256).
    fn exact(d: &[u8]) -> Result<Vec<u8>> {
        if d == PLAIN {
            Ok(d.to_vec())
        } else {
            Err(Error::Encoding("not the plaintext".into()))
        }
    }

    #[test]
    fn round_trips_every_kdf_and_cipher() {
        let limits = DecryptionLimits::default();
        for cipher in Cipher::ALL {
            for prf in Prf::ALL {
                let p = fast(Kdf::Pbkdf2 { prf, iterations: 3 }, cipher);
                let der = encrypt_der(PLAIN, b"pw", &p).unwrap();
                assert_eq!(describe(&der, false).unwrap(), p.to_string());
                assert_eq!(decrypt_der(&der, b"pw", &limits, ok).unwrap(), PLAIN);
                assert_eq!(
                    decrypt_der(&der, b"px", &limits, exact),
                    Err(Error::DecryptionFailed)
                );
            }
            let p = fast(
                Kdf::Scrypt {
                    log_n: 4,
                    r: 8,
                    p: 1,
                },
                cipher,
            );
            let pem = encrypt_pem(PLAIN, b"", &p).unwrap();
            assert!(is_encrypted_pem(pem.as_bytes()));
            assert_eq!(
                decrypt_pem(pem.as_bytes(), b"", &limits, ok).unwrap(),
                PLAIN
            );
        }
    }

    #[test]
    fn padding_check() {
        let mut b = [7u8; 32];
        assert_eq!(unpad(&b), Some(25));
        b[31] = 16;
        assert_eq!(unpad(&b), None);
        b[16..].fill(16);
        assert_eq!(unpad(&b), Some(16));
        b[31] = 0;
        assert_eq!(unpad(&b), None);
        b[31] = 17;
        assert_eq!(unpad(&b), None);
        b[31] = 1;
        assert_eq!(unpad(&b), Some(31));
        assert_eq!(unpad(&b[..15]), None);
    }

    #[test]
    fn cost_bounds_refuse_before_work() {
        let limits = DecryptionLimits::default();
        let p = fast(
            Kdf::Pbkdf2 {
                prf: Prf::HmacSha256,
                iterations: 1,
            },
            Cipher::Aes256Cbc,
        );
        let der = encrypt_der(PLAIN, b"pw", &p).unwrap();
        let tight = DecryptionLimits {
            max_pbkdf2_iterations: 0,
            ..limits
        };
        let err = decrypt_der(&der, b"pw", &tight, ok).unwrap_err();
        assert!(err.to_string().contains("above the bound of 0"), "{err}");
        let s = fast(
            Kdf::Scrypt {
                log_n: 20,
                r: 8,
                p: 1,
            },
            Cipher::Aes256Cbc,
        );
        assert!(check_cost(&s.kdf, &limits)
            .unwrap_err()
            .to_string()
            .contains("bytes of memory"));
        let s = fast(
            Kdf::Scrypt {
                log_n: 10,
                r: 1,
                p: 1 << 20,
            },
            Cipher::Aes256Cbc,
        );
        assert!(check_cost(&s.kdf, &limits)
            .unwrap_err()
            .to_string()
            .contains("work"));
    }

    #[test]
    fn integers() {
        for v in [1u64, 127, 128, 255, 256, 600_000, u64::MAX] {
            let c = int_bytes(v);
            let mut der = vec![der::INTEGER, c.len() as u8];
            der.extend_from_slice(&c);
            assert_eq!(read_uint(&mut Reader::new(&der), "x").unwrap(), v);
        }
        assert!(read_uint(&mut Reader::new(&[2, 2, 0, 1]), "x").is_err());
        assert!(read_uint(&mut Reader::new(&[2, 1, 0x80]), "x").is_err());
    }
}
