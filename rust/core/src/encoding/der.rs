//! A small, strict DER reader and writer for exactly the structures this module handles.
//!
//! The reader accepts only single-byte tags and minimal definite lengths (at most four length
//! bytes), checks every length against the bytes that remain, and reports what it expected.
//! The writer computes every length first and writes into a buffer of exactly the right
//! capacity, so secret bytes are never left behind in a reallocated buffer.

use zeroize::Zeroizing;

use crate::{Error, Result};

/// INTEGER.
pub(crate) const INTEGER: u8 = 0x02;
/// BIT STRING (primitive).
pub(crate) const BIT_STRING: u8 = 0x03;
/// OCTET STRING (primitive).
pub(crate) const OCTET_STRING: u8 = 0x04;
/// OBJECT IDENTIFIER.
pub(crate) const OID: u8 = 0x06;
/// SEQUENCE (constructed).
pub(crate) const SEQUENCE: u8 = 0x30;
/// `[0]` IMPLICIT, primitive (the ML-KEM `seed` choice).
pub(crate) const CONTEXT_0_PRIMITIVE: u8 = 0x80;
/// `[0]` IMPLICIT, constructed (PKCS#8 `attributes`, a SET OF).
pub(crate) const CONTEXT_0_CONSTRUCTED: u8 = 0xA0;
/// `[1]` IMPLICIT, primitive (PKCS#8 v2 `publicKey`, a BIT STRING).
pub(crate) const CONTEXT_1_PRIMITIVE: u8 = 0x81;

/// Largest length this reader accepts: four length bytes.
const MAX_LENGTH_BYTES: usize = 4;

/// A human-readable name for a one-byte tag, for error messages.
pub(crate) fn tag_name(tag: u8) -> String {
    let universal = match tag {
        0x01 => Some("BOOLEAN"),
        0x02 => Some("INTEGER"),
        0x03 => Some("BIT STRING"),
        0x04 => Some("OCTET STRING"),
        0x05 => Some("NULL"),
        0x06 => Some("OBJECT IDENTIFIER"),
        0x0C => Some("UTF8String"),
        0x23 => Some("constructed BIT STRING"),
        0x24 => Some("constructed OCTET STRING"),
        0x30 => Some("SEQUENCE"),
        0x31 => Some("SET"),
        _ => None,
    };
    if let Some(name) = universal {
        return format!("{name} (tag 0x{tag:02x})");
    }
    let class = match tag >> 6 {
        0 => "universal",
        1 => "application",
        2 => "context-specific",
        _ => "private",
    };
    let form = if tag & 0x20 != 0 {
        "constructed"
    } else {
        "primitive"
    };
    if tag & 0x1F == 0x1F {
        return format!("a multi-byte {class} tag (first byte 0x{tag:02x})");
    }
    format!("{class} [{}] {form} (tag 0x{tag:02x})", tag & 0x1F)
}

/// A cursor over DER input; every read checks tags and lengths.
pub(crate) struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Starts reading `data`.
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Reader { data }
    }

    /// The tag of the next element, if any bytes remain.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.data.first().copied()
    }

    /// Reads one element that must carry `tag`, returning its contents.
    ///
    /// `what` names the element in error messages ("PKCS#8 privateKey").
    pub(crate) fn read(&mut self, tag: u8, what: &str) -> Result<&'a [u8]> {
        let Some((&found, rest)) = self.data.split_first() else {
            return Err(Error::Encoding(format!(
                "{what}: expected {}, but the input ended",
                tag_name(tag)
            )));
        };
        if found != tag {
            return Err(Error::Encoding(format!(
                "{what}: expected {}, found {}",
                tag_name(tag),
                tag_name(found)
            )));
        }
        let (len, rest) = read_length(rest, what)?;
        if len > rest.len() {
            return Err(Error::Encoding(format!(
                "{what}: truncated: the length says {len} content bytes but only {} remain",
                rest.len()
            )));
        }
        let (content, rest) = rest.split_at(len);
        self.data = rest;
        Ok(content)
    }

    /// Fails unless every byte has been consumed; `what` names the enclosing structure.
    pub(crate) fn finish(&self, what: &str) -> Result<()> {
        match self.data.first() {
            None => Ok(()),
            Some(&tag) => Err(Error::Encoding(format!(
                "{} unexpected trailing byte(s) after {what} (next is {}); expected nothing more",
                self.data.len(),
                tag_name(tag)
            ))),
        }
    }
}

/// Parses a DER length; returns it and the bytes after it.
fn read_length<'a>(data: &'a [u8], what: &str) -> Result<(usize, &'a [u8])> {
    let Some((&first, rest)) = data.split_first() else {
        return Err(Error::Encoding(format!(
            "{what}: truncated: expected a length byte, but the input ended"
        )));
    };
    if first < 0x80 {
        return Ok((usize::from(first), rest));
    }
    let count = usize::from(first & 0x7F);
    if count == 0 {
        return Err(Error::Encoding(format!(
            "{what}: indefinite length (0x80) is BER, not DER; expected a definite length"
        )));
    }
    if count > MAX_LENGTH_BYTES {
        return Err(Error::Encoding(format!(
            "{what}: a length of {count} length bytes is too large; expected at most {MAX_LENGTH_BYTES}"
        )));
    }
    if count > rest.len() {
        return Err(Error::Encoding(format!(
            "{what}: truncated: expected {count} length bytes, but only {} remain",
            rest.len()
        )));
    }
    let (bytes, rest) = rest.split_at(count);
    if bytes.first() == Some(&0) {
        return Err(Error::Encoding(format!(
            "{what}: non-minimal length encoding (leading zero length byte); DER requires the shortest form"
        )));
    }
    let value = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    if value < 0x80 {
        return Err(Error::Encoding(format!(
            "{what}: non-minimal length encoding (long form for {value}); DER requires the short form"
        )));
    }
    let value = usize::try_from(value)
        .map_err(|_| Error::Encoding(format!("{what}: length {value} does not fit in memory")))?;
    Ok((value, rest))
}

/// Checks an OBJECT IDENTIFIER's contents and formats it in dotted-decimal notation.
pub(crate) fn oid_to_string(content: &[u8]) -> Result<String> {
    if content.is_empty() {
        return Err(Error::Encoding(
            "algorithm OBJECT IDENTIFIER is empty; expected at least one sub-identifier".into(),
        ));
    }
    if content.last().is_some_and(|&b| b & 0x80 != 0) {
        return Err(Error::Encoding(
            "algorithm OBJECT IDENTIFIER is truncated: its last byte has the continuation bit set"
                .into(),
        ));
    }
    let mut arcs: Vec<String> = Vec::new();
    let mut value: u128 = 0;
    let mut start = true;
    for &b in content {
        if start && b == 0x80 {
            return Err(Error::Encoding(
                "algorithm OBJECT IDENTIFIER has a sub-identifier with a leading 0x80 byte; DER requires the shortest form"
                    .into(),
            ));
        }
        value = value
            .checked_mul(128)
            .and_then(|v| v.checked_add(u128::from(b & 0x7F)))
            .ok_or_else(|| {
                Error::Encoding(
                    "algorithm OBJECT IDENTIFIER has a sub-identifier that is too large".into(),
                )
            })?;
        start = b & 0x80 == 0;
        if start {
            if arcs.is_empty() {
                let (first, second) = match value {
                    0..=39 => (0, value),
                    40..=79 => (1, value - 40),
                    _ => (2, value - 80),
                };
                arcs.push(first.to_string());
                arcs.push(second.to_string());
            } else {
                arcs.push(value.to_string());
            }
            value = 0;
        }
    }
    Ok(arcs.join("."))
}

/// Reads `AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }`: the
/// OID's contents (checked well-formed) and a reader over the parameters. `what` names the
/// SEQUENCE in errors and `oid_what` its OID.
pub(crate) fn read_algorithm_identifier<'a>(
    r: &mut Reader<'a>,
    what: &str,
    oid_what: &str,
) -> Result<(&'a [u8], Reader<'a>)> {
    let body = r.read(SEQUENCE, what)?;
    let mut inner = Reader::new(body);
    let oid = inner.read(OID, oid_what)?;
    oid_to_string(oid)?;
    Ok((oid, inner))
}

/// The DER contents of a dotted-decimal OID from one of this crate's algorithm tables.
pub(crate) fn oid_from_dotted(dotted: &str) -> Result<Vec<u8>> {
    let bad = || Error::Internal(format!("malformed OID in the algorithm table: {dotted}"));
    let arcs = dotted
        .split('.')
        .map(|a| a.parse::<u64>().map_err(|_| bad()))
        .collect::<Result<Vec<u64>>>()?;
    let (first, second, rest) = match arcs.as_slice() {
        [a, b, rest @ ..] if *a <= 2 => (*a, *b, rest),
        _ => return Err(bad()),
    };
    let mut out = Vec::new();
    let head = first
        .checked_mul(40)
        .and_then(|v| v.checked_add(second))
        .ok_or_else(bad)?;
    for arc in core::iter::once(head).chain(rest.iter().copied()) {
        let mut groups = vec![(arc & 0x7F) as u8];
        let mut v = arc >> 7;
        while v > 0 {
            groups.push(0x80 | (v & 0x7F) as u8);
            v >>= 7;
        }
        out.extend(groups.iter().rev());
    }
    Ok(out)
}

/// An element to write: a tree of borrowed byte slices, so nothing secret is copied twice.
pub(crate) enum Node<'a> {
    /// A primitive element: tag and contents.
    Prim(u8, &'a [u8]),
    /// A BIT STRING with no unused bits (the leading 0x00 is added on writing).
    BitString(&'a [u8]),
    /// An element whose contents are the encodings of its children, in order
    /// (a SEQUENCE, or an OCTET STRING wrapping another element).
    Cons(u8, Vec<Node<'a>>),
}

/// Number of long-form length bytes for `len` (0 when the short form is used).
fn long_length_bytes(len: usize) -> usize {
    if len < 0x80 {
        0
    } else {
        (usize::BITS - len.leading_zeros()).div_ceil(8) as usize
    }
}

/// Bytes needed for a DER header (one tag byte plus the length) for `len` content bytes.
fn header_len(len: usize) -> usize {
    match long_length_bytes(len) {
        0 => 2,
        n => 2 + n,
    }
}

impl Node<'_> {
    /// Length of the contents.
    fn content_len(&self) -> usize {
        match self {
            Node::Prim(_, c) => c.len(),
            Node::BitString(c) => c.len() + 1,
            Node::Cons(_, children) => children.iter().map(Node::encoded_len).sum(),
        }
    }

    /// Length of the whole encoding (header and contents).
    pub(crate) fn encoded_len(&self) -> usize {
        let len = self.content_len();
        header_len(len) + len
    }

    /// Appends the encoding to `out`.
    fn write(&self, out: &mut Vec<u8>) {
        let (tag, len) = match self {
            Node::Prim(t, _) | Node::Cons(t, _) => (*t, self.content_len()),
            Node::BitString(_) => (BIT_STRING, self.content_len()),
        };
        out.push(tag);
        let be = (len as u64).to_be_bytes();
        match long_length_bytes(len) {
            0 => out.push(be[7]),
            count => {
                out.push(0x80 | count as u8);
                out.extend_from_slice(&be[8 - count..]);
            }
        }
        match self {
            Node::Prim(_, c) => out.extend_from_slice(c),
            Node::BitString(c) => {
                out.push(0);
                out.extend_from_slice(c);
            }
            Node::Cons(_, children) => children.iter().for_each(|child| child.write(out)),
        }
    }

    /// The encoding, in a buffer allocated once at its final size and wiped on drop.
    pub(crate) fn to_der_secret(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(self.encoded_len()));
        self.write(&mut out);
        out
    }

    /// The encoding, for public data.
    pub(crate) fn to_der(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.write(&mut out);
        out
    }
}
