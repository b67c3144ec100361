//! Integration tests of the `cheroot` command: its parser as a library, and the built binary
//! run black-box over raw sockets.

mod it {
    mod black_box;
    mod parse;
    mod process;
    mod tls;
    mod workers;
}
