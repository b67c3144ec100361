"""cheroot's ``pyopenssl`` SSL adapter, served by OpenSSL (no pyOpenSSL needed)."""

from cheroot_rs.ssl import Adapter


class pyOpenSSLAdapter(Adapter):  # noqa: N801 (cheroot's name)
    """TLS through the system's OpenSSL (cheroot's ``pyopenssl``)."""

    backend = "openssl"
