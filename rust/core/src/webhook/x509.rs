//! The parts of an X.509 certificate (RFC 5280 §4.1) that signature verification needs.
//!
//! ```text
//! Certificate  ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
//! TBSCertificate ::= SEQUENCE {
//!     version [0] EXPLICIT Version DEFAULT v1, serialNumber INTEGER, signature AlgorithmIdentifier,
//!     issuer Name, validity SEQUENCE { notBefore Time, notAfter Time }, subject Name,
//!     subjectPublicKeyInfo SEQUENCE, issuerUniqueID [1] OPTIONAL, subjectUniqueID [2] OPTIONAL,
//!     extensions [3] EXPLICIT OPTIONAL }
//! Time ::= CHOICE { utcTime "YYMMDDHHMMSSZ", generalTime "YYYYMMDDHHMMSSZ" }
//! ```

use core::fmt;

use aws_lc_rs::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256};

use crate::encoding::der::{self, Reader};
use crate::{Error, Result};

/// rsaEncryption, 1.2.840.113549.1.1.1.
const OID_RSA_ENCRYPTION: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
/// NULL, the parameters RFC 3279 §2.3.1 gives rsaEncryption.
const NULL: u8 = 0x05;
/// UTCTime.
const UTC_TIME: u8 = 0x17;
/// GeneralizedTime.
const GENERALIZED_TIME: u8 = 0x18;
/// `[1]` / `[2]` IMPLICIT unique identifiers and `[3]` EXPLICIT extensions.
const ISSUER_UNIQUE_ID: u8 = 0x81;
const SUBJECT_UNIQUE_ID: u8 = 0x82;
const EXTENSIONS: u8 = 0xA3;
/// The RSA modulus sizes `RSA_PKCS1_2048_8192_SHA256` accepts.
const MIN_RSA_BITS: usize = 2048;
const MAX_RSA_BITS: usize = 8192;

/// An X.509 certificate's RSA public key and validity window.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaCertificate {
    /// PKCS#1 `RSAPublicKey` DER (the SubjectPublicKeyInfo BIT STRING contents).
    public_key: Vec<u8>,
    /// Modulus size in bits.
    key_bits: usize,
    /// notBefore, seconds since the Unix epoch (UTC).
    not_before: i64,
    /// notAfter, seconds since the Unix epoch (UTC).
    not_after: i64,
}

impl fmt::Debug for RsaCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaCertificate")
            .field("key_bits", &self.key_bits)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

impl RsaCertificate {
    /// Reads a DER certificate.
    pub fn from_der(data: &[u8]) -> Result<Self> {
        let mut outer = Reader::new(data);
        let cert = outer.read(der::SEQUENCE, "X.509 Certificate")?;
        outer.finish("the X.509 Certificate")?;
        let mut r = Reader::new(cert);
        let tbs = r.read(der::SEQUENCE, "X.509 tbsCertificate")?;
        r.read(der::SEQUENCE, "X.509 signatureAlgorithm")?;
        r.read(der::BIT_STRING, "X.509 signatureValue")?;
        r.finish("the X.509 signatureValue")?;
        read_tbs(tbs)
    }

    /// Reads a PEM certificate (RFC 7468 label `CERTIFICATE`); text around it is ignored, and
    /// only the first certificate is read.
    pub fn from_pem(data: &[u8]) -> Result<Self> {
        let der = pem_certificate(data)?;
        Self::from_der(&der)
    }

    /// Reads a PEM certificate when `data` contains `-----BEGIN`, else a DER one.
    pub fn from_bytes(data: &[u8]) -> Result<Self> {
        if data.windows(10).any(|w| w == b"-----BEGIN") {
            Self::from_pem(data)
        } else {
            Self::from_der(data)
        }
    }

    /// Modulus size in bits (2048 to 8192).
    pub fn key_bits(&self) -> usize {
        self.key_bits
    }

    /// notBefore in seconds since the Unix epoch.
    pub fn not_before(&self) -> i64 {
        self.not_before
    }

    /// notAfter in seconds since the Unix epoch.
    pub fn not_after(&self) -> i64 {
        self.not_after
    }

    /// The PKCS#1 `RSAPublicKey` DER.
    pub fn public_key_der(&self) -> &[u8] {
        &self.public_key
    }

    /// True when `unix_time` lies within notBefore..=notAfter (RFC 5280 §4.1.2.5: both ends
    /// inclusive).
    pub fn is_valid_at(&self, unix_time: i64) -> bool {
        self.not_before <= unix_time && unix_time <= self.not_after
    }

    /// Verifies an RSASSA-PKCS1-v1_5 signature with SHA-256 over `message`
    /// ([`Error::InvalidSignature`] on any mismatch, without detail).
    pub fn verify_pkcs1_sha256(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &self.public_key)
            .verify(message, signature)
            .map_err(|_| Error::InvalidSignature)
    }
}

/// Extracts the first `CERTIFICATE` block of a PEM text.
fn pem_certificate(data: &[u8]) -> Result<Vec<u8>> {
    const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
    const END: &[u8] = b"-----END CERTIFICATE-----";
    let start = find(data, BEGIN).ok_or_else(|| {
        Error::Encoding(
            "expected a PEM certificate: no \"-----BEGIN CERTIFICATE-----\" line found".into(),
        )
    })?;
    let body_start = start + BEGIN.len();
    let end = find(&data[body_start..], END)
        .map(|i| body_start + i + END.len())
        .ok_or_else(|| {
            Error::Encoding(
                "PEM certificate is truncated: no \"-----END CERTIFICATE-----\" line found".into(),
            )
        })?;
    let (label, der) = pem_rfc7468::decode_vec(&data[start..end]).map_err(|e| {
        Error::Encoding(format!(
            "expected a PEM \"CERTIFICATE\" document (RFC 7468): {e}"
        ))
    })?;
    if label != "CERTIFICATE" {
        return Err(Error::Encoding(format!(
            "PEM label is \"{label}\", expected \"CERTIFICATE\""
        )));
    }
    Ok(der)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads the TBSCertificate up to the SubjectPublicKeyInfo and checks what follows.
fn read_tbs(tbs: &[u8]) -> Result<RsaCertificate> {
    let mut r = Reader::new(tbs);
    if r.peek_tag() == Some(der::CONTEXT_0_CONSTRUCTED) {
        let version = r.read(der::CONTEXT_0_CONSTRUCTED, "X.509 version [0]")?;
        let mut v = Reader::new(version);
        let number = v.read(der::INTEGER, "X.509 version")?;
        v.finish("the X.509 version")?;
        if !matches!(number, [0] | [1] | [2]) {
            return Err(Error::Encoding(
                "X.509 version must be 0, 1 or 2 (v1, v2, v3)".into(),
            ));
        }
    }
    r.read(der::INTEGER, "X.509 serialNumber")?;
    r.read(der::SEQUENCE, "X.509 signature AlgorithmIdentifier")?;
    r.read(der::SEQUENCE, "X.509 issuer")?;
    let validity = r.read(der::SEQUENCE, "X.509 validity")?;
    r.read(der::SEQUENCE, "X.509 subject")?;
    let spki = r.read(der::SEQUENCE, "X.509 subjectPublicKeyInfo")?;
    for (tag, what) in [
        (ISSUER_UNIQUE_ID, "X.509 issuerUniqueID [1]"),
        (SUBJECT_UNIQUE_ID, "X.509 subjectUniqueID [2]"),
        (EXTENSIONS, "X.509 extensions [3]"),
    ] {
        if r.peek_tag() == Some(tag) {
            r.read(tag, what)?;
        }
    }
    r.finish("the X.509 tbsCertificate (subjectPublicKeyInfo and extensions)")?;

    let mut v = Reader::new(validity);
    let not_before = read_time(&mut v, "X.509 notBefore")?;
    let not_after = read_time(&mut v, "X.509 notAfter")?;
    v.finish("the X.509 validity")?;

    let (public_key, key_bits) = read_rsa_spki(spki)?;
    Ok(RsaCertificate {
        public_key,
        key_bits,
        not_before,
        not_after,
    })
}

/// Reads an `rsaEncryption` SubjectPublicKeyInfo: returns the RSAPublicKey DER and its size.
fn read_rsa_spki(spki: &[u8]) -> Result<(Vec<u8>, usize)> {
    let mut r = Reader::new(spki);
    let alg_id = r.read(der::SEQUENCE, "SubjectPublicKeyInfo algorithm")?;
    let key = r.read(der::BIT_STRING, "SubjectPublicKeyInfo subjectPublicKey")?;
    r.finish("the SubjectPublicKeyInfo subjectPublicKey")?;

    let mut a = Reader::new(alg_id);
    let oid = a.read(der::OID, "SubjectPublicKeyInfo algorithm OID")?;
    if oid != OID_RSA_ENCRYPTION {
        return Err(Error::UnsupportedAlgorithm(format!(
            "certificate key algorithm is OID {}; expected rsaEncryption (1.2.840.113549.1.1.1)",
            der::oid_to_string(oid)?
        )));
    }
    if a.peek_tag() == Some(NULL) {
        let params = a.read(NULL, "rsaEncryption parameters")?;
        if !params.is_empty() {
            return Err(Error::Encoding(
                "rsaEncryption parameters: NULL must be empty".into(),
            ));
        }
    }
    a.finish("the rsaEncryption parameters (NULL or absent)")?;

    let rsa_key = match key.split_first() {
        Some((0, bytes)) => bytes,
        Some((unused, _)) => {
            return Err(Error::Encoding(format!(
                "SubjectPublicKeyInfo: BIT STRING has {unused} unused bits; expected 0"
            )))
        }
        None => {
            return Err(Error::Encoding(
                "SubjectPublicKeyInfo: BIT STRING is empty; expected an RSAPublicKey".into(),
            ))
        }
    };

    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
    let mut outer = Reader::new(rsa_key);
    let body = outer.read(der::SEQUENCE, "RSAPublicKey")?;
    outer.finish("the RSAPublicKey")?;
    let mut k = Reader::new(body);
    let modulus = k.read(der::INTEGER, "RSAPublicKey modulus")?;
    k.read(der::INTEGER, "RSAPublicKey publicExponent")?;
    k.finish("the RSAPublicKey publicExponent")?;
    let bits = integer_bits(modulus);
    if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
        return Err(Error::InvalidKey(format!(
            "certificate RSA modulus is {bits} bits; expected {MIN_RSA_BITS} to {MAX_RSA_BITS}"
        )));
    }
    Ok((rsa_key.to_vec(), bits))
}

/// Bit length of a non-negative DER INTEGER's contents (0 for a negative or empty one).
fn integer_bits(content: &[u8]) -> usize {
    if content.first().is_some_and(|&b| b & 0x80 != 0) {
        return 0;
    }
    let digits = match content.iter().position(|&b| b != 0) {
        Some(i) => &content[i..],
        None => return 0,
    };
    (digits.len() - 1) * 8 + (8 - digits[0].leading_zeros() as usize)
}

/// Reads a `Time` and converts it to seconds since the Unix epoch.
fn read_time(r: &mut Reader<'_>, what: &str) -> Result<i64> {
    let (content, year) = match r.peek_tag() {
        Some(UTC_TIME) => {
            let c = r.read(UTC_TIME, what)?;
            let yy = parse_time_digits(c, 13, what, "UTCTime YYMMDDHHMMSSZ")?;
            // RFC 5280 §4.1.2.5.1: YY >= 50 is 19YY, otherwise 20YY.
            (&c[2..], if yy >= 50 { 1900 + yy } else { 2000 + yy })
        }
        Some(GENERALIZED_TIME) => {
            let c = r.read(GENERALIZED_TIME, what)?;
            let year = parse_time_digits(c, 15, what, "GeneralizedTime YYYYMMDDHHMMSSZ")?;
            (&c[4..], year)
        }
        Some(tag) => {
            return Err(Error::Encoding(format!(
                "{what}: expected UTCTime (tag 0x17) or GeneralizedTime (tag 0x18), found {}",
                der::tag_name(tag)
            )))
        }
        None => {
            return Err(Error::Encoding(format!(
                "{what}: expected a time, but the input ended"
            )))
        }
    };
    // content is now "MMDDHHMMSSZ".
    let field = |i: usize| i64::from(content[i] - b'0') * 10 + i64::from(content[i + 1] - b'0');
    let (month, day, hour, minute, second) = (field(0), field(2), field(4), field(6), field(8));
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    if !(1..=days_in_month).contains(&day) || hour > 23 || minute > 59 || second > 59 {
        return Err(Error::Encoding(format!(
            "{what}: {year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02} is not a valid UTC date and time"
        )));
    }
    Ok(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// Checks that `c` is `len` bytes of digits ending in `Z` and returns its leading year digits
/// (two for UTCTime, four for GeneralizedTime).
fn parse_time_digits(c: &[u8], len: usize, what: &str, form: &str) -> Result<i64> {
    let ok = c.len() == len && c[len - 1] == b'Z' && c[..len - 1].iter().all(u8::is_ascii_digit);
    if !ok {
        return Err(Error::Encoding(format!(
            "{what}: expected {form} ({len} characters, UTC with seconds)"
        )));
    }
    let year_digits = len - 11;
    Ok(c[..year_digits]
        .iter()
        .fold(0i64, |acc, &d| acc * 10 + i64::from(d - b'0')))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_match_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2049, 12, 31), 29_219);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
    }

    #[test]
    fn integer_bits_counts_from_the_top_bit() {
        assert_eq!(integer_bits(&[0x00, 0x80]), 8);
        assert_eq!(integer_bits(&[0x01, 0x00]), 9);
        assert_eq!(integer_bits(&[0x80]), 0);
        assert_eq!(integer_bits(&[]), 0);
    }
}
