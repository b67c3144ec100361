//! One HTTP exchange as a gateway sees it: the [`request`] and its [`request_body`], the
//! [`response`] (and a [`file_region`] sent as a body), the [`gateway`] trait that answers
//! them (and [`gateway_fn`], a closure as one), how the exchange ended ([`outcome`]), the
//! connection facts ([`conn_info`]), the access log line ([`access_log`]) and which failures
//! the client caused ([`client_side`]). The connection driver (`conn`) runs these; nothing here
//! touches a socket.

pub(crate) mod access_log;
pub(crate) mod client_side;
pub(crate) mod conn_info;
pub(crate) mod file_region;
pub(crate) mod gateway;
pub(crate) mod gateway_fn;
pub(crate) mod outcome;
pub(crate) mod request;
pub(crate) mod request_body;
pub(crate) mod response;
