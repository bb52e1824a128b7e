//! Running one `astro` child and measuring it exactly: wall time from spawn to reaping, and
//! peak resident memory from the kernel's accounting (`wait4`'s `ru_maxrss`), not by polling.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one child run cost.
#[derive(Debug, Clone, Copy)]
pub struct ChildRun {
    pub wall: Duration,
    /// Peak resident set size in KiB (`ru_maxrss` on Linux).
    pub maxrss_kib: u64,
    /// CPU time the child used, user plus system (`wait4`'s `ru_utime` + `ru_stime`): unlike
    /// the wall time, barely affected by other work sharing the machine.
    pub cpu: Duration,
}

/// Runs `cmd` with stdout to /dev/null (or `stdout` if given) and stderr to a file in
/// `scratch`; fails with the child's stderr when it does not exit 0.
pub fn run(cmd: &mut Command, scratch: &Path) -> Result<ChildRun, String> {
    let err_path = scratch.join("child.stderr");
    let err_file =
        File::create(&err_path).map_err(|e| format!("cannot create {err_path:?}: {e}"))?;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(err_file));
    let start = Instant::now();
    let child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
    let pid = libc::pid_t::try_from(child.id()).map_err(|_| "pid out of range".to_owned())?;
    let (status, rusage) = wait4(pid).map_err(|e| format!("wait4({pid}): {e}"))?;
    let wall = start.elapsed();
    // `child` is already reaped by wait4; dropping a std `Child` neither waits nor kills.
    drop(child);
    let exited_ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    if !exited_ok {
        let mut stderr = String::new();
        if let Ok(mut f) = File::open(&err_path) {
            let _ = f.read_to_string(&mut stderr);
        }
        let how = if libc::WIFEXITED(status) {
            format!("exit code {}", libc::WEXITSTATUS(status))
        } else {
            format!("signal {}", libc::WTERMSIG(status))
        };
        return Err(format!(
            "{cmd:?} failed ({how}); its stderr:\n{}",
            stderr.trim_end()
        ));
    }
    Ok(ChildRun {
        wall,
        maxrss_kib: u64::try_from(rusage.ru_maxrss).unwrap_or(0),
        cpu: timeval(rusage.ru_utime) + timeval(rusage.ru_stime),
    })
}

fn timeval(t: libc::timeval) -> Duration {
    let secs = u64::try_from(t.tv_sec).unwrap_or(0);
    let micros = u32::try_from(t.tv_usec).unwrap_or(0);
    Duration::from_secs(secs) + Duration::from_micros(u64::from(micros))
}

fn wait4(pid: libc::pid_t) -> std::io::Result<(libc::c_int, libc::rusage)> {
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is a plain C struct for which all-zero bytes are a valid value.
    let mut rusage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers are to live, writable locals of the types wait4 expects;
        // `pid` is our own unreaped child, so no other process's status can be consumed.
        let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut rusage) };
        if rc == pid {
            return Ok((status, rusage));
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}
