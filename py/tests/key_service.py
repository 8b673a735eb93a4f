"""A key service standing in for a cloud KMS or an HSM: it holds an RSA key the
signer never sees and signs the way such services do — the message, the
SHA-256 digest, or (raw RSA, as PKCS#11 ``CKM_RSA_PKCS``) the DigestInfo."""

from __future__ import annotations

import asyncio
import threading

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

import ishare_jwt


class KeyService:
    """Signs with its own key; counts calls and the threads they came from."""

    def __init__(self, key_pem: str) -> None:
        key = serialization.load_pem_private_key(key_pem.encode("ascii"), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        self._key = key
        self._lock = threading.Lock()
        self.calls = 0
        self.threads: set[int] = set()
        self.seen: list[ishare_jwt.PendingSignature] = []

    def _count(self, pending: ishare_jwt.PendingSignature) -> None:
        with self._lock:
            self.calls += 1
            self.threads.add(threading.get_ident())
            self.seen.append(pending)

    def sign_message(self, pending: ishare_jwt.PendingSignature) -> bytes:
        """As Azure Key Vault's ``sign_data`` or AWS KMS with ``MessageType=RAW``."""
        self._count(pending)
        return self._key.sign(pending.message, padding.PKCS1v15(), hashes.SHA256())

    def sign_digest(self, pending: ishare_jwt.PendingSignature) -> bytes:
        """As AWS KMS with ``MessageType=DIGEST`` or Google Cloud KMS."""
        self._count(pending)
        return self._key.sign(
            pending.digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256())
        )

    def sign_sha256_digest(self, digest: bytes) -> bytes:
        """RSASSA-PKCS1-v1_5 over a SHA-256 digest given as bytes (a cloud KMS's
        own API, uncounted)."""
        return self._key.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))

    def sign_raw(self, pending: ishare_jwt.PendingSignature) -> bytes:
        """Raw RSA over the EMSA-PKCS1-v1_5 padded DigestInfo (RFC 8017 §9.2),
        as a device offering only ``CKM_RSA_PKCS`` signs."""
        self._count(pending)
        numbers = self._key.private_numbers()
        n, d = numbers.public_numbers.n, numbers.d
        size = (n.bit_length() + 7) // 8
        info = pending.digest_info
        padded = b"\x00\x01" + b"\xff" * (size - len(info) - 3) + b"\x00" + info
        return pow(int.from_bytes(padded, "big"), d, n).to_bytes(size, "big")

    async def sign_async(self, pending: ishare_jwt.PendingSignature) -> bytes:
        """An async client of the service: yields to the event loop first."""
        await asyncio.sleep(0)
        return self.sign_message(pending)
