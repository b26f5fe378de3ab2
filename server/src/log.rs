//! Where log lines go: stderr, with the tool-call lines written in batches.
//!
//! One `write` per tool call to a pipe (a terminal, journald, a container's
//! log) wakes its reader on every call: at one client the line and its write
//! were ~25 µs of ~185 µs of server CPU a call (load benchmark, `RUST_LOG`
//! without the line vs with it), the write about half of that. The per-call
//! lines ([`crate::mcp::LOG_TARGET`] at INFO) therefore wait in a buffer and go out
//! together, at most [`BATCH_DELAY`] late, as an access log with a flush
//! interval does; every other line (startup, warnings, errors) is written at
//! once, after the lines waiting before it, so the order is kept.
//!
//! A batch is written when [`Log::flush`] runs (the server's exit), a panic is
//! reported, or the buffer passes [`MAX_BUFFERED`] bytes (then the caller
//! writes, as it would unbuffered: a stalled reader still holds the server
//! back instead of the buffer growing).

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;

/// How late a tool-call line may be written.
pub const BATCH_DELAY: Duration = Duration::from_millis(20);

/// Waiting lines past this size are written by the caller.
pub const MAX_BUFFERED: usize = 256 * 1024;

/// The writer the log subscriber uses: cheap to clone, one batching thread.
pub struct Log<W: Write + Send + 'static> {
    shared: Arc<Inner<W>>,
}

impl<W: Write + Send + 'static> Clone for Log<W> {
    fn clone(&self) -> Self {
        Log {
            shared: Arc::clone(&self.shared),
        }
    }
}

struct Inner<W> {
    /// Lines waiting, and whether the batching thread waits for one.
    waiting: Mutex<Waiting>,
    arrived: Condvar,
    /// Held while a batch is taken and written, so batches keep their order.
    out: Mutex<W>,
}

#[derive(Default)]
struct Waiting {
    bytes: Vec<u8>,
    idle: bool,
    closed: bool,
}

impl Log<std::io::Stderr> {
    /// The server's log: stderr.
    pub fn stderr() -> Self {
        Log::new(std::io::stderr(), BATCH_DELAY)
    }
}

impl<W: Write + Send + 'static> Log<W> {
    /// A log onto `out` whose deferred lines wait up to `delay`.
    pub fn new(out: W, delay: Duration) -> Self {
        let shared = Arc::new(Inner {
            waiting: Mutex::new(Waiting::default()),
            arrived: Condvar::new(),
            out: Mutex::new(out),
        });
        let batcher = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("log".into())
            .spawn(move || batcher.run(delay))
            .expect("a thread for the log");
        Log { shared }
    }

    /// Writes the lines waiting now.
    pub fn flush(&self) {
        self.shared.write(&[]);
    }

    /// As [`Log::flush`], unless this thread holds the log's locks (a panic
    /// inside a write): then nothing, rather than waiting on itself.
    pub fn flush_from_panic(&self) {
        let Ok(mut out) = self.shared.out.try_lock() else {
            return;
        };
        let Ok(mut waiting) = self.shared.waiting.try_lock() else {
            return;
        };
        let batch = std::mem::take(&mut waiting.bytes);
        drop(waiting);
        write_out(&mut *out, batch, &[]);
    }

    /// Writes what waits and ends the batching thread; later lines are written at once.
    pub fn close(&self) {
        lock(&self.shared.waiting).closed = true;
        self.shared.arrived.notify_one();
        self.flush();
    }
}

impl<W: Write + Send + 'static> Inner<W> {
    /// The batching thread: waits for a first line, lets the batch gather, writes it.
    fn run(&self, delay: Duration) {
        loop {
            {
                let mut waiting = lock(&self.waiting);
                while waiting.bytes.is_empty() && !waiting.closed {
                    waiting.idle = true;
                    waiting = self
                        .arrived
                        .wait(waiting)
                        .unwrap_or_else(|e| e.into_inner());
                }
                waiting.idle = false;
                if waiting.closed {
                    return;
                }
            }
            std::thread::sleep(delay);
            self.write(&[]);
        }
    }

    /// Adds a deferred line; the caller writes when the buffer is full or the log closed.
    fn defer(&self, line: &[u8]) {
        let mut waiting = lock(&self.waiting);
        if waiting.closed || waiting.bytes.len() + line.len() > MAX_BUFFERED {
            drop(waiting);
            self.write(line);
            return;
        }
        waiting.bytes.extend_from_slice(line);
        if waiting.idle {
            waiting.idle = false;
            drop(waiting);
            self.arrived.notify_one();
        }
    }

    /// Writes the waiting lines, then `line`, in one write.
    fn write(&self, line: &[u8]) {
        let mut out = lock(&self.out);
        let batch = std::mem::take(&mut lock(&self.waiting).bytes);
        write_out(&mut *out, batch, line);
    }
}

/// `batch` then `line` in one write (no copy when nothing waits).
fn write_out(out: &mut impl Write, mut batch: Vec<u8>, line: &[u8]) {
    let bytes = if batch.is_empty() {
        line
    } else {
        batch.extend_from_slice(line);
        &batch
    };
    if bytes.is_empty() {
        return;
    }
    // A log that cannot be written has nowhere to report it.
    let _ = out.write_all(bytes);
    let _ = out.flush();
}

/// A poisoned lock only means a panic while it was held; the bytes are still bytes.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// One line's writer: tracing's formatter writes a whole line in one `write_all`.
pub struct LineWriter<'a, W: Write + Send + 'static> {
    shared: &'a Inner<W>,
    deferred: bool,
}

impl<W: Write + Send + 'static> Write for LineWriter<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.deferred {
            self.shared.defer(bytes);
        } else {
            self.shared.write(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a, W: Write + Send + 'static> MakeWriter<'a> for Log<W> {
    type Writer = LineWriter<'a, W>;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter {
            shared: &self.shared,
            deferred: false,
        }
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Self::Writer {
        LineWriter {
            shared: &self.shared,
            deferred: *meta.level() == Level::INFO && meta.target() == crate::mcp::LOG_TARGET,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// A writer the test reads, counting the writes it was given.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<(Vec<u8>, usize)>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let mut inner = self.0.lock().unwrap();
            inner.0.extend_from_slice(bytes);
            inner.1 += 1;
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().0.clone()).unwrap()
        }
        fn writes(&self) -> usize {
            self.0.lock().unwrap().1
        }
    }

    fn writer(log: &Log<Captured>, deferred: bool) -> LineWriter<'_, Captured> {
        LineWriter {
            shared: &log.shared,
            deferred,
        }
    }

    #[test]
    fn deferred_lines_go_out_together_within_the_delay() {
        let out = Captured::default();
        let log = Log::new(out.clone(), Duration::from_millis(50));
        let started = Instant::now();
        for n in 0..10 {
            writeln!(writer(&log, true), "call {n}").unwrap();
        }
        assert_eq!(out.text(), "", "nothing is written at once");
        while out.text().is_empty() {
            assert!(started.elapsed() < Duration::from_secs(5), "never written");
            std::thread::sleep(Duration::from_millis(5));
        }
        let expected: String = (0..10).map(|n| format!("call {n}\n")).collect();
        assert_eq!(out.text(), expected);
        assert_eq!(out.writes(), 1, "one write for the batch");
        assert!(started.elapsed() >= Duration::from_millis(50));
    }

    #[test]
    fn other_lines_are_written_at_once_after_those_waiting() {
        let out = Captured::default();
        let log = Log::new(out.clone(), Duration::from_secs(60));
        writeln!(writer(&log, true), "call").unwrap();
        writeln!(writer(&log, false), "warning").unwrap();
        assert_eq!(out.text(), "call\nwarning\n");
    }

    #[test]
    fn flush_and_close_write_what_waits_and_later_lines_at_once() {
        let out = Captured::default();
        let log = Log::new(out.clone(), Duration::from_secs(60));
        writeln!(writer(&log, true), "one").unwrap();
        log.flush();
        assert_eq!(out.text(), "one\n");
        writeln!(writer(&log, true), "two").unwrap();
        log.close();
        assert_eq!(out.text(), "one\ntwo\n");
        writeln!(writer(&log, true), "three").unwrap();
        assert_eq!(out.text(), "one\ntwo\nthree\n", "closed: no more waiting");
    }

    #[test]
    fn a_full_buffer_is_written_by_the_caller() {
        let out = Captured::default();
        let log = Log::new(out.clone(), Duration::from_secs(60));
        let line = vec![b'x'; 1000];
        let fits = MAX_BUFFERED / line.len();
        for _ in 0..fits {
            writer(&log, true).write_all(&line).unwrap();
        }
        assert_eq!(out.writes(), 0);
        writer(&log, true).write_all(&line).unwrap();
        assert_eq!(out.writes(), 1);
        assert_eq!(out.text().len(), (fits + 1) * line.len());
    }

    #[test]
    fn only_the_tool_call_line_is_deferred() {
        use tracing_subscriber::layer::SubscriberExt;
        let out = Captured::default();
        let log = Log::new(out.clone(), Duration::from_secs(60));
        let subscriber = tracing_subscriber::registry().with(
            tracing_subscriber::fmt::layer()
                .with_writer(log.clone())
                .with_ansi(false),
        );
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(target: "backlog_mcp::mcp", tool = "get_issue", "tool call");
            assert_eq!(out.text(), "", "the call line waits");
            tracing::warn!(target: "backlog_mcp::mcp", "tool call failed badly");
            tracing::info!(target: "backlog_mcp::http", "listening");
        });
        let text = out.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].contains("tool call") && lines[0].contains("get_issue"));
        assert!(lines[1].contains("failed badly"));
        assert!(lines[2].contains("listening"));
    }
}
