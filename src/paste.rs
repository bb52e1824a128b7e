//! Lines typed or pasted into the terminal while `astro login` waits for the browser. On a
//! machine without a browser, the browser elsewhere is sent to its own `localhost` and never
//! reaches the local callback, so the user pastes the address it ended on instead.
//!
//! The terminal is read on a plain thread (a blocking tokio stdin task would keep the runtime
//! from shutting down), and only when it has a whole line ready: the thread waits with `poll`
//! and a short timeout, so when the wait is over it stops promptly and leaves no read pending
//! on the terminal that would take the keys meant for a later prompt.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::mpsc;

/// How often the reader looks whether it should stop.
#[cfg(unix)]
const TICK: std::time::Duration = std::time::Duration::from_millis(50);
/// Longer lines are cut (a login address is a few hundred bytes).
#[cfg(unix)]
const MAX_LINE: usize = 16 * 1024;

/// The lines entered in the terminal, as they come. Dropping it stops the reader.
pub struct PastedLines {
    lines: mpsc::UnboundedReceiver<String>,
    stop: Arc<AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl PastedLines {
    /// Starts reading stdin when it is a terminal; `None` when it is not (or on a platform
    /// where the terminal cannot be read without leaving a read pending).
    pub fn start() -> Option<Self> {
        use std::io::IsTerminal;
        if !std::io::stdin().is_terminal() {
            return None;
        }
        Self::spawn()
    }

    #[cfg(unix)]
    fn spawn() -> Option<Self> {
        let (tx, lines) = mpsc::unbounded_channel();
        let stop = Arc::new(AtomicBool::new(false));
        let reader = std::thread::Builder::new()
            .name("astro-paste".into())
            .spawn({
                let stop = Arc::clone(&stop);
                move || read_lines(&tx, &stop)
            })
            .ok()?;
        Some(Self {
            lines,
            stop,
            reader: Some(reader),
        })
    }

    #[cfg(not(unix))]
    fn spawn() -> Option<Self> {
        None
    }

    /// The next line (trimmed), or `None` once the terminal has no more input.
    pub async fn next(&mut self) -> Option<String> {
        self.lines.recv().await
    }
}

impl Drop for PastedLines {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            // Within one tick: the reader never blocks in a read.
            let _ = reader.join();
        }
    }
}

#[cfg(unix)]
fn read_lines(tx: &mpsc::UnboundedSender<String>, stop: &AtomicBool) {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    use rustix::io::Errno;

    let stdin = std::io::stdin();
    let tick = Timespec {
        tv_sec: 0,
        tv_nsec: TICK.as_nanos() as _,
    };
    let mut line = Vec::new();
    let mut buf = [0u8; 4096];
    while !stop.load(Ordering::SeqCst) {
        // A background job that reads its terminal is stopped (SIGTTIN): read only in front.
        if !in_foreground(&stdin) {
            std::thread::sleep(TICK);
            continue;
        }
        let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
        match poll(&mut fds, Some(&tick)) {
            Ok(0) | Err(Errno::INTR) => continue,
            Ok(_) => {}
            Err(_) => return,
        }
        let ready = fds[0].revents();
        if stop.load(Ordering::SeqCst) {
            // The wait is over: what was typed is for whatever reads the terminal next.
            return;
        }
        if !ready.contains(PollFlags::IN) {
            if ready.intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL) {
                return;
            }
            continue;
        }
        match rustix::io::read(&stdin, &mut buf) {
            Ok(0) => return, // end of input (Ctrl-D)
            Ok(n) => {
                for &byte in &buf[..n] {
                    if byte == b'\n' {
                        let text = String::from_utf8_lossy(&line).trim().to_owned();
                        line.clear();
                        if tx.send(text).is_err() {
                            return;
                        }
                    } else if line.len() < MAX_LINE {
                        line.push(byte);
                    }
                }
            }
            Err(Errno::INTR | Errno::AGAIN) => {}
            Err(_) => return,
        }
    }
}

/// Whether this process is in the terminal's foreground process group (true when that cannot
/// be told, e.g. the terminal is not the controlling one: then no job control applies).
#[cfg(unix)]
fn in_foreground(stdin: &std::io::Stdin) -> bool {
    rustix::termios::tcgetpgrp(stdin).map_or(true, |group| group == rustix::process::getpgrp())
}
