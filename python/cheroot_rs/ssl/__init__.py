"""SSL adapters with cheroot's constructor: ``builtin`` serves TLS with rustls, ``pyopenssl``
with OpenSSL (the system's libssl); both read the certificate and key themselves."""


class Adapter:
    """The TLS settings of cheroot's ``ssl.Adapter``, handed to the native server."""

    backend = "rustls"

    def __init__(
        self,
        certificate,
        private_key,
        certificate_chain=None,
        ciphers=None,
        *,
        private_key_password=None,
    ):
        self.certificate = certificate
        self.private_key = private_key
        self.certificate_chain = certificate_chain
        self.ciphers = ciphers
        self.private_key_password = private_key_password
        self.context = None

    def __repr__(self):
        return (
            f"{type(self).__name__}(certificate={self.certificate!r}, "
            f"private_key={self.private_key!r})"
        )


def get_ssl_adapter_class(name="builtin"):
    """The adapter class for ``name``, as cheroot's ``server.get_ssl_adapter_class``."""
    from cheroot_rs.ssl.builtin import BuiltinSSLAdapter
    from cheroot_rs.ssl.pyopenssl import pyOpenSSLAdapter

    adapters = {"builtin": BuiltinSSLAdapter, "pyopenssl": pyOpenSSLAdapter}
    try:
        return adapters[name.lower()]
    except KeyError:
        raise KeyError(
            f"unknown SSL adapter {name!r}: expected 'builtin' or 'pyopenssl'"
        ) from None
