//! Reads without indels counted straight from their decoded buffers: most reads are one run
//! of aligned bases between clips ([`ReadBuffers::aligned_run`]), so a base's position and
//! its place in the read follow from each other, and a fragment of such reads is counted
//! without making an event per base or merging event lists. What it counts is what
//! [`super::read::read_events`] and [`super::mates::merge_pair`] would give (a unit test
//! compares the two on random fragments), base for base.
//!
//! [`ReadBuffers::aligned_run`]: super::read::ReadBuffers::aligned_run

use super::read::{below_min_quality, near_read_end};
use super::types::{mismatch, PositionCounts, RegionReference, Tally};

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

impl Run<'_> {
    /// One past the last reference position.
    fn end(&self) -> u64 {
        self.start + self.bases.len() as u64
    }

    /// Counts this read's bases at positions `[lo, hi)` (clipped to the read).
    fn give(&self, (lo, hi): (u64, u64), min_bq: u8, low: &mut u64, tally: &mut Tally<'_>) {
        let (lo, hi) = (lo.max(self.start), hi.min(self.end()));
        let Some((counts, reference)) = position_slices(tally.counts, tally.reference, (lo, hi))
        else {
            return;
        };
        let (len, k0, n) = (self.bases.len(), (lo - self.start) as usize, counts.len());
        let (bases, qualities) = (&self.bases[k0..k0 + n], &self.qualities[k0..k0 + n]);
        let strands = (self.reverse, tally.f1r2);
        // Tallied in registers, not through the references, each iteration.
        let (mut unseen, mut mismatches) = (0u64, 0usize);
        for x in 0..n {
            let (base, quality) = (bases[x], qualities[x]);
            if below_min_quality(quality, min_bq) {
                unseen += 1;
                continue;
            }
            mismatches += usize::from(mismatch(reference[x], base));
            let error = tally.error_thirds[usize::from(quality.min(93))];
            counts[x].add_base(base, strands, near_read_end(k0 + x, len), error);
        }
        *low += unseen;
        tally.mismatches += mismatches;
    }
}

/// The counts and reference bases of positions `[lo, hi)` (empty when `lo >= hi`); the
/// caller clips to the region, for which the counter holds both.
fn position_slices<'t>(
    counts: &'t mut [PositionCounts],
    reference: &'t RegionReference,
    (lo, hi): (u64, u64),
) -> Option<(&'t mut [PositionCounts], &'t [u8])> {
    if lo >= hi {
        return None;
    }
    let first = reference.offset(lo)?;
    let last = first + (hi - lo) as usize;
    let found = (
        counts.get_mut(first..last),
        reference.bases.get(first..last),
    );
    debug_assert!(
        found.0.is_some() && found.1.is_some(),
        "{lo}-{hi} outside the region"
    );
    Some((found.0?, found.1?))
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
    tally: &mut Tally<'_>,
) {
    let Some(second) = second else {
        first.give((lo, hi), min_bq, low, tally);
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
        run.give((lo, overlap.0), min_bq, low, tally);
        run.give((overlap.1, hi), min_bq, low, tally);
    }
    let Some((counts, reference)) = position_slices(tally.counts, tally.reference, overlap) else {
        return;
    };
    let n = counts.len();
    let (i, j) = (
        (overlap.0 - first.start) as usize,
        (overlap.0 - second.start) as usize,
    );
    let (first_len, second_len) = (first.bases.len(), second.bases.len());
    let (a_bases, a_qualities) = (&first.bases[i..i + n], &first.qualities[i..i + n]);
    let (b_bases, b_qualities) = (&second.bases[j..j + n], &second.qualities[j..j + n]);
    let f1r2 = tally.f1r2;
    // Tallied in registers, not through the references, each iteration.
    let (mut unseen, mut disagree, mut mismatches) = (0u64, 0u64, 0usize);
    for x in 0..n {
        let (a, qa, b, qb) = (a_bases[x], a_qualities[x], b_bases[x], b_qualities[x]);
        let (first_seen, second_seen) = (
            !below_min_quality(qa, min_bq),
            !below_min_quality(qb, min_bq),
        );
        unseen += u64::from(!first_seen) + u64::from(!second_seen);
        if first_seen & second_seen & (a != b) {
            disagree += 1;
            continue;
        }
        if !(first_seen | second_seen) {
            continue;
        }
        let (qa, qb) = (qa.min(93), qb.min(93));
        // Which mate is better is a coin toss per position: selected by masks, not branched
        // on (a branch would be mispredicted half the time).
        let take_second = !first_seen | (second_seen & (qb > qa));
        let mask = 0u8.wrapping_sub(u8::from(take_second));
        let base = (b & mask) | (a & !mask);
        let quality = (qb & mask) | (qa & !mask);
        let reverse = (second.reverse & take_second) | (first.reverse & !take_second);
        let near_end = (near_read_end(j + x, second_len) & take_second)
            | (near_read_end(i + x, first_len) & !take_second);
        mismatches += usize::from(mismatch(reference[x], base));
        let error = tally.error_thirds[usize::from(quality)];
        counts[x].add_base(base, (reverse, f1r2), near_end, error);
    }
    *low += unseen;
    *discordant += disagree;
    tally.mismatches += mismatches;
}
