//! Public-key checks for payment-provider webhooks: the RSA key of an X.509 certificate and
//! RSASSA-PKCS1-v1_5 / SHA-256 verification with it (PayPal's `SHA256withRSA` transmission
//! signatures). The HMAC schemes of the other providers live in Python (`pqpay.webhooks`),
//! where `hmac.compare_digest` already compares in constant time.
//!
//! [`RsaCertificate`] reads exactly what verification needs from a DER or PEM certificate:
//! the validity window and the `rsaEncryption` SubjectPublicKeyInfo. It does **not** validate
//! the certificate chain, the issuer's signature, the subject name or any extension: the
//! caller fetches the certificate from a pinned PayPal host and validates it (see the Python
//! module's documentation). Parsing is strict DER through the core's reader; nothing here
//! panics on any input.

mod x509;

pub use x509::RsaCertificate;
