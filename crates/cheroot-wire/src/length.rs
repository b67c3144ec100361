//! TODO: owned by a helper, see the API contract.
