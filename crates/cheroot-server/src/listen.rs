//! Listening and accepting: the address to bind ([`bind`]), the listening socket and the
//! accepted streams ([`listener`]), and the loop that turns each accepted stream into a
//! connection task ([`accept`]).

pub(crate) mod accept;
pub(crate) mod bind;
pub(crate) mod listener;
