//! A stable, dependency-free content hash for job ids (FNV-1a, two lanes → 128 bits).

/// Hashes bytes into 32 lowercase hex characters. Stable across builds and platforms, so the
/// same job content always gets the same id.
pub fn stable_hash_hex(bytes: &[u8]) -> String {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x84222325_cbf29ce4;
    for &byte in bytes {
        a ^= u64::from(byte);
        a = a.wrapping_mul(PRIME);
        b ^= u64::from(byte.rotate_left(3));
        b = b.wrapping_mul(PRIME).rotate_left(17);
    }
    format!("{a:016x}{b:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_same_hash_and_different_bytes_differ() {
        assert_eq!(stable_hash_hex(b"abc"), stable_hash_hex(b"abc"));
        assert_ne!(stable_hash_hex(b"abc"), stable_hash_hex(b"abd"));
        assert_eq!(stable_hash_hex(b"").len(), 32);
        // FNV-1a 64 of "a" is a published test vector.
        assert!(stable_hash_hex(b"a").starts_with("af63dc4c8601ec8c"));
    }
}
