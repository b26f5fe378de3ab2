//! A real `redis-server` per test, on a free local port, killed on drop.
//! Never skipped: without redis-server the Redis store is untested, so the
//! test fails and says how to install it.

use std::io::{ErrorKind, Read as _, Write as _};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::free_port;

const STARTUP: Duration = Duration::from_secs(10);

pub struct RedisServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl RedisServer {
    pub fn start() -> RedisServer {
        let dir = tempfile::tempdir().expect("a temporary directory for redis-server");
        // The port is free when picked but may be taken before redis binds
        // it (parallel tests): then redis exits, and another is picked.
        for _ in 0..5 {
            let port = free_port();
            let log = dir.path().join(format!("redis-{port}.log"));
            let mut child = spawn(port, dir.path().into(), &log);
            if wait_for_pong(port, &mut child) {
                return RedisServer { child, port, dir };
            }
            let _ = child.kill();
            let _ = child.wait();
            eprintln!(
                "redis-server on port {port} did not start:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        panic!("redis-server did not start in 5 attempts (its log is printed above)");
    }

    /// Stops the server; [`RedisServer::restart`] starts it again, empty.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts it again on the same port (its data is gone: nothing is saved).
    pub fn restart(&mut self) {
        self.stop();
        let log = self
            .dir
            .path()
            .join(format!("redis-{}-again.log", self.port));
        self.child = spawn(self.port, self.dir.path().into(), &log);
        assert!(
            wait_for_pong(self.port, &mut self.child),
            "redis-server did not restart on port {}:\n{}",
            self.port,
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(port: u16, dir: PathBuf, log: &std::path::Path) -> Child {
    let spawned = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .arg("--dir")
        .arg(&dir)
        .arg("--logfile")
        .arg(log)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match spawned {
        Ok(child) => child,
        Err(e) if e.kind() == ErrorKind::NotFound => panic!(
            "redis-server is not on PATH: the Redis store's tests run against a real one. \
             Install it with `apt-get install redis-server` (CI's .ci/run does)"
        ),
        Err(e) => panic!("cannot start redis-server: {e}"),
    }
}

/// True once the server answers PING; false if it exits or takes too long.
fn wait_for_pong(port: u16, child: &mut Child) -> bool {
    let deadline = Instant::now() + STARTUP;
    while Instant::now() < deadline {
        if child.try_wait().expect("redis-server status").is_some() {
            return false;
        }
        if pong(port) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn pong(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut reply = [0u8; 7];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut reply).is_ok()
        && &reply == b"+PONG\r\n"
}
