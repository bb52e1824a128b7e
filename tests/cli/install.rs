//! install.sh against a release served on loopback: archives made by packaging/package.sh from
//! the `astro` binary these tests built, served by a tiny HTTP server in the test, installed by
//! `sh install.sh` the way `curl … | sh` runs it.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, OnceLock};

use tempfile::TempDir;

use crate::common::{BIN, stderr, stdout};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The target install.sh picks on this machine (Linux: the static musl build).
fn machine_target() -> String {
    let arch = std::env::consts::ARCH;
    match std::env::consts::OS {
        "linux" => format!("{arch}-unknown-linux-musl"),
        "macos" => format!("{arch}-apple-darwin"),
        other => panic!("install.sh does not support {other}"),
    }
}

/// A release on loopback: SHA256SUMS and one archive for this machine, and the paths asked for.
struct Release {
    tmp: TempDir,
    url: String,
    asked: Arc<Mutex<Vec<String>>>,
    archive: String,
}

/// The archive for this machine and its SHA256SUMS, made once per test run by
/// packaging/package.sh from the test binary (its debug info stripped when `strip` is there,
/// and lightly compressed: the debug build is large).
fn packaged() -> &'static (PathBuf, String) {
    static PACKAGED: OnceLock<(PathBuf, String)> = OnceLock::new();
    PACKAGED.get_or_init(|| {
        let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("install-release");
        let _ = std::fs::remove_dir_all(&work);
        std::fs::create_dir_all(&work).unwrap();
        let bin = work.join("astro");
        std::fs::copy(BIN, &bin).unwrap();
        let _ = Command::new("strip").arg("-S").arg(&bin).output();
        let site = work.join("site");
        let target = machine_target();
        let out = Command::new("bash")
            .arg(Path::new(ROOT).join("packaging/package.sh"))
            .arg(&target)
            .arg(&bin)
            .env("OUT", &site)
            .env("GZIP_LEVEL", "1")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let archive = format!("astro-{VERSION}-{target}.tar.gz");
        assert_eq!(stdout(&out).trim(), site.join(&archive).to_str().unwrap());
        let sums = std::fs::read_to_string(site.join("SHA256SUMS")).unwrap();
        assert!(sums.ends_with(&format!("  {archive}\n")), "{sums}");
        assert_eq!(sums.lines().count(), 1, "{sums}");
        (site, archive)
    })
}

impl Release {
    /// Serves a copy of the packaged release; `corrupt` flips a byte of the archive after its
    /// checksum was written.
    fn new(corrupt: bool) -> Release {
        let (packaged_site, archive) = packaged();
        let tmp = TempDir::new().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        for name in ["SHA256SUMS", archive.as_str()] {
            std::fs::copy(packaged_site.join(name), site.join(name)).unwrap();
        }
        if corrupt {
            let path = site.join(archive);
            let mut bytes = std::fs::read(&path).unwrap();
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0xff;
            std::fs::write(&path, bytes).unwrap();
        }
        let (url, asked) = serve(site);
        Release {
            tmp,
            url,
            asked,
            archive: archive.clone(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }

    /// `sh install.sh` with HOME in the temp dir, the given PATH entries before the system's,
    /// and `env` on top.
    fn install(&self, path_first: &[&Path], env: &[(&str, &str)]) -> Output {
        let home = self.path("home");
        std::fs::create_dir_all(&home).unwrap();
        let mut path: Vec<PathBuf> = path_first.iter().map(|p| p.to_path_buf()).collect();
        path.extend(system_path());
        let mut cmd = Command::new("sh");
        cmd.arg(Path::new(ROOT).join("install.sh"))
            .env("HOME", &home)
            .env("PATH", std::env::join_paths(path).unwrap())
            .env("SHELL", "/bin/bash")
            .env("ASTRO_INSTALL_BASE_URL", &self.url)
            .env_remove("ASTRO_INSTALL_DIR")
            .env_remove("ASTRO_VERSION")
            .env_remove("ASTRO_INSTALL_TARGET");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }
}

/// This machine's PATH without the directories holding an `astro` (a real install must not
/// change what the tests see).
fn system_path() -> Vec<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .filter(|dir| !dir.join("astro").exists())
        .collect()
}

/// Serves the files of `dir` over HTTP/1.1 on 127.0.0.1 (GET only, one request per
/// connection) and records each path asked for.
fn serve(dir: PathBuf) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = asked.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                match reader.read_line(&mut header) {
                    Ok(0) | Err(_) => break,
                    Ok(_) if header == "\r\n" || header == "\n" => break,
                    Ok(_) => {}
                }
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("/")
                .to_owned();
            log.lock().unwrap().push(path.clone());
            let name = path.trim_start_matches('/');
            let file = (!name.contains("..") && !name.is_empty())
                .then(|| std::fs::read(dir.join(name)).ok())
                .flatten();
            let (status, body) = match file {
                Some(body) => ("200 OK", body),
                None => ("404 Not Found", b"not found\n".to_vec()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    (url, asked)
}

fn version_of(bin: &Path) -> String {
    let out = Command::new(bin).arg("--version").output().unwrap();
    assert!(out.status.success());
    stdout(&out)
}

#[test]
fn install_sh_installs_this_machines_archive_into_local_bin_and_tells_how_to_reach_it() {
    let release = Release::new(false);
    let out = release.install(&[], &[]);
    let (text, err) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{text}\n{err}");

    let bin_dir = release.path("home/.local/bin");
    let installed = bin_dir.join("astro");
    assert_eq!(version_of(&installed), version_of(Path::new(BIN)));
    assert!(
        text.contains(&format!("downloading {}", release.archive)),
        "{text}"
    );
    assert!(text.contains("checksum ok"), "{text}");
    assert!(
        text.contains(&format!("{} is not on your PATH", bin_dir.display())),
        "{text}"
    );
    assert!(
        text.contains(&format!("export PATH=\"{}:$PATH\"", bin_dir.display())),
        "{text}"
    );
    assert!(text.contains(".bashrc"), "{text}");
    assert!(!err.contains("warning"), "{err}");
    assert_eq!(
        release.asked(),
        ["/SHA256SUMS".to_owned(), format!("/{}", release.archive)]
    );
}

#[test]
fn install_sh_installs_a_pinned_version_into_install_dir_on_path_without_a_hint() {
    let release = Release::new(false);
    let dir = release.path("tools/bin");
    let out = release.install(
        &[&dir],
        &[
            ("ASTRO_INSTALL_DIR", dir.to_str().unwrap()),
            ("ASTRO_VERSION", &format!("v{VERSION}")),
        ],
    );
    let (text, err) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{text}\n{err}");
    assert_eq!(version_of(&dir.join("astro")), version_of(Path::new(BIN)));
    assert!(!text.contains("not on your PATH"), "{text}");
    assert!(!err.contains("warning"), "{err}");
    assert!(!release.path("home/.local").exists());
}

#[test]
fn install_sh_refuses_a_version_the_release_does_not_have() {
    let release = Release::new(false);
    let out = release.install(&[], &[("ASTRO_VERSION", "9.9.9")]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "error: no archive for {} version 9.9.9",
            machine_target()
        )),
        "{err}"
    );
    assert_eq!(release.asked(), ["/SHA256SUMS"]);
    assert!(!release.path("home/.local").exists());
}

#[test]
fn install_sh_refuses_a_corrupted_archive_and_installs_nothing() {
    let release = Release::new(true);
    // An earlier install stays as it was.
    let dir = release.path("home/.local/bin");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("astro"), "previous astro\n").unwrap();

    let out = release.install(&[], &[]);
    let (text, err) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{text}\n{err}");
    assert!(
        err.contains(&format!(
            "error: checksum mismatch for {}: expected ",
            release.archive
        )),
        "{err}"
    );
    assert!(err.contains("Nothing was installed."), "{err}");
    assert!(!text.contains("installed"), "{text}");
    assert_eq!(
        std::fs::read_to_string(dir.join("astro")).unwrap(),
        "previous astro\n"
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
}

#[test]
fn install_sh_warns_when_another_astro_comes_earlier_on_path() {
    let release = Release::new(false);
    let go = release.path("go/bin");
    std::fs::create_dir_all(&go).unwrap();
    let go_astro = go.join("astro");
    std::fs::write(&go_astro, "#!/bin/sh\necho 'Astro CLI Version: 1.38.1'\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&go_astro, std::fs::Permissions::from_mode(0o755)).unwrap();
    let dir = release.path("home/.local/bin");

    let out = release.install(&[&go, &dir], &[]);
    let (text, err) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{text}\n{err}");
    assert_eq!(version_of(&dir.join("astro")), version_of(Path::new(BIN)));
    assert!(
        err.contains(&format!(
            "warning: another astro comes earlier on your PATH: {}",
            go_astro.display()
        )),
        "{err}"
    );
    assert!(!text.contains("not on your PATH"), "{text}");
}
