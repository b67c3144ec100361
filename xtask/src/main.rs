//! Project automation; filled in by the foundation work.
fn main() {}
