"""Payment-provider webhook verification: Stripe, Coinbase Commerce, PayPal, PhonePe, Razorpay
and Adyen, exactly as each provider signs its callbacks.

The Coinbase CDP scheme (Hook0's ``X-Hook0-Signature``) has its own
:func:`verify_coinbase_cdp`, PhonePe's v2 ``Authorization`` scheme :func:`verify_phonepe_v2`,
Razorpay's Checkout callback :func:`verify_razorpay_payment`, Adyen's raw-body header variant
:func:`verify_adyen_hmac_header`.

Every verifier takes the **raw request body** (bytes, before any JSON parsing), the provider's
header value(s), the secret or certificate, and keyword options: ``now`` (seconds since the
epoch; defaults to the clock), ``store`` (a :class:`~pqpay.replay.SeenNonceStore` for replay
protection; none by default) and a timestamp ``tolerance`` or ``replay_ttl``. On success it
returns a :class:`WebhookEvent`; on failure it raises one of (all :class:`WebhookError`):

================================  ===========================================================
:class:`WebhookFormatError`       header or body malformed (missing field, bad hex/base64/JSON)
:class:`WebhookSignatureError`    no signature matched (opaque; also an ``InvalidSignature``)
:class:`WebhookTimestampError`    signed timestamp outside ``now`` +/- ``tolerance``
:class:`WebhookReplayError`       correctly signed but already seen (``.key``): acknowledge it
:class:`WebhookCertificateError`  PayPal certificate unusable (malformed, not RSA, expired)
================================  ===========================================================

Secrets and keys given by the caller in the wrong form raise ``ValueError``/``TypeError``.
Signatures are compared with :func:`hmac.compare_digest`; the signature is checked before the
timestamp and the replay store, so only authentic requests are ever remembered.

Replay protection (``store=``) remembers, per provider, what identifies one delivery:

=================  =====================================  ==================================
provider           remembered key                         until
=================  =====================================  ==================================
Stripe             event ``id`` (else ``t`` + signature)  ``t + tolerance``
Coinbase Commerce  ``event.id``                           ``now + replay_ttl``
Coinbase CDP       body ``id`` (else the signature)       ``t + tolerance``
PayPal             ``PAYPAL-TRANSMISSION-ID``             ``transmission_time + tolerance``
PhonePe v1         the X-VERIFY checksum                  ``now + replay_ttl``
PhonePe v2         SHA-256 of the body                    ``now + replay_ttl``
Razorpay           the signature (same body, same value)  ``now + replay_ttl``
Adyen              ``pspReference:eventCode:success``     ``now + replay_ttl``
Adyen (header)     the signature                          ``now + replay_ttl``
=================  =====================================  ==================================

Schemes with a signed timestamp (Stripe, Coinbase CDP, PayPal) need to remember an id only while the
timestamp is acceptable (each is kept :data:`~pqpay.replay.REPLAY_MARGIN` seconds longer, so it is
still held at the last instant the timestamp is accepted); the others sign no timestamp, so a replay
is caught only while the store remembers it (``replay_ttl``, three days by default, matching the
providers' retry periods). Remembering is at-most-once: an id is stored as soon as it verifies, so a
handler that fails afterwards sees the provider's retry rejected as a replay. Handlers that need
at-least-once processing should pass no store and deduplicate on :attr:`WebhookEvent.event_id`
inside the database transaction that records the event.

Caveats the provider schemes impose (documented, not fixable here):

* **PayPal** binds the body only through CRC-32 inside the RSA-signed string, and CRC-32 is
  not cryptographic: anyone holding one genuine delivery can make a different body with the
  same CRC-32. The transmission-id replay store stops the same signature from being used twice
  and the timestamp window bounds it, but the first of two such deliveries wins. Before acting
  on money, re-read the resource from PayPal's API. Fetching the certificate from
  ``PAYPAL-CERT-URL`` (check it first with :func:`paypal_cert_url_is_trusted`: https, a
  PayPal API host, the ``/v1/notifications/certs/`` path; fetch it **without following
  redirects**), validating its chain and caching it is the caller's job. :func:`verify_paypal`
  uses exactly the certificate it is given and checks its validity period; with
  ``spki_pins=`` (:func:`paypal_spki_pin` of certificates checked out of band) it also refuses,
  fail-closed, any certificate whose key is not pinned. Subject and issuer chain are not
  checked here (the native X.509 reader skips them by design).
* **PhonePe v2** (``Authorization: SHA256(username:password)``) authenticates the sender's
  knowledge of the credentials, **not the body**, and that value is a static bearer credential:
  whoever sees one webhook can forge any later one. The returned event has
  ``body_authenticated=False`` and every call warns (``UserWarning``). Allowlist PhonePe's
  addresses and re-fetch the order status before acting.
* **Coinbase Commerce, Razorpay, Adyen, PhonePe v1** sign no timestamp.

Modules: one per provider (:mod:`~pqpay.webhooks.stripe`, :mod:`~pqpay.webhooks.coinbase`,
:mod:`~pqpay.webhooks.paypal`, :mod:`~pqpay.webhooks.phonepe`, :mod:`~pqpay.webhooks.razorpay`,
:mod:`~pqpay.webhooks.adyen`) and ``_common`` (:class:`WebhookEvent` and the shared helpers).
:class:`RsaCertificate` is :class:`pqpay.x509.RsaCertificate`.
"""

from __future__ import annotations

from pqpay.exceptions import (
    WebhookCertificateError,
    WebhookError,
    WebhookFormatError,
    WebhookReplayError,
    WebhookSignatureError,
    WebhookTimestampError,
)
from pqpay.webhooks._common import DEFAULT_REPLAY_TTL, WebhookEvent
from pqpay.webhooks.adyen import verify_adyen, verify_adyen_hmac_header
from pqpay.webhooks.coinbase import verify_coinbase, verify_coinbase_cdp
from pqpay.webhooks.paypal import (
    PAYPAL_CERT_HOSTS,
    PAYPAL_CERT_PATH,
    PAYPAL_DEFAULT_TOLERANCE,
    paypal_cert_url_is_trusted,
    paypal_spki_pin,
    verify_paypal,
)
from pqpay.webhooks.phonepe import phonepe_x_verify, verify_phonepe, verify_phonepe_v2
from pqpay.webhooks.razorpay import verify_razorpay, verify_razorpay_payment
from pqpay.webhooks.stripe import STRIPE_DEFAULT_TOLERANCE, verify_stripe
from pqpay.x509 import RsaCertificate

__all__ = [
    "DEFAULT_REPLAY_TTL",
    "PAYPAL_CERT_HOSTS",
    "PAYPAL_CERT_PATH",
    "PAYPAL_DEFAULT_TOLERANCE",
    "STRIPE_DEFAULT_TOLERANCE",
    "RsaCertificate",
    "WebhookCertificateError",
    "WebhookError",
    "WebhookEvent",
    "WebhookFormatError",
    "WebhookReplayError",
    "WebhookSignatureError",
    "WebhookTimestampError",
    "paypal_cert_url_is_trusted",
    "paypal_spki_pin",
    "phonepe_x_verify",
    "verify_adyen",
    "verify_adyen_hmac_header",
    "verify_coinbase",
    "verify_coinbase_cdp",
    "verify_paypal",
    "verify_phonepe",
    "verify_phonepe_v2",
    "verify_razorpay",
    "verify_razorpay_payment",
    "verify_stripe",
]
