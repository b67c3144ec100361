//! The `cheroot` command: parse the command line, serve, exit with the status it earned.

fn main() -> std::process::ExitCode {
    cheroot_cli::main_with_args(std::env::args_os().skip(1))
}
