//! The retry schedule: exponential backoff with full jitter.

/// Delay before retry number `attempt` (0-based): uniformly random in
/// `[0, min(cap, base * 2^attempt))`, so many clients retrying at once spread out.
pub fn delay_ms(attempt: u32, base_ms: f64, cap_ms: f64) -> f64 {
    delay_with(attempt, base_ms, cap_ms, random_unit())
}

/// [`delay_ms`] with the random draw in `[0, 1)` given.
pub fn delay_with(attempt: u32, base_ms: f64, cap_ms: f64, unit: f64) -> f64 {
    let ceiling = (base_ms.max(0.0) * 2f64.powi(attempt.min(62) as i32)).min(cap_ms.max(0.0));
    ceiling * unit.clamp(0.0, 1.0)
}

/// A random number in `[0, 1)`. Without a random source, half way: still backs off.
fn random_unit() -> f64 {
    let mut bytes = [0u8; 4];
    match getrandom::getrandom(&mut bytes) {
        Ok(()) => f64::from(u32::from_le_bytes(bytes)) / 4_294_967_296.0,
        Err(_) => 0.5,
    }
}

/// A random hex string of `bytes` random bytes, e.g. for STS role session names.
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes.min(64)];
    // A failed draw leaves zeros: the name is still valid, only less unique.
    let _ = getrandom::getrandom(&mut buffer);
    hex::encode(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_until_the_cap() {
        assert_eq!(delay_with(0, 100.0, 20_000.0, 0.999_999), 99.9999);
        assert_eq!(delay_with(3, 100.0, 20_000.0, 0.5), 400.0);
        assert_eq!(delay_with(20, 100.0, 20_000.0, 0.5), 10_000.0);
        assert_eq!(delay_with(u32::MAX, 100.0, 20_000.0, 1.0), 20_000.0);
        assert_eq!(delay_with(2, 100.0, 20_000.0, 0.0), 0.0);
    }

    #[test]
    fn draws_differ_and_stay_in_range() {
        let draws: Vec<f64> = (0..50).map(|_| delay_ms(4, 100.0, 20_000.0)).collect();
        assert!(draws.iter().all(|d| (0.0..1600.0).contains(d)));
        assert!(draws.iter().any(|d| *d != draws[0]));
        assert_eq!(random_hex(8).len(), 16);
    }
}
