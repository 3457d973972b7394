//! The local AWS emulator, for tests here and in the functions (std only, so it costs the
//! functions nothing): moto's server mode, from the virtual environment
//! `scripts/test` installs, on a free loopback port, stopped when dropped. Nothing here reaches
//! beyond 127.0.0.1. moto runs through `tests/emulator/moto_server.py`, which sends item
//! timestamps in AWS's wire format.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::clients::Settings;

/// The region every emulator test uses.
pub const REGION: &str = "eu-west-1";
/// The account id moto answers with.
pub const ACCOUNT_ID: &str = "123456789012";

/// A running moto server.
#[derive(Debug)]
pub struct Moto {
    child: Child,
    port: u16,
}

/// The virtual environment's Python: `OURSIDE_VENV`, else `~/.cache/ourside-venv`.
fn python() -> PathBuf {
    let venv = std::env::var_os("OURSIDE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/ourside-venv")
        });
    venv.join("bin/python")
}

/// The launcher script, in the repository.
const SERVER_SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/emulator/moto_server.py"
);

/// moto's request log goes to the file `OURSIDE_EMULATOR_LOG` names, when set.
fn log() -> Stdio {
    std::env::var_os("OURSIDE_EMULATOR_LOG")
        .and_then(|path| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .ok()
        })
        .map_or_else(Stdio::null, Stdio::from)
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}

impl Moto {
    /// Starts moto and waits until it answers. Fails with a message saying how to install it.
    pub fn start() -> Result<Moto, String> {
        let python = python();
        if !python.exists() {
            return Err(format!(
                "{} not found: run scripts/test once, it installs the emulator (moto) into a virtual environment",
                python.display()
            ));
        }
        let mut last_error = String::new();
        // A port found free can be taken before moto binds it: try a few.
        for _ in 0..3 {
            let port = free_port().map_err(|e| format!("no free loopback port: {e}"))?;
            let child = Command::new(&python)
                .args([SERVER_SCRIPT, "-H", "127.0.0.1", "-p", &port.to_string()])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log())
                .spawn()
                .map_err(|e| format!("cannot start {} {SERVER_SCRIPT}: {e}", python.display()))?;
            let mut moto = Moto { child, port };
            match moto.wait_ready(Duration::from_secs(30)) {
                Ok(()) => return Ok(moto),
                Err(e) => last_error = e,
            }
        }
        Err(format!("moto did not start: {last_error}"))
    }

    fn wait_ready(&mut self, limit: Duration) -> Result<(), String> {
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("moto exited with {status}"));
            }
            if self.request("GET", "/moto-api/data.json").is_ok() {
                return Ok(());
            }
            if started.elapsed() > limit {
                return Err(format!("no answer on port {} within {limit:?}", self.port));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Client settings pointing at this emulator.
    pub fn settings(&self) -> Settings {
        Settings::local(REGION, &self.endpoint())
    }

    /// Forgets every resource (`POST /moto-api/reset`).
    pub fn reset(&self) -> Result<(), String> {
        self.request("POST", "/moto-api/reset").map(|_| ())
    }

    /// A bare HTTP/1.1 request to the emulator's own API; returns the status code.
    fn request(&self, method: &str, path: &str) -> Result<u16, String> {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(2))
            .map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| e.to_string())?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.port
        )
        .map_err(|e| e.to_string())?;
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .map_err(|e| e.to_string())?;
        let status = response
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| format!("not an HTTP response: {response:.80}"))?;
        if (200..300).contains(&status) {
            Ok(status)
        } else {
            Err(format!("{method} {path}: HTTP {status}"))
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
