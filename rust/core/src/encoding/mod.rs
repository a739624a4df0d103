//! PKCS#8 and SubjectPublicKeyInfo (DER and PEM) for KEM keys.
