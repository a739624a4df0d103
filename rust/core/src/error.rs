//! One error enum for the whole core; the binding crate maps it to Python exceptions in one place.

use core::fmt;

/// Every failure the core can report. Messages state what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// An input had the wrong length (`what` is e.g. "ML-KEM-768 ciphertext").
    InvalidLength {
        /// What the input is.
        what: &'static str,
        /// The accepted length(s), as text ("1088" or "32 or 64").
        expected: &'static str,
        /// The length received.
        got: usize,
    },
    /// A key failed validation (FIPS 203 key checks, low-order points, bad scalars, ...).
    InvalidKey(String),
    /// A ciphertext or encapsulation failed a structural check (not implicit rejection).
    InvalidCiphertext(String),
    /// DER/PEM or another encoding was malformed.
    Encoding(String),
    /// The algorithm, OID or identifier is not supported.
    UnsupportedAlgorithm(String),
    /// AEAD authentication failed. Deliberately carries no detail.
    InvalidTag,
    /// A signature did not verify. Deliberately carries no detail.
    InvalidSignature,
    /// An encrypted private key did not decrypt: a wrong password or damaged ciphertext
    /// (one error for both, so there is no padding oracle). Carries no detail.
    DecryptionFailed,
    /// A proof (Merkle inclusion/consistency, Groth16) did not verify. Deliberately carries no
    /// detail.
    InvalidProof,
    /// An HPKE context reached its message limit (sequence number overflow).
    MessageLimitReached,
    /// A caller argument was out of range (e.g. an export length too large).
    InvalidArgument(String),
    /// The operating system's random generator failed.
    Random(String),
    /// A power-on self-test failed; names the test.
    SelfTestFailed(String),
    /// A buffer for the input's size could not be allocated (an address-space limit, memory
    /// pressure): reported as Python's `MemoryError` instead of aborting the process.
    OutOfMemory {
        /// What the buffer was for.
        what: &'static str,
        /// The size asked for.
        bytes: usize,
    },
    /// A bug: an invariant broke inside pqpay (reported, never a crash).
    Internal(String),
}

/// Result alias used throughout the core.
pub type Result<T> = core::result::Result<T, Error>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidLength {
                what,
                expected,
                got,
            } => write!(f, "{what} must be {expected} bytes long, got {got}"),
            Error::InvalidKey(m) => write!(f, "invalid key: {m}"),
            Error::InvalidCiphertext(m) => write!(f, "invalid ciphertext: {m}"),
            Error::Encoding(m) => write!(f, "malformed encoding: {m}"),
            Error::UnsupportedAlgorithm(m) => write!(f, "unsupported algorithm: {m}"),
            Error::InvalidTag => write!(f, "authentication failed"),
            Error::InvalidSignature => write!(f, "signature verification failed"),
            Error::InvalidProof => write!(f, "proof verification failed"),
            Error::DecryptionFailed => write!(
                f,
                "could not decrypt the private key: wrong password, or the encrypted key is damaged"
            ),
            Error::MessageLimitReached => write!(f, "HPKE message limit reached"),
            Error::InvalidArgument(m) => write!(f, "{m}"),
            Error::Random(m) => write!(f, "random generator failed: {m}"),
            Error::SelfTestFailed(m) => write!(f, "self-test failed: {m}"),
            Error::OutOfMemory { what, bytes } => {
                write!(
                    f,
                    "out of memory: could not allocate {bytes} bytes for {what}"
                )
            }
            Error::Internal(m) => write!(f, "internal error (please report): {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// An empty vector with room for `n` items, or [`Error::OutOfMemory`]: for buffers whose size
/// follows the input (a plaintext, a batch), where an infallible allocation would abort.
pub(crate) fn try_vec<T>(what: &'static str, n: usize) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| Error::OutOfMemory {
        what,
        bytes: n.saturating_mul(core::mem::size_of::<T>()),
    })?;
    Ok(v)
}

/// Checks that the output buffer `out` has exactly `N` bytes, returning it as an array
/// reference (the `_into` forms that write into caller-allocated slots).
pub(crate) fn expect_len_mut<'a, const N: usize>(
    what: &'static str,
    expected: &'static str,
    out: &'a mut [u8],
) -> Result<&'a mut [u8; N]> {
    let got = out.len();
    out.try_into().map_err(|_| Error::InvalidLength {
        what,
        expected,
        got,
    })
}

/// Checks that `data` has exactly `len` bytes, returning it as an array reference.
pub(crate) fn expect_len<'a, const N: usize>(
    what: &'static str,
    expected: &'static str,
    data: &'a [u8],
) -> Result<&'a [u8; N]> {
    data.try_into().map_err(|_| Error::InvalidLength {
        what,
        expected,
        got: data.len(),
    })
}
