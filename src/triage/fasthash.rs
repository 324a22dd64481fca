//! A small multiplicative hasher for short word keys: the std SipHash is built to
//! resist hash flooding, which our own compiled rule tables do not need, and it is
//! several times slower on the hot path of `classify`.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Debug, Default, Clone, Copy)]
pub struct WordHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub type WordMap<V> = HashMap<String, V, BuildHasherDefault<WordHasher>>;
pub type WordSet = HashSet<String, BuildHasherDefault<WordHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_by_str_work_and_keys_differ() {
        let mut m: WordMap<u32> = WordMap::default();
        m.insert("refund".into(), 1);
        m.insert("refunds".into(), 2);
        m.insert("a".into(), 3);
        assert_eq!(m.get("refund"), Some(&1));
        assert_eq!(m.get("refunds"), Some(&2));
        assert_eq!(m.get("a"), Some(&3));
        assert_eq!(m.get("refun"), None);
    }
}
