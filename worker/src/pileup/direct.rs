//! Reads without indels counted straight from their decoded buffers: most reads are one run
//! of aligned bases between clips ([`ReadBuffers::aligned_run`]), so a base's position and
//! its place in the read follow from each other, and a fragment of such reads is counted
//! without making an event per base or merging event lists. What it counts is what
//! [`super::read::read_events`] and [`super::mates::merge_pair`] would give (a unit test
//! compares the two on random fragments), base for base.
//!
//! A fragment is counted as one stretch of positions, from its first base to its last (two
//! mates that do not overlap: one stretch each), in two passes, so that neither loop holds
//! more than a few values per position and neither branches on a base:
//! 1. one byte per position says what is kept there ([`MATCHED`], [`REVERSE`], [`ODD`] …),
//!    with the base and its kept quality ([`kept_quality`]): byte operations only, which the
//!    compiler does sixteen positions at a time (the better mate of an overlap is selected
//!    by masks);
//! 2. the codes are counted: the stretch adds one matching base to each of its positions at
//!    once (two entries of a difference array, [`MatchTally`]); per position, without a
//!    branch, only the expected error (from the kept quality alone) and whether the base
//!    kept was a reverse-strand match are added; the matches near a read's end (at most
//!    twenty positions a read) are counted where they can lie; the few positions that keep
//!    no match, found eight codes at a time, take their base back and are counted exactly.
//!
//! [`MatchTally`]: super::matches::MatchTally
//! [`ReadBuffers::aligned_run`]: super::read::ReadBuffers::aligned_run

use super::matches::bulk_lanes;
use super::read::{below_min_quality, READ_END_WINDOW};
use super::types::{mismatch, PositionTable, RunCodes, Tally};

/// One read's run of aligned bases: where it starts, its bases and qualities, its strand.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    /// 1-based reference position of the first base.
    pub start: u64,
    /// The aligned bases (upper case).
    pub bases: &'a [u8],
    /// Their qualities (255 where unknown).
    pub qualities: &'a [u8],
    /// The read is reverse-complemented.
    pub reverse: bool,
}

/// Bits of a position's code ([`RunCodes`]), one byte, so that the loops making them
/// work on sixteen positions at once: the base kept matches the reference base
/// ([`super::types::Matches`]).
const MATCHED: u8 = 1;
/// The base kept was read on the reverse strand.
const REVERSE: u8 = 2;
/// It lies near an end of its read (set after the codes are made: [`mark_near_ends`]).
const NEAR_END: u8 = 4;
/// It is counted but is not a match: counted exactly, apart.
const ODD: u8 = 8;
/// It was the second mate's.
const SECOND: u8 = 16;
/// The first mate's base (or the read's) is below the minimum quality.
const FIRST_UNSEEN: u8 = 32;
/// The second mate's is.
const SECOND_UNSEEN: u8 = 64;
/// Both mates' are seen and differ: not counted.
const DIFFER: u8 = 128;

/// Whether a read's base is a match ([`super::types::Matches`]) against a position's match
/// key ([`super::types::RegionReference::match_keys`]; 0, an unknown reference base,
/// matches nothing).
#[inline]
fn is_match(base: u8, key: u8) -> bool {
    (base == key) & (key != 0)
}

/// Whether the bits of `mask` are set, as a byte: all ones or zero.
#[inline]
fn bits(flag: bool, mask: u8) -> u8 {
    0u8.wrapping_sub(u8::from(flag)) & mask
}

/// Sets [`NEAR_END`] on the codes of the positions whose kept base came from a read (the
/// second mate when `second`) and lies within [`READ_END_WINDOW`] of its ends, the read's
/// base at code 0 being its `i`-th of `len`: at most twice the window of positions. Returns
/// where those may lie, as [`NearEnd`] entries of the codes: the head's and the tail's.
///
/// [`READ_END_WINDOW`]: super::read::READ_END_WINDOW
fn mark_near_ends(codes: &mut [u8], i: usize, len: usize, second: bool) -> [NearEnd; 2] {
    let n = codes.len();
    // `near_read_end(i + x, len)`: `i + x` below the window, or at least `len - window`.
    let head = READ_END_WINDOW.saturating_sub(i).min(n);
    let tail = len
        .saturating_sub(READ_END_WINDOW)
        .saturating_sub(i)
        .clamp(head, n);
    let want = bits(second, SECOND);
    let (front, rest) = codes.split_at_mut(tail);
    // Two plain loops without a branch (a chained iterator with one is a byte at a time).
    for part in [&mut front[..head], rest] {
        for c in part.iter_mut() {
            *c |= bits(*c & SECOND == want, NEAR_END);
        }
    }
    [(0, head, want), (tail, n, want)]
}

/// Codes `from..to` that may be near an end of the read whose [`SECOND`] bit is the third:
/// [`count_codes`] counts the matches among them.
type NearEnd = (usize, usize, u8);

/// Moves [`NearEnd`] entries made on a slice of codes starting at `offset`.
fn shifted(entries: [NearEnd; 2], offset: usize) -> [NearEnd; 2] {
    entries.map(|(from, to, want)| (from + offset, to + offset, want))
}

/// A byte of ones in each lane of a word of eight codes.
const LANES: u64 = u64::from_le_bytes([1; 8]);

/// The sum of a word's eight bytes (each at most 31).
#[inline]
fn byte_sum(word: u64) -> u64 {
    word.wrapping_mul(LANES) >> 56
}

/// Positions `[lo, hi)` of the region (the caller clips to it): counts them from the codes
/// made for them, with the bases and qualities kept there, and the matches near a read's
/// end among the codes `near` names. Every position is first counted as a match at once
/// ([`MatchTally::bulk`]); then, without a branch on the base, the expected errors and the
/// reverse-strand matches; last, eight codes at a time, the unseen and differing bases are
/// summed and the few positions that keep no match are taken back and counted exactly.
/// Returns (mismatches, bases below the minimum quality, positions where the mates differ).
///
/// [`MatchTally::bulk`]: super::matches::MatchTally::bulk
fn count_codes(
    tally: &mut Tally<'_>,
    (lo, hi): (u64, u64),
    (codes, bases, qualities): (&[u8], &[u8], &[u8]),
    near: &[NearEnd],
) -> (usize, u64, u64) {
    let Some(first) = tally.reference.offset(lo).filter(|_| lo < hi) else {
        return (0, 0, 0);
    };
    let n = (hi - lo) as usize;
    let range = first..first + n;
    let matched = &mut *tally.matches;
    let found = (
        matched.corrections.get_mut(range.clone()),
        matched.reverse.get_mut(range.clone()),
        matched.bulk.get_mut(first..=first + n),
        tally.errors.get_mut(range.clone()),
        tally.reference.bases.get(range.clone()),
    );
    debug_assert!(
        found.0.is_some()
            && found.1.is_some()
            && found.2.is_some()
            && found.3.is_some()
            && found.4.is_some(),
        "{lo}-{hi} outside the region"
    );
    let (Some(corrections), Some(reverse), Some(bulk), Some(sums), Some(reference)) = found else {
        return (0, 0, 0);
    };
    let (codes, qualities) = (&codes[..n], &qualities[..n]);
    let (errors, kept_errors) = (tally.error_thirds, tally.kept_errors);
    let lanes = bulk_lanes(tally.f1r2);
    bulk[0] = bulk[0].wrapping_add(lanes);
    bulk[n] = bulk[n].wrapping_sub(lanes);
    for (sum, &quality) in sums.iter_mut().zip(qualities) {
        *sum += kept_errors[usize::from(quality)];
    }
    for (r, &c) in reverse.iter_mut().zip(codes) {
        *r += u32::from(c & (MATCHED | REVERSE) == MATCHED | REVERSE);
    }
    for &(from, to, want) in near {
        let wanted = MATCHED | NEAR_END | want;
        for (slot, &c) in corrections[from..to].iter_mut().zip(&codes[from..to]) {
            slot[1] += u64::from(c & (MATCHED | NEAR_END | SECOND) == wanted);
        }
    }
    let (mut unseen, mut differ, mut mismatches) = (0, 0, 0);
    let counts = &mut tally.counts[range];
    let words = codes.chunks_exact(8);
    // The last few codes padded with matches (which take nothing back).
    let mut tail = [MATCHED; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    let tail = (!words.remainder().is_empty()).then_some(u64::from_le_bytes(tail));
    let words = words.map(|w| u64::from_le_bytes(w.try_into().unwrap_or_default()));
    for (k, word) in words.chain(tail).enumerate() {
        unseen += byte_sum((word >> 5) & LANES) + byte_sum((word >> 6) & LANES);
        differ += byte_sum(word >> 7 & LANES);
        // One bit per code that keeps no match.
        let mut others = !word & LANES;
        while others != 0 {
            let x = k * 8 + (others.trailing_zeros() / 8) as usize;
            others &= others - 1;
            corrections[x][0] = corrections[x][0].wrapping_sub(lanes);
            let c = codes[x];
            if c & ODD == 0 {
                continue;
            }
            mismatches += usize::from(mismatch(reference[x], bases[x]));
            let (reverse, near_end) = (c & REVERSE != 0, c & NEAR_END != 0);
            if counts[x].add_base(bases[x], (reverse, tally.f1r2), near_end) {
                sums[x] += errors[usize::from(qualities[x] & !UNMATCHED)];
            }
        }
    }
    (mismatches, unseen, differ)
}

/// The reference's match keys of positions `[lo, hi)` (`lo < hi`, inside the region).
fn keys<'t>(tally: &'t Tally<'_>, (lo, hi): (u64, u64)) -> Option<&'t [u8]> {
    let first = tally.reference.offset(lo)?;
    tally
        .reference
        .match_keys
        .get(first..first + (hi - lo) as usize)
}

impl Run<'_> {
    /// One past the last reference position.
    fn end(&self) -> u64 {
        self.start + self.bases.len() as u64
    }

    /// Counts this read's bases at positions `[lo, hi)` (clipped to the read).
    fn give(
        &self,
        (lo, hi): (u64, u64),
        min_bq: u8,
        low: &mut u64,
        tally: &mut Tally<'_>,
        scratch: &mut RunCodes,
    ) {
        let (lo, hi) = (lo.max(self.start), hi.min(self.end()));
        if lo >= hi {
            return;
        }
        let Some(keys) = keys(tally, (lo, hi)) else {
            return;
        };
        let (codes, bases, qualities) = scratch.kept(keys.len());
        self.code(
            (lo, hi),
            keys,
            (min_bq, false),
            (&mut *codes, &mut *bases, &mut *qualities),
        );
        let near = mark_near_ends(codes, (lo - self.start) as usize, self.bases.len(), false);
        let (mismatches, unseen, _) =
            count_codes(tally, (lo, hi), (codes, bases, qualities), &near);
        *low += unseen;
        tally.mismatches += mismatches;
    }

    /// Codes this read's bases at positions `[lo, hi)` (inside the read; `keys` from `lo`
    /// on), with [`SECOND`] when it is a fragment's second mate, into the first `hi - lo`
    /// of `codes`, with the bases and their kept qualities ([`kept_quality`]).
    fn code(
        &self,
        (lo, hi): (u64, u64),
        keys: &[u8],
        (min_bq, second): (u8, bool),
        (codes, bases_out, qualities_out): (&mut [u8], &mut [u8], &mut [u8]),
    ) {
        let (k0, n) = ((lo - self.start) as usize, (hi - lo) as usize);
        let (bases, qualities, keys) = (
            &self.bases[k0..k0 + n],
            &self.qualities[k0..k0 + n],
            &keys[..n],
        );
        let (codes, bases_out, qualities_out) = (
            &mut codes[..n],
            &mut bases_out[..n],
            &mut qualities_out[..n],
        );
        let fixed = bits(self.reverse, REVERSE) | bits(second, SECOND);
        for x in 0..n {
            let (base, key, quality) = (bases[x], keys[x], qualities[x]);
            let seen = !below_min_quality(quality, min_bq);
            let matched = seen & is_match(base, key);
            codes[x] =
                u8::from(matched) | fixed | bits(seen & !matched, ODD) | bits(!seen, FIRST_UNSEEN);
            bases_out[x] = base;
            qualities_out[x] = kept_quality(quality, matched);
        }
    }
}

/// What a position keeps of its base's quality: at most 93 (93's error above, as for 255,
/// unknown), with [`UNMATCHED`] set when the base is no match, so that the expected errors
/// of matches are added without looking at the codes ([`Tally::kept_errors`]).
///
/// [`Tally::kept_errors`]: super::types::Tally::kept_errors
#[inline]
fn kept_quality(quality: u8, matched: bool) -> u8 {
    quality.min(93) | bits(!matched, UNMATCHED)
}

/// The bit of a kept quality ([`kept_quality`]) that says the base is no match.
pub(super) const UNMATCHED: u8 = 128;

/// Counts a fragment of one or two runs inside `[lo, hi)` (the region): bases below `min_bq`
/// in `low`, and positions where the mates disagree in `discordant`. Where both mates read
/// a position and agree, the base of the better one (the first on a tie) is kept.
pub(super) fn count_runs(
    first: &Run<'_>,
    second: Option<&Run<'_>>,
    (lo, hi): (u64, u64),
    min_bq: u8,
    (low, discordant): (&mut u64, &mut u64),
    (tally, scratch): (&mut Tally<'_>, &mut RunCodes),
) {
    let Some(second) = second else {
        first.give((lo, hi), min_bq, low, tally, scratch);
        return;
    };
    let overlap = (
        first.start.max(second.start).max(lo),
        first.end().min(second.end()).min(hi),
    );
    if overlap.0 >= overlap.1 {
        // Mates apart: each read counted whole.
        for run in [first, second] {
            run.give((lo, hi), min_bq, low, tally, scratch);
        }
        return;
    }
    // One stretch from the fragment's first base to its last, counted at once: the read
    // that starts first alone before the overlap, both in it, the one that ends last after.
    let span = (
        first.start.min(second.start).max(lo),
        first.end().max(second.end()).min(hi),
    );
    let Some(keys) = keys(tally, span) else {
        return;
    };
    let (lead, trail) = (
        if second.start < first.start {
            (second, true)
        } else {
            (first, false)
        },
        if second.end() > first.end() {
            (second, true)
        } else {
            (first, false)
        },
    );
    let n = keys.len();
    let (o0, o1) = ((overlap.0 - span.0) as usize, (overlap.1 - span.0) as usize);
    let (codes, bases, qualities) = scratch.kept(n);
    lead.0.code(
        (span.0, overlap.0),
        keys,
        (min_bq, lead.1),
        (&mut *codes, &mut *bases, &mut *qualities),
    );
    trail.0.code(
        (overlap.1, span.1),
        &keys[o1..],
        (min_bq, trail.1),
        (&mut codes[o1..], &mut bases[o1..], &mut qualities[o1..]),
    );
    let (i, j) = (
        (overlap.0 - first.start) as usize,
        (overlap.0 - second.start) as usize,
    );
    let m = o1 - o0;
    let (a_bases, a_qualities) = (&first.bases[i..i + m], &first.qualities[i..i + m]);
    let (b_bases, b_qualities) = (&second.bases[j..j + m], &second.qualities[j..j + m]);
    let (keys_in, codes_in, bases_in, qualities_in) = (
        &keys[o0..o1],
        &mut codes[o0..o1],
        &mut bases[o0..o1],
        &mut qualities[o0..o1],
    );
    let strands = (bits(first.reverse, REVERSE), bits(second.reverse, REVERSE));
    // Byte operations only, nothing branched on (which mate is better is a coin toss per
    // position): sixteen positions at a time.
    for x in 0..m {
        let (a, qa, b, qb, key) = (
            a_bases[x],
            a_qualities[x],
            b_bases[x],
            b_qualities[x],
            keys_in[x],
        );
        let (first_seen, second_seen) = (
            !below_min_quality(qa, min_bq),
            !below_min_quality(qb, min_bq),
        );
        let differ = first_seen & second_seen & (a != b);
        let counted = (first_seen | second_seen) & !differ;
        let (qa, qb) = (qa.min(93), qb.min(93));
        let take_second = !first_seen | (second_seen & (qb > qa));
        let mask = bits(take_second, u8::MAX);
        let base = (b & mask) | (a & !mask);
        let matched = counted & is_match(base, key);
        codes_in[x] = u8::from(matched)
            | (strands.1 & mask)
            | (strands.0 & !mask)
            | bits(counted & !matched, ODD)
            | (SECOND & mask)
            | bits(!first_seen, FIRST_UNSEEN)
            | bits(!second_seen, SECOND_UNSEEN)
            | bits(differ, DIFFER);
        bases_in[x] = base;
        qualities_in[x] = ((qb & mask) | (qa & !mask)) | bits(!matched, UNMATCHED);
    }
    let mut near = [(0, 0, 0); 4];
    for (k, (run, is_second)) in [(first, false), (second, true)].into_iter().enumerate() {
        let (from, to) = (run.start.max(span.0), run.end().min(span.1));
        let offset = (from - span.0) as usize;
        let part = &mut codes[offset..(to - span.0) as usize];
        let marked = mark_near_ends(
            part,
            (from - run.start) as usize,
            run.bases.len(),
            is_second,
        );
        near[2 * k..2 * k + 2].copy_from_slice(&shifted(marked, offset));
    }
    let (mismatches, unseen, differ) = count_codes(tally, span, (codes, bases, qualities), &near);
    *low += unseen;
    *discordant += differ;
    tally.mismatches += mismatches;
}
