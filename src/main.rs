//! The `astro` binary: parse the command line, run it, turn the outcome into an exit code.
//!
//! On Linux the binary starts at its own C `main` rather than through Rust's start-up code
//! (issue 16, start-up within 2× `/bin/true`). That code reads `/proc/self/maps` to find the
//! main thread's stack guard and installs a stack-overflow handler on an alternate signal stack:
//! about 20 system calls and 80 to 120 µs of every run here (bench/RESULTS.md), for nothing but the
//! message printed when the stack overflows (without it the process still dies, by SIGSEGV).
//! What else that code does is done here the same way: standard descriptors 0 to 2 are opened
//! on `/dev/null` when closed (so no file the program opens can become its stdout), SIGPIPE is
//! ignored (a closed pipe is an error on write, handled by the output module), and stdout is
//! flushed at the end.

#![cfg_attr(all(target_os = "linux", not(test)), no_main)]

#[cfg(not(all(target_os = "linux", not(test))))]
fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(astro_cli::run(std::env::args_os().collect()))
}

#[cfg(all(target_os = "linux", not(test)))]
#[allow(unsafe_code)]
mod entry {
    use std::ffi::{CStr, OsString, c_char, c_int};
    use std::io::Write;
    use std::os::unix::ffi::OsStringExt;

    /// The C entry point, called by the C library with the command line.
    #[unsafe(no_mangle)]
    extern "C" fn main(argc: c_int, argv: *const *const c_char) -> c_int {
        open_closed_standard_descriptors();
        // SAFETY: setting a signal's disposition to "ignore" has no memory effect.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
        let count = usize::try_from(argc).unwrap_or(0);
        let args: Vec<OsString> = (0..count)
            .map(|i| {
                // SAFETY: the C library passes `argc` valid NUL-terminated strings in `argv`,
                // alive for the whole run.
                let arg = unsafe { CStr::from_ptr(*argv.add(i)) };
                OsString::from_vec(arg.to_bytes().to_vec())
            })
            .collect();
        let status = astro_cli::run(args);
        let _ = std::io::stdout().flush();
        c_int::from(status)
    }

    /// Opens `/dev/null` on each of descriptors 0, 1 and 2 that is closed, as Rust's start-up
    /// does (one `poll` for the three, `fcntl` for each if `poll` fails); it cannot fail in a
    /// way worth going on from.
    fn open_closed_standard_descriptors() {
        let mut fds = [0, 1, 2].map(|fd| libc::pollfd {
            fd,
            events: 0,
            revents: 0,
        });
        // SAFETY: `fds` is a valid array of three `pollfd`s; a zero timeout does not block.
        let polled = unsafe { libc::poll(fds.as_mut_ptr(), 3, 0) } != -1;
        for pfd in fds {
            let closed = if polled {
                pfd.revents & libc::POLLNVAL != 0
            } else {
                // SAFETY: F_GETFD only reads the descriptor's flags.
                let flags = unsafe { libc::fcntl(pfd.fd, libc::F_GETFD) };
                flags == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF)
            };
            // The lowest free descriptor is the closed one (they are reopened in order).
            // SAFETY: a valid NUL-terminated path; the descriptor is left open on purpose.
            if closed && unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) } == -1 {
                std::process::abort();
            }
        }
    }
}
