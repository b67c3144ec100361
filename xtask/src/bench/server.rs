//! A server under test as a child process: started pinned to core 0, killed when dropped,
//! together with any worker processes it started.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use super::cpu;
use super::memory::{self, Memory};
use super::process_tree;
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
    /// Starts `server` (see [`Server::command_line`]: its HTTPS binary when `tls`) on a free
    /// loopback port with `extra` arguments, pinned to `core` when given, with its standard
    /// error in `log`, and waits until it accepts connections.
    pub(crate) fn start(
        bin_dir: &Path,
        server: Server,
        tls: bool,
        extra: &[OsString],
        core: Option<u32>,
        log: &Path,
    ) -> Result<ServerProcess, String> {
        let addr = free_loopback_port()?;
        let (program, args) = server.command_line(bin_dir, tls, addr, extra);
        let mut cmd = pinned(core, program);
        cmd.args(args);
        ServerProcess::spawn(cmd, addr, server.label(), log)
    }

    /// Starts `cmd`, a server already told to listen on `addr` (and pinned, see [`pinned`]),
    /// with its standard output and error in `log`, and waits until it accepts connections.
    pub(crate) fn spawn(
        mut cmd: Command,
        addr: SocketAddr,
        label: &'static str,
        log: &Path,
    ) -> Result<ServerProcess, String> {
        let log_file = File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err_file = log_file
            .try_clone()
            .map_err(|e| format!("{}: {e}", log.display()))?;
        cmd.stdin(Stdio::null()).stdout(log_file).stderr(err_file);
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {label}: {e}"))?;
        // From here on, Drop kills the child whatever happens.
        let mut proc = ServerProcess { child, addr, label };
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

    /// Its resident memory now, summed over it and the processes it started (a master and
    /// its worker are both the server's cost).
    pub(crate) fn memory(&self) -> Result<Memory, String> {
        let mut total = memory::read(self.pid())?;
        for pid in process_tree::of(self.pid()).into_iter().skip(1) {
            // A worker that exits between the listing and the read counts for nothing.
            if let Ok(m) = memory::read(pid) {
                total.rss_kib += m.rss_kib;
                total.hwm_kib += m.hwm_kib;
            }
        }
        Ok(total)
    }

    /// CPU time used so far by it and the processes it started, in clock ticks.
    pub(crate) fn cpu_ticks(&self) -> Option<u64> {
        let mut tree = process_tree::of(self.pid()).into_iter();
        let own = cpu::ticks(tree.next()?)?;
        Some(own + tree.filter_map(cpu::ticks).sum::<u64>())
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
        // The workers are listed before their master dies (then they are re-parented and
        // cannot be found), and killed after it, so that no master is left to start new ones.
        let workers: Vec<String> = process_tree::of(self.pid())
            .into_iter()
            .skip(1)
            .map(|pid| pid.to_string())
            .collect();
        let _ = self.child.kill();
        if !workers.is_empty() {
            let _ = Command::new("kill")
                .arg("-KILL")
                .args(&workers)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.wait();
    }
}

/// A command that runs `program` pinned to `core` with taskset (which execs it, so the
/// child's pid is the program's own), or unpinned when no core is given.
pub(crate) fn pinned(core: Option<u32>, program: impl AsRef<OsStr>) -> Command {
    match core {
        Some(core) => {
            let mut c = Command::new("taskset");
            c.arg("-c").arg(core.to_string()).arg(program);
            c
        }
        None => Command::new(program),
    }
}

/// A loopback port that is free now. Another process could take it before the server binds;
/// the server then fails to start and the run reports that.
pub(crate) fn free_loopback_port() -> Result<SocketAddr, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free loopback port: {e}"))?;
    listener
        .local_addr()
        .map_err(|e| format!("no free loopback port: {e}"))
}
