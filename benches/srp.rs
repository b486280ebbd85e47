//! Native timing of the client-side SRP work of one USER_SRP_AUTH sign-in (A, then the session
//! key and the claim signature), on the reference inputs (§B.5), for the "within 2.5x of native"
//! ratio in `make bench`. A plain loop: `cargo bench --bench srp -- [rounds]` prints the median,
//! min and max in milliseconds as one JSON line.

use std::time::Instant;

use cognito_wasm::bench::{client_sign_in, SignInInputs};
use cognito_wasm::srp::server::SrpServer;
use cognito_wasm::srp::{parse_hex, password_verifier, Credentials, EphemeralSecret};

const SALT: &str = "9c8f1a2b3c4d5e6f708192a3b4c5d6e7";
const CREDENTIALS: Credentials<'static> = Credentials {
    realm: "ABCdef123",
    user_id: "alice-internal-id",
    password: "Passw0rd!",
};

fn main() {
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(25);
    let salt = parse_hex(SALT, "SALT").expect("salt");
    let b = EphemeralSecret::from_be_slice(&[0x2e; 32]).expect("b");
    let srp_b = SrpServer::new(&password_verifier(CREDENTIALS, &salt), b)
        .expect("B")
        .srp_b();
    let a_hex = "1f".repeat(128);
    let inputs = SignInInputs {
        a_hex: &a_hex,
        credentials: CREDENTIALS,
        salt_hex: SALT,
        srp_b_hex: &srp_b,
        secret_block:
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==",
        timestamp: "Tue Sep 3 07:05:09 UTC 2024",
    };
    let sign_in = || client_sign_in(&inputs).expect("sign-in");
    let signature = sign_in();
    assert_eq!(signature, "dRy52NlSo9MZOyduwDnXGVdX80uDf1WEvnMP4wPO6j8=");
    let mut times: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(sign_in());
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "{{\"rounds\":{rounds},\"median_ms\":{:.2},\"min_ms\":{:.2},\"max_ms\":{:.2},\"signature\":\"{signature}\"}}",
        times[rounds / 2],
        times[0],
        times[rounds - 1]
    );
}
