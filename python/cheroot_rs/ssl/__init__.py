"""SSL adapters with cheroot's constructor: ``builtin`` serves TLS with rustls, ``pyopenssl``
with OpenSSL (the system's libssl); both read the certificate and key themselves."""

import ssl


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


def from_cheroot(adapter):
    """``adapter`` as one of ours: itself, or, for one of cheroot's adapters
    (``cheroot.ssl.builtin.BuiltinSSLAdapter``, ``cheroot.ssl.pyopenssl.pyOpenSSLAdapter``, as
    CherryPy and cheroot users build them), ours with the same files, chain and ciphers.

    Its Python SSL context is not carried over: cheroot-rs loads the files itself. A context
    that checks client certificates is refused rather than dropped silently.
    """
    if adapter is None or isinstance(adapter, Adapter):
        return adapter
    module = type(adapter).__module__
    if module not in ("cheroot.ssl.builtin", "cheroot.ssl.pyopenssl"):
        raise TypeError(
            f"ssl_adapter must be a cheroot_rs.ssl or cheroot.ssl adapter, not {type(adapter)!r}"
        )
    context = getattr(adapter, "context", None)
    if getattr(context, "verify_mode", ssl.CERT_NONE) != ssl.CERT_NONE:
        raise ValueError(
            "ssl_adapter.context checks client certificates, which cheroot-rs does not do: "
            "client certificate verification is not supported"
        )
    name = "pyopenssl" if module == "cheroot.ssl.pyopenssl" else "builtin"
    return get_ssl_adapter_class(name)(
        adapter.certificate,
        adapter.private_key,
        getattr(adapter, "certificate_chain", None),
        getattr(adapter, "ciphers", None),
        private_key_password=getattr(adapter, "private_key_password", None),
    )
