//! Helpers shared by the integration tests (each test binary compiles this module; not every
//! binary uses every helper, hence the `dead_code` allowance).
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared/vectors` beside the checkout, or `PQPAY_SHARED_VECTORS`.
pub fn shared_vectors() -> PathBuf {
    std::env::var_os("PQPAY_SHARED_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors")
        })
}

/// Standard base64 (padding optional) of test data; panics on a non-alphabet character.
pub fn b64(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c).expect("base64 digit") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
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
