//! Replays every file of the fuzz corpora (`fuzz/corpus/<target>/`, minimised by `make fuzz`)
//! through the same entry points as the fuzz targets (`fuzz/entries.rs`), on stable: a past
//! finding, or an input that once reached new code, must still pass every invariant.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../fuzz/entries.rs"]
mod entries;

use std::fs;
use std::path::Path;

fn fuzz_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz"))
}

#[test]
fn every_corpus_file_passes_its_entry() {
    for (name, _) in entries::ENTRIES {
        let dir = fuzz_dir().join("corpus").join(name);
        let files: Vec<_> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.expect("directory entry").path())
            .collect();
        assert!(!files.is_empty(), "{} is empty", dir.display());
        for file in &files {
            let data = fs::read(file).expect("corpus file");
            let outcome = std::panic::catch_unwind(|| entries::run(name, &data));
            assert!(outcome.is_ok(), "{} failed its entry", file.display());
        }
        println!("{name}: {} corpus files replayed", files.len());
    }
}

#[test]
fn every_entry_is_a_fuzz_target() {
    let manifest = fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    let bin = fs::read_to_string(fuzz_dir().join("fuzz_targets/json.rs")).expect("json.rs");
    for (name, _) in entries::ENTRIES {
        let line = format!("path = \"fuzz_targets/{name}.rs\"");
        assert!(
            manifest.contains(&line),
            "no [[bin]] {name} in fuzz/Cargo.toml"
        );
        let target = fuzz_dir().join(format!("fuzz_targets/{name}.rs"));
        let text = fs::read_to_string(&target).unwrap_or_default();
        assert_eq!(text, bin, "{} differs from json.rs", target.display());
    }
}
