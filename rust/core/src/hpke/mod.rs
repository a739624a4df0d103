//! HPKE (RFC 9180) base mode with the post-quantum KEMs of draft-ietf-hpke-pq.
