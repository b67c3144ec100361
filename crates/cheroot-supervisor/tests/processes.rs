//! The supervisor over real processes, without HTTP: this test binary runs as the driver
//! (`cargo test`), and again, started by the driver, as a master in one of the scenarios
//! below (`SUPERVISOR_SCENARIO` set). The master must run one thread, which the libtest
//! harness would not give it, hence `harness = false`. Every wait is bounded.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use cheroot_supervisor::{NoHooks, Supervisor, SupervisorConfig, WorkerContext};
use nix::sys::signal::{SigSet, Signal, kill};
use nix::unistd::Pid;

const SCENARIO: &str = "SUPERVISOR_SCENARIO";
/// The longest any scenario may take.
const LIMIT: Duration = Duration::from_secs(30);

fn main() {
    match std::env::var(SCENARIO) {
        Ok(name) => std::process::exit(i32::from(master(&name))),
        Err(_) => drive(),
    }
}

// The master side.

/// Waits for SIGTERM (blocked, as the supervisor leaves it in a worker) and returns 0.
fn until_sigterm() -> u8 {
    let mut set = SigSet::empty();
    set.add(Signal::SIGTERM);
    let _ = set.wait();
    0
}

fn master(name: &str) -> u8 {
    let _log = tracing::subscriber::set_default(StderrLines);
    let mut config = SupervisorConfig::default();
    let worker: Box<dyn FnMut(WorkerContext) -> u8> = match name {
        // Ready, then deaf to SIGTERM: the master must kill it after its stop deadline.
        "stuck-stop" => {
            config.shutdown_timeout = Duration::ZERO;
            Box::new(|ctx| {
                ctx.set_ready();
                loop {
                    std::thread::sleep(Duration::from_secs(60));
                }
            })
        }
        // Never ready: the first workers failing stops the master.
        "boot-failure" => Box::new(|_| 3),
        // Worker 1 serves; every later one (a reload's) fails before it is ready.
        "failed-reload" => Box::new(|ctx| {
            if ctx.number() > 1 {
                return 3;
            }
            ctx.set_ready();
            until_sigterm()
        }),
        // Worker 1's request never ends: the heartbeat limit kills it.
        "stuck-request" => {
            config.worker_timeout = Some(Duration::from_millis(300));
            Box::new(|ctx| {
                ctx.set_ready();
                if ctx.number() == 1 {
                    let _guard = ctx.request_started(|| "GET /forever from test".to_owned());
                    std::thread::sleep(Duration::from_secs(60));
                }
                until_sigterm()
            })
        }
        // Worker 1 reaches its maximum at once and is replaced by worker 2.
        "max-requests" => {
            config.max_requests = Some(3);
            Box::new(|ctx| {
                ctx.set_ready();
                if ctx.number() == 1 {
                    for _ in 0..3 {
                        ctx.count_request();
                    }
                }
                until_sigterm()
            })
        }
        // Two workers; SIGHUP replaces both.
        "reload" => {
            config.workers = 2;
            Box::new(|ctx| {
                ctx.set_ready();
                until_sigterm()
            })
        }
        other => {
            eprintln!("unknown scenario {other}");
            return 2;
        }
    };
    let outcome = Supervisor::new(config).run(&NoHooks, || println!("ready"), worker);
    eprintln!("outcome: {outcome}");
    outcome.exit_code()
}

/// Each log event's message on stderr, one line each.
struct StderrLines;

impl tracing::Subscriber for StderrLines {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Message(String);
        impl tracing::field::Visit for Message {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" {
                    self.0 = format!("{value:?}");
                }
            }
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        eprintln!("{}", message.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

// The driver side.

/// A master started in a scenario; killed on drop.
struct Master {
    child: Child,
    stderr: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Master {
    fn start(scenario: &str) -> Master {
        let mut child = Command::new(std::env::current_exe().expect("this test binary"))
            .env(SCENARIO, scenario)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the master starts");
        let (tx, stderr) = mpsc::channel();
        let pipe = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            let mut sink = String::new();
            let _ = BufReader::new(stdout).read_to_string(&mut sink);
        });
        Master {
            child,
            stderr,
            seen: Vec::new(),
        }
    }

    fn pid(&self) -> Pid {
        Pid::from_raw(i32::try_from(self.child.id()).expect("a pid"))
    }

    fn signal(&self, signal: Signal) {
        kill(self.pid(), signal).expect("the signal is sent");
    }

    /// Waits for a stderr line containing `text`; returns it.
    fn expect(&mut self, text: &str) -> String {
        let deadline = Instant::now() + LIMIT;
        if let Some(line) = self.seen.iter().find(|l| l.contains(text)) {
            return line.clone();
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no line with {text:?} within {LIMIT:?}; saw {:#?}",
                    self.seen
                ),
            }
        }
    }

    /// Waits for the exit; returns its code.
    fn exit_code(&mut self) -> i32 {
        let deadline = Instant::now() + LIMIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                while let Ok(line) = self.stderr.recv_timeout(Duration::from_millis(200)) {
                    self.seen.push(line);
                }
                return status.code().unwrap_or(-1);
            }
            assert!(
                Instant::now() < deadline,
                "still running; saw {:#?}",
                self.seen
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Master {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn stuck_stop_is_killed_and_the_exit_says_so() {
    let mut master = Master::start("stuck-stop");
    master.expect("is ready");
    let asked = Instant::now();
    master.signal(Signal::SIGTERM);
    master.expect("did not stop within 5.0 s: killing it");
    assert!(
        asked.elapsed() >= Duration::from_secs(5),
        "{:?}",
        asked.elapsed()
    );
    assert_eq!(master.exit_code(), 1);
    master.expect("outcome: stopped after SIGTERM, but not every worker finished its requests");
}

fn first_workers_failing_stop_the_master() {
    let mut master = Master::start("boot-failure");
    assert_eq!(master.exit_code(), 1);
    master.expect("worker 1 (pid");
    master.expect("exited with status 3 before it was ready");
    master.expect("outcome: the workers could not start: worker 1 exited with status 3");
}

fn a_failed_reload_backs_off_and_keeps_the_old_worker() {
    let mut master = Master::start("failed-reload");
    master.expect("worker 1 (pid");
    master.expect("is ready");
    master.signal(Signal::SIGHUP);
    master.expect("before it was ready; starting another in 0.1 s");
    master.expect("before it was ready; starting another in 0.2 s");
    master.expect("before it was ready; starting another in 0.4 s");
    // Worker 1 still serves: the stop is clean.
    master.signal(Signal::SIGTERM);
    assert_eq!(master.exit_code(), 0);
    master.expect("worker 1 (pid");
    master.expect("outcome: stopped cleanly after SIGTERM");
}

fn a_stuck_request_kills_its_worker_and_names_the_request() {
    let mut master = Master::start("stuck-request");
    let line = master.expect("longer than the worker timeout (0.3 s): killing the worker");
    assert!(line.starts_with("worker 1 (pid "), "{line}");
    assert!(
        line.contains("request \"GET /forever from test\" has run"),
        "{line}"
    );
    master.expect("was killed by SIGKILL; starting another");
    master.expect("worker 2 (pid");
    master.signal(Signal::SIGTERM);
    assert_eq!(master.exit_code(), 0);
}

fn max_requests_replace_the_worker_once_the_new_one_is_ready() {
    let mut master = Master::start("max-requests");
    master.expect("worker 1 answered 3 requests (its maximum): asking to be replaced");
    let ready = master.expect("worker 2 (pid");
    assert!(ready.ends_with("is ready"), "{ready}");
    master.expect("worker 1 (pid");
    let stopped = master.expect(") stopped");
    assert!(stopped.starts_with("worker 1 "), "{stopped}");
    master.signal(Signal::SIGTERM);
    assert_eq!(master.exit_code(), 0);
}

fn sighup_replaces_every_worker_after_the_new_ones_are_ready() {
    let mut master = Master::start("reload");
    master.expect("worker 2 (pid");
    master.signal(Signal::SIGHUP);
    master.expect("SIGHUP received: starting 2 new worker(s)");
    master.expect("worker 3 (pid");
    master.expect("worker 4 (pid");
    let first_old_stop = master.expect(") stopped");
    assert!(
        first_old_stop.starts_with("worker 1 ") || first_old_stop.starts_with("worker 2 "),
        "{first_old_stop}"
    );
    // Both new workers were ready before an old one stopped.
    let order: Vec<&String> = master
        .seen
        .iter()
        .filter(|l| l.ends_with("is ready") || l.ends_with(") stopped"))
        .collect();
    let first_stop = order
        .iter()
        .position(|l| l.ends_with(") stopped"))
        .expect("a stop");
    assert_eq!(first_stop, 4, "{order:#?}");
    master.signal(Signal::SIGTERM);
    assert_eq!(master.exit_code(), 0);
}

fn drive() {
    let tests: [(&str, fn()); 6] = [
        (
            "stuck_stop_is_killed_and_the_exit_says_so",
            stuck_stop_is_killed_and_the_exit_says_so,
        ),
        (
            "first_workers_failing_stop_the_master",
            first_workers_failing_stop_the_master,
        ),
        (
            "a_failed_reload_backs_off_and_keeps_the_old_worker",
            a_failed_reload_backs_off_and_keeps_the_old_worker,
        ),
        (
            "a_stuck_request_kills_its_worker_and_names_the_request",
            a_stuck_request_kills_its_worker_and_names_the_request,
        ),
        (
            "max_requests_replace_the_worker_once_the_new_one_is_ready",
            max_requests_replace_the_worker_once_the_new_one_is_ready,
        ),
        (
            "sighup_replaces_every_worker_after_the_new_ones_are_ready",
            sighup_replaces_every_worker_after_the_new_ones_are_ready,
        ),
    ];
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let chosen: Vec<_> = tests
        .iter()
        .filter(|(name, _)| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str())))
        .collect();
    // In parallel, each on its own thread: every scenario is its own set of processes.
    let handles: Vec<_> = chosen
        .iter()
        .map(|&&(name, test)| (name, std::thread::spawn(test)))
        .collect();
    let mut failed = 0;
    for (name, handle) in handles {
        match handle.join() {
            Ok(()) => println!("test {name} ... ok"),
            Err(_) => {
                println!("test {name} ... FAILED");
                failed += 1;
            }
        }
    }
    println!("\n{} passed; {failed} failed", chosen.len() - failed);
    if failed > 0 {
        std::process::exit(101);
    }
}
