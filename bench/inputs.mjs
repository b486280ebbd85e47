// The fixed inputs every implementation in the benchmark signs in with: the reference vector
// (docs: cognito-reference §B.5), so each result can be checked against a known signature.
export const N_HEX =
  "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7edee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3be39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e208e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff";

export const INPUTS = {
  poolName: "ABCdef123",
  userId: "alice-internal-id",
  password: "Passw0rd!",
  saltHex: "9c8f1a2b3c4d5e6f708192a3b4c5d6e7",
  aHex: "1f".repeat(128),
  bHex: "2e".repeat(32),
  secretBlock:
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==",
  timestamp: "Tue Sep 3 07:05:09 UTC 2024",
};

/** PASSWORD_CLAIM_SIGNATURE for these inputs (§B.5). */
export const EXPECTED_SIGNATURE = "dRy52NlSo9MZOyduwDnXGVdX80uDf1WEvnMP4wPO6j8=";
