//! A server under test as a child process: started pinned to core 0, killed when dropped.

use std::ffi::OsString;
use std::fs::File;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use super::memory::{self, Memory};
use super::scenario::Server;

/// How long a server may take to accept its first connection.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// A running server; dropping it kills the process, so no error path leaves one behind.
#[derive(Debug)]
pub(crate) struct ServerProcess {
    child: Child,
    addr: SocketAddr,
    label: &'static str,
}

impl ServerProcess {
    /// Starts `server` from `bin_dir` (its HTTPS binary when `tls`) on a free loopback port
    /// with `extra` arguments after the address, pinned to `core` when given, with its standard error in `log`, and waits
    /// until it accepts connections.
    pub(crate) fn start(
        bin_dir: &Path,
        server: Server,
        tls: bool,
        extra: &[OsString],
        core: Option<u32>,
        log: &Path,
    ) -> Result<ServerProcess, String> {
        let addr = free_loopback_port()?;
        let bin = bin_dir.join(server.binary(tls));
        let mut cmd = match core {
            Some(core) => {
                let mut c = Command::new("taskset");
                c.arg("-c").arg(core.to_string()).arg(&bin);
                c
            }
            None => Command::new(&bin),
        };
        cmd.arg(addr.to_string())
            .args(server.extra_args())
            .args(extra);
        let log_file = File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file);
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        // From here on, Drop kills the child whatever happens.
        let mut proc = ServerProcess {
            child,
            addr,
            label: server.label(),
        };
        proc.wait_ready(log)?;
        Ok(proc)
    }

    /// The loopback address it listens on.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its process id (taskset execs the server, so this is the server's own).
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its resident memory now.
    pub(crate) fn memory(&self) -> Result<Memory, String> {
        memory::read(self.pid())
    }

    /// Fails when the server has exited (crashed) since it started.
    pub(crate) fn check_alive(&mut self) -> Result<(), String> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(format!("{} exited during the run: {status}", self.label)),
            Err(e) => Err(format!("{}: {e}", self.label)),
        }
    }

    fn wait_ready(&mut self, log: &Path) -> Result<(), String> {
        let deadline = Instant::now() + READY_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "{} exited at start ({status}); see {}",
                    self.label,
                    log.display()
                ));
            }
            if TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            sleep(Duration::from_millis(50));
        }
        Err(format!(
            "{} did not accept on {} within {READY_TIMEOUT:?}",
            self.label, self.addr
        ))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // SIGKILL: the figures are taken already, and a graceful stop could wait on clients.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port that is free now. Another process could take it before the server binds;
/// the server then fails to start and the run reports that.
fn free_loopback_port() -> Result<SocketAddr, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free loopback port: {e}"))?;
    listener
        .local_addr()
        .map_err(|e| format!("no free loopback port: {e}"))
}
