//! Integration tests of cheroot-peercreds over real sockets (one test binary, submodules).

#[cfg(target_os = "linux")]
#[path = "it/support.rs"]
mod support;

#[cfg(target_os = "linux")]
#[path = "it/unix.rs"]
mod unix;

#[cfg(target_os = "linux")]
#[path = "it/switches.rs"]
mod switches;

#[cfg(target_os = "linux")]
#[path = "it/environ.rs"]
mod environ;

#[cfg(target_os = "linux")]
#[path = "it/tcp.rs"]
mod tcp;
