//! Running the built `cheroot` binary: reading its one stdout line, collecting its stderr,
//! signalling it, and killing it if a test fails half-way.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use cheroot_testing::ServerAddr;

/// How long a test waits for the server to print its address or to exit.
const WAIT: Duration = Duration::from_secs(30);

/// The finished run of a command that exits by itself.
#[derive(Debug)]
pub(crate) struct Finished {
    pub(crate) status: ExitStatus,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// `cheroot args...` with `env` set, and `RUST_LOG` only if `env` sets it: the tests' own
/// environment must not change what the command logs.
fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cheroot"));
    command
        .args(args)
        .env_remove("RUST_LOG")
        .envs(env.iter().copied());
    command
}

/// Runs `cheroot args...` to completion (for commands that exit at once: bad flags, `--help`).
pub(crate) fn run_to_end(args: &[&str]) -> Finished {
    run_to_end_with(args, &[])
}

/// As [`run_to_end`], with the environment variables `env` set.
pub(crate) fn run_to_end_with(args: &[&str], env: &[(&str, &str)]) -> Finished {
    let mut child = command(args, env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the cheroot binary starts");
    let stdout = drain(child.stdout.take().expect("piped stdout"));
    let stderr = drain(child.stderr.take().expect("piped stderr"));
    let status = wait_bounded(&mut child).unwrap_or_else(|| {
        let _ = child.kill();
        let _ = child.wait();
        panic!("cheroot {args:?} did not exit within {WAIT:?}");
    });
    Finished {
        status,
        stdout: stdout.take_all(),
        stderr: stderr.take_all(),
    }
}

/// A running server process; killed on drop if still running.
#[derive(Debug)]
pub(crate) struct Server {
    child: Child,
    addr: ServerAddr,
    printed: String,
    /// What the server writes to stdout after the address line.
    stdout: Collected,
    stderr: Collected,
}

impl Server {
    /// Starts `cheroot args...` and waits for the line with the bound address.
    pub(crate) fn start(args: &[&str]) -> Server {
        Server::start_with(args, &[])
    }

    /// As [`Server::start`], with the environment variables `env` set.
    pub(crate) fn start_with(args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = command(args, env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the cheroot binary starts");
        let stderr = drain(child.stderr.take().expect("piped stderr"));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let read = reader.read_line(&mut line).map(|_| line);
            let _ = tx.send((read, reader));
        });
        let line = match rx.recv_timeout(WAIT) {
            // The rest is kept (the access log may go to stdout), and read so the server
            // never blocks on a full pipe.
            Ok((Ok(line), rest)) if !line.is_empty() => (line, drain(rest)),
            other => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "cheroot {args:?} printed no address ({other:?}); stderr: {}",
                    stderr.take_all()
                );
            }
        };
        let (line, stdout) = line;
        let printed = line.trim_end().to_owned();
        let addr = printed
            .parse()
            .unwrap_or_else(|err| panic!("cannot read the printed address {printed:?}: {err}"));
        Server {
            child,
            addr,
            printed,
            stdout,
            stderr,
        }
    }

    pub(crate) fn addr(&self) -> &ServerAddr {
        &self.addr
    }

    /// The line the server printed on start.
    pub(crate) fn printed(&self) -> &str {
        &self.printed
    }

    /// The server's process id.
    pub(crate) fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).expect("a pid fits in i32")
    }

    /// Sends `signal` and waits for the exit; returns the status and everything on stderr.
    pub(crate) fn stop_with(self, signal: Signal) -> (ExitStatus, String) {
        kill(Pid::from_raw(self.pid()), signal).expect("the signal is delivered");
        self.wait_exit()
    }

    /// Sends `signal` and waits for the exit; returns the status and everything on stdout
    /// after the address line.
    pub(crate) fn stop_for_stdout(self, signal: Signal) -> (ExitStatus, String) {
        let stdout = self.stdout.clone();
        let (status, _) = self.stop_with(signal);
        (status, stdout.take_all())
    }

    /// Waits for the exit (after a signal sent elsewhere); returns the status and stderr.
    pub(crate) fn wait_exit(mut self) -> (ExitStatus, String) {
        let status = wait_bounded(&mut self.child)
            .unwrap_or_else(|| panic!("cheroot did not exit within {WAIT:?}"));
        (status, self.stderr.take_all())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Polls for the child's exit, at most `WAIT`.
fn wait_bounded(child: &mut Child) -> Option<ExitStatus> {
    let step = Duration::from_millis(20);
    for _ in 0..(WAIT.as_millis() / step.as_millis()) {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(step);
    }
    None
}

/// Text read from a pipe by a background thread.
#[derive(Debug, Clone)]
pub(crate) struct Collected {
    text: Arc<Mutex<Vec<u8>>>,
    done: Arc<Mutex<Option<mpsc::Receiver<()>>>>,
}

impl Collected {
    /// Everything read, once the pipe closed (or after `WAIT`).
    fn take_all(&self) -> String {
        if let Some(done) = self.done.lock().expect("not poisoned").take() {
            let _ = done.recv_timeout(WAIT);
        }
        String::from_utf8_lossy(&self.text.lock().expect("not poisoned")).into_owned()
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> Collected {
    let text = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = mpsc::channel();
    let sink = Arc::clone(&text);
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => sink
                    .lock()
                    .expect("not poisoned")
                    .extend_from_slice(&buf[..n]),
            }
        }
        let _ = tx.send(());
    });
    Collected {
        text,
        done: Arc::new(Mutex::new(Some(rx))),
    }
}
