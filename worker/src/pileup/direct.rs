//! Reads without indels counted straight from their decoded buffers: most reads are one run
//! of aligned bases between clips ([`ReadBuffers::aligned_run`]), so a base's position and
//! its place in the read follow from each other, and a fragment of such reads is counted
//! without making an event per base or merging event lists. What it counts is what
//! [`super::read::read_events`] and [`super::mates::merge_pair`] would give (a unit test
//! compares the two on random fragments), base for base.
//!
//! A stretch of positions is counted in two passes, so that neither loop holds more than a
//! few values per position and neither branches on a base:
//! 1. one byte per position says what is kept there ([`MATCHED`], [`REVERSE`], [`ODD`] …):
//!    byte operations only, which the compiler does sixteen positions at a time (the
//!    better mate of an overlap is selected by masks);
//! 2. the codes are counted: a base matching the reference (nearly all) adds to its
//!    position's [`Matches`] lanes and expected errors, without looking up its column; the
//!    few odd ones (other bases, unknown reference) are counted exactly afterwards.
//!
//! [`Matches`]: super::types::Matches
//! [`ReadBuffers::aligned_run`]: super::read::ReadBuffers::aligned_run

use super::read::{below_min_quality, READ_END_WINDOW};
use super::types::{match_lanes, mismatch, PositionTable, RunCodes, Tally};

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
/// base at code 0 being its `i`-th of `len`: at most twice the window of positions.
///
/// [`READ_END_WINDOW`]: super::read::READ_END_WINDOW
fn mark_near_ends(codes: &mut [u8], i: usize, len: usize, second: bool) {
    let n = codes.len();
    // `near_read_end(i + x, len)`: `i + x` below the window, or at least `len - window`.
    let head = READ_END_WINDOW.saturating_sub(i).min(n);
    let tail = len
        .saturating_sub(READ_END_WINDOW)
        .saturating_sub(i)
        .clamp(head, n);
    let want = bits(second, SECOND);
    let (front, rest) = codes.split_at_mut(tail);
    for c in front[..head].iter_mut().chain(rest) {
        if *c & SECOND == want {
            *c |= NEAR_END;
        }
    }
}

/// What a code adds to its position's [`Matches`] lanes, by the code's [`MATCHED`],
/// [`REVERSE`] and [`NEAR_END`] bits (its three lowest), for fragments that are not F1R2
/// (`[0]`) and that are (`[1]`): one table lookup per position instead of shifts and masks.
const MATCH_LANES: [[[u64; 2]; 8]; 2] = {
    let mut table = [[[0; 2]; 8]; 2];
    let mut f1r2 = 0;
    while f1r2 < 2 {
        let mut c = 0;
        while c < 8 {
            if c & MATCHED != 0 {
                table[f1r2][c as usize] =
                    match_lanes(c & REVERSE != 0, f1r2 == 1, c & NEAR_END != 0);
            }
            c += 1;
        }
        f1r2 += 1;
    }
    table
};

/// Positions `[lo, hi)` of the region (the caller clips to it): counts them from the codes
/// made for them, with the bases and qualities kept there. Matches are counted without a
/// branch on the base; the odd bases (a few per cent) are counted exactly afterwards.
/// Returns (mismatches, bases below the minimum quality, positions where the mates differ).
fn count_codes(
    tally: &mut Tally<'_>,
    (lo, hi): (u64, u64),
    codes: &[u8],
    bases: &[u8],
    qualities: &[u8],
) -> (usize, u64, u64) {
    let Some(first) = tally.reference.offset(lo).filter(|_| lo < hi) else {
        return (0, 0, 0);
    };
    let range = first..first + (hi - lo) as usize;
    let found = (
        tally.matches.get_mut(range.clone()),
        tally.errors.get_mut(range.clone()),
        tally.reference.bases.get(range.clone()),
    );
    debug_assert!(
        found.0.is_some() && found.1.is_some() && found.2.is_some(),
        "{lo}-{hi} outside the region"
    );
    let (Some(matches), Some(sums), Some(reference)) = found else {
        return (0, 0, 0);
    };
    let n = matches.len();
    let (codes, qualities) = (&codes[..n], &qualities[..n]);
    let errors = tally.error_thirds;
    let lanes = &MATCH_LANES[usize::from(tally.f1r2)];
    // Unseen bases (low half) and differing positions (high half), from the top three
    // bits of a code.
    const TALLIES: [u64; 8] = [0, 1, 1, 2, 1 << 32, 1 | 1 << 32, 1 | 1 << 32, 2 | 1 << 32];
    let mut tallies = 0u64;
    for x in 0..n {
        let c = codes[x];
        let [strands, others] = lanes[usize::from(c & (MATCHED | REVERSE | NEAR_END))];
        let slot = &mut matches[x];
        slot[0] += strands;
        slot[1] += others;
        tallies += TALLIES[usize::from(c >> 5)];
        sums[x] += kept(errors[usize::from(qualities[x])], c & MATCHED != 0);
    }
    let mut mismatches = 0;
    let counts = &mut tally.counts[range];
    // Found sixteen codes at a time: most stretches have none.
    let odd = codes
        .chunks(16)
        .enumerate()
        .filter(|(_, chunk)| chunk.iter().fold(0, |any, c| any | c) & ODD != 0)
        .flat_map(|(k, chunk)| (k * 16..).zip(chunk))
        .filter(|(_, &c)| c & ODD != 0);
    for (x, &c) in odd {
        mismatches += usize::from(mismatch(reference[x], bases[x]));
        let (reverse, near_end) = (c & REVERSE != 0, c & NEAR_END != 0);
        if counts[x].add_base(bases[x], (reverse, tally.f1r2), near_end) {
            sums[x] += errors[usize::from(qualities[x])];
        }
    }
    (mismatches, tallies & u64::from(u32::MAX), tallies >> 32)
}

/// `error` where `keep`, else 0, without a branch.
#[inline]
fn kept(error: u64, keep: bool) -> u64 {
    error & 0u64.wrapping_sub(u64::from(keep))
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
        let (k0, n) = ((lo - self.start) as usize, keys.len());
        let (bases, qualities) = (&self.bases[k0..k0 + n], &self.qualities[k0..k0 + n]);
        let (codes, _, _) = scratch.kept(n);
        let reverse = bits(self.reverse, REVERSE);
        for x in 0..n {
            let (base, key) = (bases[x], keys[x]);
            let seen = !below_min_quality(qualities[x], min_bq);
            let matched = seen & is_match(base, key);
            codes[x] = u8::from(matched)
                | reverse
                | bits(seen & !matched, ODD)
                | bits(!seen, FIRST_UNSEEN);
        }
        mark_near_ends(codes, k0, self.bases.len(), false);
        let (mismatches, unseen, _) = count_codes(tally, (lo, hi), codes, bases, qualities);
        *low += unseen;
        tally.mismatches += mismatches;
    }
}

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
    let mut overlap = (
        first.start.max(second.start).max(lo),
        first.end().min(second.end()).min(hi),
    );
    if overlap.0 >= overlap.1 {
        // Mates apart: each read counted whole, around an empty overlap.
        overlap = (lo, lo);
    }
    for run in [first, second] {
        run.give((lo, overlap.0), min_bq, low, tally, scratch);
        run.give((overlap.1, hi), min_bq, low, tally, scratch);
    }
    if overlap.0 >= overlap.1 {
        return;
    }
    let Some(keys) = keys(tally, overlap) else {
        return;
    };
    let n = keys.len();
    let (i, j) = (
        (overlap.0 - first.start) as usize,
        (overlap.0 - second.start) as usize,
    );
    let (a_bases, a_qualities) = (&first.bases[i..i + n], &first.qualities[i..i + n]);
    let (b_bases, b_qualities) = (&second.bases[j..j + n], &second.qualities[j..j + n]);
    let (codes, bases, qualities) = scratch.kept(n);
    let strands = (bits(first.reverse, REVERSE), bits(second.reverse, REVERSE));
    // Byte operations only, nothing branched on (which mate is better is a coin toss per
    // position): sixteen positions at a time.
    for x in 0..n {
        let (a, qa, b, qb, key) = (
            a_bases[x],
            a_qualities[x],
            b_bases[x],
            b_qualities[x],
            keys[x],
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
        codes[x] = u8::from(matched)
            | (strands.1 & mask)
            | (strands.0 & !mask)
            | bits(counted & !matched, ODD)
            | (SECOND & mask)
            | bits(!first_seen, FIRST_UNSEEN)
            | bits(!second_seen, SECOND_UNSEEN)
            | bits(differ, DIFFER);
        bases[x] = base;
        qualities[x] = (qb & mask) | (qa & !mask);
    }
    mark_near_ends(codes, i, first.bases.len(), false);
    mark_near_ends(codes, j, second.bases.len(), true);
    let (mismatches, unseen, differ) = count_codes(tally, overlap, codes, bases, qualities);
    *low += unseen;
    *discordant += differ;
    tally.mismatches += mismatches;
}
