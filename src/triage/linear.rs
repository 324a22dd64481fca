//! The trained triage model: multinomial logistic regression over [`Features`],
//! and its weights file (`assets/triage-model.bin`, embedded in the binary).
//!
//! The file is read in place (the embedded bytes are not copied): weights are 8-bit
//! integers with one scale per tier for the dense block and one for the hashed
//! block. A wrong magic, another format version, a bad checksum or another feature
//! layout is refused with an error that says which; triage then falls back to the
//! phrase rules.
//!
//! Layout, little-endian:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic `HEARTHTM` |
//! | 8 | 4 | format version (`FORMAT_VERSION`) |
//! | 12 | 8 | feature layout fingerprint ([`layout_fingerprint`]) |
//! | 20 | 4 | number of features (dense + hash buckets) |
//! | 24 | 4 | tiers (5) |
//! | 28 | 20 | bias per tier, f32 |
//! | 48 | 20 | dense-block scale per tier, f32 |
//! | 68 | 20 | hashed-block scale per tier, f32 |
//! | 88 | features × 5 | weights, i8, one row of 5 tiers per feature |
//! | end − 8 | 8 | checksum of everything before it ([`checksum`]) |

// Numeric model code: hashing into buckets, quantised weights and f32 scores
// narrow on purpose (each cast is bounded by the layout or clamped first).
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]

use super::features::{
    DENSE, FEATURES, Features, Origin, Signals, Sink, char_gram_count, char_gram_key,
    char_gram_words, char_grams, char_value, layout_fingerprint, visit_without_chars,
};
use super::text::Scanned;
use std::borrow::Cow;
use std::cell::RefCell;

pub const TIERS: usize = 5;
const MAGIC: &[u8; 8] = b"HEARTHTM";
/// Bump when the byte layout changes; a file of another version is refused.
pub const FORMAT_VERSION: u32 = 1;
const HEADER: usize = 88;
const TRAILER: usize = 8;

/// Why a weights file cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    #[error("triage model: not a hearth weights file (no HEARTHTM header)")]
    NotWeights,
    #[error("triage model: the file is cut short ({len} bytes)")]
    Truncated { len: usize },
    #[error(
        "triage model: format version {found}, but this build reads version {expected}; \
         retrain with `cargo run --release --example train_triage`"
    )]
    Version { found: u32, expected: u32 },
    #[error(
        "triage model: checksum mismatch (stored {stored:016x}, computed {computed:016x}): the file is corrupt"
    )]
    Checksum { stored: u64, computed: u64 },
    #[error(
        "triage model: built for another feature layout ({found:016x}, this build uses \
         {expected:016x}); retrain with `cargo run --release --example train_triage`"
    )]
    Layout { found: u64, expected: u64 },
    #[error("triage model: {features} features × {tiers} tiers does not match this build")]
    Shape { features: u32, tiers: u32 },
    #[error("triage model: a scale or bias is not a finite number")]
    NotFinite,
}

/// Float weights, as training produces them: `w[feature * TIERS + tier]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    pub w: Vec<f32>,
    pub bias: [f32; TIERS],
}

impl Weights {
    pub fn zeros() -> Weights {
        Weights {
            w: vec![0.0; FEATURES * TIERS],
            bias: [0.0; TIERS],
        }
    }
}

/// A decoded weights file, ready to score.
#[derive(Debug, Clone)]
pub struct Model {
    bytes: Cow<'static, [u8]>,
    bias: [f32; TIERS],
    dense_scale: [f32; TIERS],
    hashed_scale: [f32; TIERS],
    checksum: u64,
}

/// A 64-bit checksum over 8-byte words (FNV-style multiply with a final mix): fast
/// enough to verify a megabyte at start-up in well under a millisecond, and any
/// flipped or lost byte changes it.
pub fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(b)).wrapping_mul(0x0000_0100_0000_01b3);
        h ^= h >> 31;
    }
    for b in chunks.remainder() {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(a)
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

fn f32s_at(b: &[u8], at: usize) -> [f32; TIERS] {
    let mut out = [0.0; TIERS];
    for (k, v) in out.iter_mut().enumerate() {
        *v = f32::from_bits(u32_at(b, at + 4 * k));
    }
    out
}

/// Per-tier scale so the largest weight of a block maps to ±127.
fn scales(w: &[f32], rows: std::ops::Range<usize>) -> [f32; TIERS] {
    let mut max = [0f32; TIERS];
    for r in rows {
        for (t, m) in max.iter_mut().enumerate() {
            *m = m.max(w[r * TIERS + t].abs());
        }
    }
    max.map(|m| if m > 0.0 { m / 127.0 } else { 1.0 })
}

impl Model {
    /// Quantise and serialise `weights` into the file format.
    pub fn encode(weights: &Weights) -> Vec<u8> {
        let dense_scale = scales(&weights.w, 0..DENSE as usize);
        let hashed_scale = scales(&weights.w, DENSE as usize..FEATURES);
        let mut out = Vec::with_capacity(HEADER + FEATURES * TIERS + TRAILER);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&layout_fingerprint().to_le_bytes());
        out.extend_from_slice(&(FEATURES as u32).to_le_bytes());
        out.extend_from_slice(&(TIERS as u32).to_le_bytes());
        for block in [&weights.bias, &dense_scale, &hashed_scale] {
            for v in block {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        for f in 0..FEATURES {
            let scale = if f < DENSE as usize {
                &dense_scale
            } else {
                &hashed_scale
            };
            for (t, scale) in scale.iter().enumerate() {
                let q = (weights.w[f * TIERS + t] / scale)
                    .round()
                    .clamp(-127.0, 127.0);
                out.push(q as i8 as u8);
            }
        }
        let sum = checksum(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// Check and decode a weights file. Nothing is copied when `bytes` is borrowed.
    pub fn decode(bytes: Cow<'static, [u8]>) -> Result<Model, ModelError> {
        let b: &[u8] = &bytes;
        if b.len() < MAGIC.len() || &b[..MAGIC.len()] != MAGIC {
            return Err(ModelError::NotWeights);
        }
        if b.len() < HEADER + TRAILER {
            return Err(ModelError::Truncated { len: b.len() });
        }
        // The version first: another version may not even have a checksum here.
        let version = u32_at(b, 8);
        if version != FORMAT_VERSION {
            return Err(ModelError::Version {
                found: version,
                expected: FORMAT_VERSION,
            });
        }
        let body = b.len() - TRAILER;
        let stored = u64_at(b, body);
        let computed = checksum(&b[..body]);
        if stored != computed {
            return Err(ModelError::Checksum { stored, computed });
        }
        let layout = u64_at(b, 12);
        if layout != layout_fingerprint() {
            return Err(ModelError::Layout {
                found: layout,
                expected: layout_fingerprint(),
            });
        }
        let (features, tiers) = (u32_at(b, 20), u32_at(b, 24));
        if features as usize != FEATURES
            || tiers as usize != TIERS
            || body != HEADER + FEATURES * TIERS
        {
            return Err(ModelError::Shape { features, tiers });
        }
        let bias = f32s_at(b, 28);
        let dense_scale = f32s_at(b, 48);
        let hashed_scale = f32s_at(b, 68);
        let finite = [bias, dense_scale, hashed_scale]
            .iter()
            .flatten()
            .all(|v| v.is_finite());
        if !finite {
            return Err(ModelError::NotFinite);
        }
        Ok(Model {
            bias,
            dense_scale,
            hashed_scale,
            checksum: stored,
            bytes,
        })
    }

    /// The file's checksum, to tell two models apart in logs and `--explain`.
    pub fn checksum(&self) -> u64 {
        self.checksum
    }

    pub fn bias(&self) -> [f32; TIERS] {
        self.bias
    }

    fn raw_row(&self, feature: u32) -> &[u8] {
        let at = HEADER + feature as usize * TIERS;
        &self.bytes[at..at + TIERS]
    }

    /// The weights of one feature, per tier.
    pub fn row(&self, feature: u32) -> [f32; TIERS] {
        let scale = if feature < DENSE {
            &self.dense_scale
        } else {
            &self.hashed_scale
        };
        let raw = self.raw_row(feature);
        let mut out = [0.0; TIERS];
        for t in 0..TIERS {
            out[t] = f32::from(raw[t] as i8) * scale[t];
        }
        out
    }

    /// Back to float weights (for tests and for tools that start from a model).
    pub fn weights(&self) -> Weights {
        let mut w = Weights::zeros();
        for f in 0..FEATURES {
            let row = self.row(f as u32);
            w.w[f * TIERS..(f + 1) * TIERS].copy_from_slice(&row);
        }
        w.bias = self.bias;
        w
    }

    /// Raw scores (logits) per tier. The two blocks are summed in integer units
    /// times the value and scaled once at the end.
    pub fn scores(&self, f: &Features) -> [f32; TIERS] {
        let mut dense = [0f32; TIERS];
        let mut hashed = [0f32; TIERS];
        for (&i, &v) in f.index.iter().zip(&f.value) {
            let raw = self.raw_row(i);
            let acc = if i < DENSE { &mut dense } else { &mut hashed };
            for t in 0..TIERS {
                acc[t] += f32::from(raw[t] as i8) * v;
            }
        }
        let mut out = self.bias;
        for t in 0..TIERS {
            out[t] += dense[t] * self.dense_scale[t] + hashed[t] * self.hashed_scale[t];
        }
        out
    }
}

/// Scores taken apart by where they came from: each dense feature, and each word
/// (its unigram, half of each bigram it is in, and its char n-grams). Built in the
/// same pass as the scores, so a reason costs no second look-up of the weights.
#[derive(Debug, Clone)]
pub struct Breakdown {
    pub dense: [[f32; TIERS]; DENSE as usize],
    pub words: Vec<[f32; TIERS]>,
}

/// Per thread, the summed char n-gram weights of recently seen words: a message's
/// char n-grams are most of its features, and most words recur.
const CHAR_CACHE: usize = 4096;

#[derive(Clone, Copy, Default)]
struct CachedWord {
    key: u64,
    sums: [i32; TIERS],
}

thread_local! {
    static CHAR_SUMS: RefCell<Vec<CachedWord>> = const { RefCell::new(Vec::new()) };
}

impl Model {
    /// The raw (unscaled) char n-gram weights of `word`, summed.
    fn char_sums_uncached(&self, word: &str, cjk: bool) -> [i32; TIERS] {
        let mut sums = [0i32; TIERS];
        char_grams(word, cjk, |bucket, _, _| {
            let raw = self.raw_row(bucket);
            for t in 0..TIERS {
                sums[t] += i32::from(raw[t] as i8);
            }
        });
        sums
    }

    /// Runs `f` with a look-up of words' summed char n-gram weights, through this
    /// thread's cache (borrowed once per message, not once per word).
    fn with_char_sums(&self, f: impl FnOnce(&mut dyn FnMut(&str, bool) -> [i32; TIERS])) {
        CHAR_SUMS.with(|cache| {
            let Ok(mut cache) = cache.try_borrow_mut() else {
                f(&mut |word, cjk| self.char_sums_uncached(word, cjk));
                return;
            };
            if cache.is_empty() {
                cache.resize(CHAR_CACHE, CachedWord::default());
            }
            f(&mut |word, cjk| {
                // The model's checksum is part of the key: tests and evaluation run
                // several models in one thread.
                let key = char_gram_key(word, cjk) ^ self.checksum.rotate_left(17);
                let slot = &mut cache[(key as usize) & (CHAR_CACHE - 1)];
                if slot.key != key {
                    *slot = CachedWord {
                        key,
                        sums: self.char_sums_uncached(word, cjk),
                    };
                }
                slot.sums
            });
        });
    }

    /// [`Model::scores`] and their [`Breakdown`] for a list of features. When `f`
    /// was built without char n-grams (`extract_without_chars`), they are added
    /// here per word, from the cache; the result is the same either way.
    pub(crate) fn scores_with_breakdown(
        &self,
        f: &Features,
        scanned: &Scanned,
        chars_included: bool,
    ) -> ([f32; TIERS], Breakdown) {
        let mut acc = Accumulator::new(self, scanned.len());
        for ((&i, &v), origin) in f.index.iter().zip(&f.value).zip(&f.origin) {
            acc.add(i, v, *origin);
        }
        self.finish(acc, scanned, !chars_included)
    }

    /// Scores and breakdown of a message straight from its signals, with no
    /// feature list in between: what classify uses.
    pub(crate) fn score_signals(&self, s: &Signals<'_>) -> ([f32; TIERS], Breakdown) {
        let mut acc = Accumulator::new(self, s.scanned.len());
        visit_without_chars(s, &mut acc);
        self.finish(acc, s.scanned, true)
    }

    fn finish(
        &self,
        acc: Accumulator<'_>,
        scanned: &Scanned,
        add_chars: bool,
    ) -> ([f32; TIERS], Breakdown) {
        let mut b = acc.breakdown;
        if add_chars {
            let cjk = scanned.has_cjk;
            let n: usize = char_gram_words(scanned)
                .map(|(_, w)| char_gram_count(w, cjk))
                .sum();
            let v = char_value(n);
            self.with_char_sums(|sums_of| {
                for (i, word) in char_gram_words(scanned) {
                    let sums = sums_of(word, cjk);
                    for (acc, sum) in b.words[i].iter_mut().zip(sums) {
                        *acc += sum as f32 * v;
                    }
                }
            });
        }
        let mut scores = self.bias;
        for row in &mut b.dense {
            for t in 0..TIERS {
                row[t] *= self.dense_scale[t];
                scores[t] += row[t];
            }
        }
        for row in &mut b.words {
            for t in 0..TIERS {
                row[t] *= self.hashed_scale[t];
                scores[t] += row[t];
            }
        }
        (scores, b)
    }
}

/// Adds `value × raw weights` of each feature to the part of the breakdown it
/// belongs to (in raw units; `Model::finish` scales them).
struct Accumulator<'m> {
    model: &'m Model,
    breakdown: Breakdown,
}

impl Accumulator<'_> {
    fn new(model: &Model, n_words: usize) -> Accumulator<'_> {
        Accumulator {
            model,
            breakdown: Breakdown {
                dense: [[0.0; TIERS]; DENSE as usize],
                words: vec![[0.0; TIERS]; n_words],
            },
        }
    }
}

impl Sink for Accumulator<'_> {
    fn add(&mut self, index: u32, value: f32, origin: Origin) {
        let raw = self.model.raw_row(index);
        let add = |acc: &mut [f32; TIERS], share: f32| {
            for t in 0..TIERS {
                acc[t] += f32::from(raw[t] as i8) * value * share;
            }
        };
        let b = &mut self.breakdown;
        match origin {
            Origin::Dense(d) => add(&mut b.dense[d.index() as usize], 1.0),
            Origin::Word(w) | Origin::Chars { word: w, .. } => {
                if let Some(acc) = b.words.get_mut(usize::from(w)) {
                    add(acc, 1.0);
                }
            }
            Origin::Bigram(w) => {
                let w = usize::from(w);
                if w + 1 < b.words.len() {
                    add(&mut b.words[w], 0.5);
                    add(&mut b.words[w + 1], 0.5);
                }
            }
        }
    }
}

/// Softmax of raw scores.
pub fn probabilities(scores: &[f32; TIERS]) -> [f32; TIERS] {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut p = scores.map(|s| (s - max).exp());
    let sum: f32 = p.iter().sum();
    for v in &mut p {
        *v /= sum;
    }
    p
}

/// Float scores straight from training weights (no quantisation), for training.
pub fn float_scores(w: &Weights, index: &[u32], value: &[f32]) -> [f32; TIERS] {
    let mut out = w.bias;
    for (&i, &v) in index.iter().zip(value) {
        let row = &w.w[i as usize * TIERS..(i as usize + 1) * TIERS];
        for t in 0..TIERS {
            out[t] += row[t] * v;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::features::{Dense, Origin};

    fn some_weights() -> Weights {
        let mut w = Weights::zeros();
        // A tier-2 leaning dense feature and a tier-5 leaning bucket.
        let d = Dense::RetentionPhrase.index() as usize;
        w.w[d * TIERS + 1] = 2.0;
        w.w[d * TIERS] = -0.5;
        let h = DENSE as usize + 12345;
        w.w[h * TIERS + 4] = 0.8;
        w.bias = [0.1, 0.0, -0.1, 0.2, -0.2];
        w
    }

    fn features(pairs: &[(u32, f32)]) -> Features {
        Features {
            index: pairs.iter().map(|p| p.0).collect(),
            value: pairs.iter().map(|p| p.1).collect(),
            origin: pairs.iter().map(|_| Origin::Word(0)).collect(),
        }
    }

    #[test]
    fn encode_decode_round_trip_keeps_scores_close() {
        let w = some_weights();
        let bytes = Model::encode(&w);
        assert_eq!(bytes.len(), HEADER + FEATURES * TIERS + TRAILER);
        let m = Model::decode(Cow::Owned(bytes)).unwrap();
        let f = features(&[(Dense::RetentionPhrase.index(), 1.0), (DENSE + 12345, 0.5)]);
        let exact = float_scores(&w, &f.index, &f.value);
        let quantised = m.scores(&f);
        for t in 0..TIERS {
            assert!(
                (exact[t] - quantised[t]).abs() < 0.02,
                "{exact:?} {quantised:?}"
            );
        }
        assert_eq!(m.bias(), w.bias);
        let p = probabilities(&quantised);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert!(p[1] > p[0] && p[1] > p[4], "{p:?}");
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let good = Model::encode(&some_weights());
        let decode = |b: Vec<u8>| Model::decode(Cow::Owned(b)).unwrap_err();

        assert_eq!(decode(b"PK\x03\x04 a zip".to_vec()), ModelError::NotWeights);
        assert_eq!(decode(Vec::new()), ModelError::NotWeights);
        assert_eq!(
            decode(good[..40].to_vec()),
            ModelError::Truncated { len: 40 }
        );

        let mut other_version = good.clone();
        other_version[8..12].copy_from_slice(&7u32.to_le_bytes());
        let err = decode(other_version);
        assert_eq!(
            err,
            ModelError::Version {
                found: 7,
                expected: FORMAT_VERSION
            }
        );
        assert!(err.to_string().contains("version 7"), "{err}");

        let mut flipped = good.clone();
        flipped[HEADER + 1000] ^= 0x10;
        let err = decode(flipped);
        assert!(matches!(err, ModelError::Checksum { .. }), "{err}");
        assert!(err.to_string().contains("corrupt"), "{err}");

        let mut cut = good.clone();
        cut.truncate(good.len() - 100);
        assert!(matches!(decode(cut), ModelError::Checksum { .. }));

        // Another layout with a valid checksum (as a future build would write it).
        let mut other_layout = good[..good.len() - TRAILER].to_vec();
        other_layout[12] ^= 1;
        let sum = checksum(&other_layout);
        other_layout.extend_from_slice(&sum.to_le_bytes());
        assert!(matches!(decode(other_layout), ModelError::Layout { .. }));
    }

    #[test]
    fn checksum_sees_single_byte_changes_and_lengths() {
        let a = vec![0u8; 1000];
        let mut b = a.clone();
        b[999] = 1;
        assert_ne!(checksum(&a), checksum(&b));
        assert_ne!(checksum(&a[..999]), checksum(&a));
        assert_eq!(checksum(&a), checksum(&a.clone()));
    }
}
