//! RFC 7468 PEM, written once for every document this crate reads or writes (`PRIVATE KEY`,
//! `PUBLIC KEY`, `ENCRYPTED PRIVATE KEY`).

use zeroize::Zeroizing;

use crate::{Error, Result};

/// PEM label of a PKCS#8 private key.
pub const PRIVATE_KEY_PEM_LABEL: &str = "PRIVATE KEY";
/// PEM label of a SubjectPublicKeyInfo.
pub const PUBLIC_KEY_PEM_LABEL: &str = "PUBLIC KEY";
/// PEM label of an `EncryptedPrivateKeyInfo`.
pub const ENCRYPTED_PRIVATE_KEY_PEM_LABEL: &str = "ENCRYPTED PRIVATE KEY";

/// RFC 7468 PEM with LF line endings and 64-column lines, in a buffer wiped on drop.
pub(crate) fn encode(label: &str, der: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let err = |e: pem_rfc7468::Error| Error::Encoding(format!("PEM encoding failed: {e}"));
    let le = pem_rfc7468::LineEnding::LF;
    let len = pem_rfc7468::encoded_len(label, le, der).map_err(err)?;
    let mut buf = Zeroizing::new(vec![0u8; len]);
    let written = pem_rfc7468::encode(label, le, der, &mut buf)
        .map_err(err)?
        .len();
    buf.truncate(written);
    Ok(buf)
}

/// [`encode`] for a document that holds no secret, as text.
pub(crate) fn encode_public(label: &str, der: &[u8]) -> Result<String> {
    let pem = encode(label, der)?;
    String::from_utf8(pem.to_vec())
        .map_err(|_| Error::Encoding("PEM encoder produced non-ASCII output".into()))
}

/// Decodes RFC 7468 PEM whose label must be `expected`, into a buffer wiped on drop.
///
/// As pyca/cryptography (OpenSSL) reads PEM: explanatory text before the BEGIN line is skipped
/// (RFC 7468 §2 permits it) and whitespace after the END line (a trailing newline added by an
/// editor, CRLF) is ignored. Anything else after the END line is refused: one document per call.
pub(crate) fn decode(data: &[u8], expected: &str) -> Result<Zeroizing<Vec<u8>>> {
    let data = data.trim_ascii_end();
    let err = |e: pem_rfc7468::Error| match e {
        // The crate reports a missing BEGIN line as a bad preamble.
        pem_rfc7468::Error::Preamble if !data.contains(&0) => Error::Encoding(format!(
            "expected a PEM document: no \"-----BEGIN {expected}-----\" line found"
        )),
        e => Error::Encoding(format!(
            "expected a PEM \"{expected}\" document (RFC 7468): {e}"
        )),
    };
    let label = pem_rfc7468::decode_label(data).map_err(err)?;
    if label != expected {
        let hint = if label == ENCRYPTED_PRIVATE_KEY_PEM_LABEL {
            " (an encrypted private key: load it with a password)"
        } else {
            ""
        };
        return Err(Error::Encoding(format!(
            "PEM label is \"{label}\", expected \"{expected}\"{hint}"
        )));
    }
    let mut decoder = pem_rfc7468::Decoder::new_detect_wrap(data).map_err(err)?;
    // Sized by the (outside) input: fallible, so a huge document is a MemoryError, not an abort.
    let mut buf = Zeroizing::new(crate::error::try_vec(
        "a PEM document",
        decoder.remaining_len(),
    )?);
    buf.resize(decoder.remaining_len(), 0);
    let len = decoder.decode(&mut buf).map_err(err)?.len();
    if !decoder.is_finished() {
        return Err(Error::Encoding(format!(
            "expected a PEM \"{expected}\" document: undecoded base64 remains"
        )));
    }
    buf.truncate(len);
    Ok(buf)
}

/// True when `data` is a PEM document labelled `label`; says nothing about its validity.
pub(crate) fn has_label(data: &[u8], label: &str) -> bool {
    pem_rfc7468::decode_label(data).is_ok_and(|l| l == label)
}
