//! cognito-emulator: a local Amazon Cognito user-pool emulator that speaks the real wire
//! protocol (AWS JSON 1.1) and really verifies SRP, for the demo and the tests.
//!
//! `cognito-emulator [--config FILE] [--port N] [--session-ttl SECS]` listens on 127.0.0.1 and
//! prints `listening on http://127.0.0.1:PORT` once ready.
#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used)]

mod account;
mod api;
mod app;
mod builtin;
mod challenges;
mod codes;
mod config;
mod custom_auth;
mod devices;
mod error;
mod flows;
mod http;
mod ids;
mod issue;
mod passkeys;
mod profile;
mod refresh;
mod requests;
mod sessions;
mod signup;
mod software_token;
mod srp_auth;
mod state;
mod store;
mod test_hooks;
mod tokens;
mod totp;
mod triggers;
mod user_auth;
mod users;
mod webauthn;
mod webhook;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

const USAGE: &str = "usage: cognito-emulator [--config FILE] [--port N] [--session-ttl SECS]";

/// Command-line options.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    config: PathBuf,
    /// 0 picks a free port.
    port: u16,
    session_ttl: Duration,
}

impl Options {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut options = Self {
            config: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("demo-pool.json"),
            port: 0,
            session_ttl: Duration::from_secs(180),
        };
        while let Some(flag) = args.next() {
            let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
            match flag.as_str() {
                "--config" => options.config = PathBuf::from(value()?),
                "--port" => {
                    options.port = value()?
                        .parse()
                        .map_err(|_| "--port takes a number 0-65535")?
                }
                "--session-ttl" => {
                    let seconds: u64 = value()?
                        .parse()
                        .map_err(|_| "--session-ttl takes seconds")?;
                    options.session_ttl = Duration::from_secs(seconds.max(1));
                }
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(options)
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("cognito-emulator: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(options).await {
        Ok(never) => match never {},
        Err(message) => {
            eprintln!("cognito-emulator: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: Options) -> Result<std::convert::Infallible, String> {
    let config = config::PoolConfig::load(&options.config)?;
    let listener = TcpListener::bind(("127.0.0.1", options.port))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", options.port))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let issuer = format!("http://127.0.0.1:{port}/{}", config.user_pool_id);
    let signer = tokens::TokenSigner::generate(tokens::KEY_BITS, issuer)?;
    let app = app::App::new(config, signer, options.session_ttl)?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening on http://127.0.0.1:{port}")
        .and_then(|()| stdout.flush())
        .map_err(|e| e.to_string())?;
    Ok(http::serve(listener, Arc::new(app)).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        Options::parse(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn defaults_to_the_demo_pool_on_a_free_port() {
        let options = parse(&[]).expect("no arguments");
        assert!(options.config.ends_with("emulator/demo-pool.json"));
        assert!(options.config.is_absolute());
        assert_eq!(options.port, 0);
        assert_eq!(options.session_ttl, Duration::from_secs(180));
    }

    #[test]
    fn reads_flags() {
        let options =
            parse(&["--config", "p.json", "--port", "8080", "--session-ttl", "5"]).expect("flags");
        assert_eq!(options.config, PathBuf::from("p.json"));
        assert_eq!(options.port, 8080);
        assert_eq!(options.session_ttl, Duration::from_secs(5));
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "99999"]).is_err());
        assert!(parse(&["--verbose"]).is_err());
    }
}
