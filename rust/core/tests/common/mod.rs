//! Helpers shared by the integration tests (each test binary compiles this module; not every
//! binary uses every helper, hence the `dead_code` allowance).
#![allow(dead_code)]

use std::path::PathBuf;

use pqpay_core::Error;

/// The `shared/vectors` folder: `PQPAY_SHARED_VECTORS` (set by the Makefile and CI), else
/// `PQPAY_SHARED_DIR/vectors`, else `../shared/vectors` beside the work tree.
pub fn shared_vectors() -> PathBuf {
    if let Some(dir) = std::env::var_os("PQPAY_SHARED_VECTORS") {
        return PathBuf::from(dir);
    }
    std::env::var_os("PQPAY_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
        .join("vectors")
}

/// Standard base64 (padding optional) of test data; panics on anything else.
pub fn b64(s: &str) -> Vec<u8> {
    use base64ct::Encoding;
    base64ct::Base64Unpadded::decode_vec(s.trim_end_matches('=')).expect("base64 test data")
}

/// DER TLV with a definite minimal length.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(content);
    out
}

pub fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// An AlgorithmIdentifier: the OID and, if given, its parameters.
pub fn alg_id(oid: &[u8], params: Option<&[u8]>) -> Vec<u8> {
    tlv(0x30, &cat(&[&tlv(0x06, oid), params.unwrap_or_default()]))
}

/// A PKCS#8 PrivateKeyInfo / OneAsymmetricKey: version, AlgorithmIdentifier, the privateKey
/// contents, and the optional attributes [0] and publicKey [1].
pub fn pkcs8_with(
    version: u8,
    algorithm: &[u8],
    private_key: &[u8],
    attributes: Option<&[u8]>,
    public_key: Option<&[u8]>,
) -> Vec<u8> {
    let attrs = attributes.map(|a| tlv(0xA0, a)).unwrap_or_default();
    let pk = public_key
        .map(|p| tlv(0x81, &cat(&[&[0], p])))
        .unwrap_or_default();
    tlv(
        0x30,
        &cat(&[
            &tlv(0x02, &[version]),
            algorithm,
            &tlv(0x04, private_key),
            &attrs,
            &pk,
        ]),
    )
}

/// [`pkcs8_with`] without attributes.
pub fn pkcs8(
    version: u8,
    algorithm: &[u8],
    private_key: &[u8],
    public_key: Option<&[u8]>,
) -> Vec<u8> {
    pkcs8_with(version, algorithm, private_key, None, public_key)
}

/// A SubjectPublicKeyInfo: AlgorithmIdentifier and the key as a BIT STRING.
pub fn spki(algorithm: &[u8], key: &[u8]) -> Vec<u8> {
    tlv(0x30, &cat(&[algorithm, &tlv(0x03, &cat(&[&[0], key]))]))
}

/// The error of a result that must have failed.
pub fn err_of<T>(r: Result<T, Error>) -> Error {
    match r {
        Err(e) => e,
        Ok(_) => panic!("expected an error, got Ok"),
    }
}

/// Fails unless `r` is an [`Error::Encoding`] whose message contains `needle`.
pub fn expect_encoding_err<T>(r: Result<T, Error>, needle: &str) {
    match err_of(r) {
        Error::Encoding(m) => assert!(
            m.contains(needle),
            "message {m:?} does not mention {needle:?}"
        ),
        other => panic!("expected Error::Encoding mentioning {needle:?}, got {other:?}"),
    }
}

/// The cryptography_vectors package folder, if installed (or `CRYPTOGRAPHY_VECTORS_DIR`).
pub fn cryptography_vectors_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CRYPTOGRAPHY_VECTORS_DIR") {
        return Some(PathBuf::from(dir));
    }
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import cryptography_vectors, os; print(os.path.dirname(cryptography_vectors.__file__))",
        ])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let dir = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    dir.is_dir().then_some(dir)
}
