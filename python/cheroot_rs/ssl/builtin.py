"""cheroot's ``builtin`` SSL adapter, served by rustls."""

from cheroot_rs.ssl import Adapter


class BuiltinSSLAdapter(Adapter):
    """TLS through rustls (cheroot's ``builtin``, which wraps Python's ``ssl``)."""

    backend = "rustls"
