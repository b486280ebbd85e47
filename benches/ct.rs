//! A statistical timing test of the secret-exponent work (dudect: Reparaz, Balasch, Verbauwhede,
//! "Dude, is my code constant time?", 2017), natively, in `make bench`:
//!
//! * `A = g^a` (the comb) with a fixed `a` (all zero bytes) against random ones;
//! * the session key (`process_challenge`: g^x, then S with exponent a + u·x) with a fixed
//!   password against random ones, for a fixed `a` and B;
//! * a control that must leak, to show the test can see a difference of that size: a
//!   variable-time power (crypto-bigint's `pow_vartime`, which skips the product of a zero
//!   window) with a one-bit exponent against random ones of the same length.
//!
//! The two classes are interleaved in random order, so drift on a shared machine falls on both.
//! Welch's t over all samples and over those below the 90th percentile (dudect's cropping);
//! |t| > 4.5 is dudect's threshold for "a leak is likely". Prints one line per test and exits
//! 0: it measures, it does not gate.
//!
//!   cargo bench --bench ct -- [SAMPLES]      (default 2000 per test; DUDECT_SEED fixes the order)

use std::hint::black_box;
use std::time::Instant;

use cognito_wasm::srp::server::SrpServer;
use cognito_wasm::srp::{parse_hex, password_verifier, Credentials, EphemeralSecret, SrpClient};
use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, U1024, U3072};

const SALT: &str = "9c8f1a2b3c4d5e6f708192a3b4c5d6e7";
const CREDENTIALS: Credentials<'static> = Credentials {
    realm: "ABCdef123",
    user_id: "alice-internal-id",
    password: "Passw0rd!",
};
const THRESHOLD: f64 = 4.5;

/// splitmix64.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn fill(&mut self, out: &mut [u8]) {
        for byte in out {
            *byte = self.next() as u8;
        }
    }
}

/// Welch's t between two samples.
fn welch(a: &[f64], b: &[f64]) -> f64 {
    let stats = |x: &[f64]| {
        let n = x.len() as f64;
        let mean = x.iter().sum::<f64>() / n;
        let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (n, mean, var)
    };
    let ((na, ma, va), (nb, mb, vb)) = (stats(a), stats(b));
    (ma - mb) / (va / na + vb / nb).sqrt()
}

/// Times `run(prepare(class))` `samples` times per class (false: fixed, true: random), in
/// random class order (only `run` is timed), then prints the t-values: raw and cropped at the
/// 90th percentile of all samples.
fn measure<T>(
    name: &str,
    samples: usize,
    random: &mut Random,
    mut prepare: impl FnMut(bool, &mut Random) -> T,
    mut run: impl FnMut(T),
) {
    let mut times: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    while times[0].len() < samples || times[1].len() < samples {
        let class = random.next() & 1 == 1;
        let input = prepare(class, random);
        let start = Instant::now();
        run(input);
        times[usize::from(class)].push(start.elapsed().as_secs_f64() * 1e6);
    }
    let t = welch(&times[0], &times[1]);
    let mut all: Vec<f64> = times.iter().flatten().copied().collect();
    all.sort_by(f64::total_cmp);
    let cut = all[all.len() * 9 / 10];
    let cropped: Vec<Vec<f64>> = times
        .iter()
        .map(|x| x.iter().copied().filter(|&v| v <= cut).collect())
        .collect();
    let t_cropped = welch(&cropped[0], &cropped[1]);
    let median = |x: &[f64]| {
        let mut x = x.to_vec();
        x.sort_by(f64::total_cmp);
        x[x.len() / 2]
    };
    let verdict = if t.abs().max(t_cropped.abs()) > THRESHOLD {
        "LEAK LIKELY"
    } else {
        "no leak detected"
    };
    println!(
        "dudect: {name}: {} + {} samples, median {:.1} / {:.1} us (fixed / random), t = {t:.2}, t below p90 = {t_cropped:.2}: {verdict} (|t| > {THRESHOLD})",
        times[0].len(),
        times[1].len(),
        median(&times[0]),
        median(&times[1]),
    );
}

fn main() {
    let samples: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(2000);
    let seed = std::env::var("DUDECT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    println!("dudect: seed {seed} (DUDECT_SEED={seed} repeats the class order)");
    let mut random = Random(seed);

    measure(
        "A = g^a (comb)",
        samples,
        &mut random,
        |random_class, random| {
            let mut a = [0u8; 128];
            if random_class {
                random.fill(&mut a);
            }
            EphemeralSecret::from_be_slice(&a).expect("128 bytes fit")
        },
        |a| {
            black_box(SrpClient::new(a).map(|client| client.srp_a()).ok());
        },
    );

    let salt = parse_hex(SALT, "SALT").expect("hex");
    let b = EphemeralSecret::from_be_slice(&[0x2e; 32]).expect("32 bytes fit");
    let srp_b = SrpServer::new(&password_verifier(CREDENTIALS, &salt), b)
        .expect("B")
        .srp_b();
    measure(
        "session key (g^x, then S)",
        samples / 2,
        &mut random,
        |random_class, random| {
            let password = if random_class {
                format!("{:016x}", random.next())
            } else {
                "0000000000000000".into()
            };
            let a = EphemeralSecret::from_be_slice(&[0x1f; 128]).expect("128 bytes fit");
            (SrpClient::new(a).expect("A"), password)
        },
        |(client, password)| {
            let credentials = Credentials {
                password: &password,
                ..CREDENTIALS
            };
            black_box(client.process_challenge(credentials, SALT, &srp_b).ok());
        },
    );

    // The control: crypto-bigint's variable-time power skips the product of a zero window, so
    // an exponent with one set bit runs fewer products than a random one of the same length.
    let modulus = Odd::new(U3072::MAX).expect("2^3072 - 1 is odd");
    let base = FixedMontyForm::new(&U3072::from_u8(3), &FixedMontyParams::new_vartime(modulus));
    measure(
        "control: a variable-time power (crypto-bigint pow_vartime), 2^1023 vs random 1024-bit",
        samples,
        &mut random,
        |random_class, random| {
            let mut e = [0u8; 128];
            if random_class {
                random.fill(&mut e);
            }
            e[0] |= 0x80;
            U1024::from_be_slice(&e)
        },
        |e| {
            black_box(base.pow_vartime(&e));
        },
    );
}
