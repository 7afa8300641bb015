//! The matching bases of a region: what nearly every base adds ([`Matches`]), and how they
//! are kept while the region is counted ([`MatchTally`]: a difference array for stretches,
//! per-position corrections) so that a base costs little.

use std::ops::Range;

/// What nearly every base adds at a position: a base equal to the position's reference base
/// (A, C, G or T) and seen (at or above the minimum base quality), counted by strand,
/// orientation and read end without its column, which is the reference's.
///
/// In 32-bit lanes of two numbers: on the forward strand (low half of the first) and the
/// reverse strand (its high half); of F1R2 fragments (low half of the second) and near an
/// end of their read (its high half). (A lane cannot carry into the next: a position holds
/// fewer than 2^32 bases.) A plain array, allocated zeroed as [`PositionCounts`](super::types::PositionCounts).
///
/// While a region is counted, its matches are kept apart ([`MatchTally`]) in a form that
/// costs little per base; [`MatchTally::settle`] makes these of them when counting ends.
pub type Matches = [u64; 2];

/// Puts `n` copies of `zero` before a table's first entry.
pub fn put_before<T: Clone>(table: &mut Vec<T>, zero: T, n: usize) {
    table.splice(0..0, std::iter::repeat_n(zero, n));
}

/// A matched base's lanes of [`MatchTally::bulk`]: one base (low half), of an F1R2 fragment
/// or not (high half).
#[inline]
pub const fn bulk_lanes(f1r2: bool) -> u64 {
    1 | (f1r2 as u64) << 32
}

/// The [`Matches`] of a region while it is counted, in a form that costs little per base
/// (every aligned base of a deep sample passes here):
/// * a stretch of positions a read (or two overlapping mates) covers adds one base to every
///   position at once, as two entries of a difference array (`bulk`, in the lanes of
///   [`bulk_lanes`]); its positions that keep no matching base take theirs back, one by one,
///   in `corrections` (a few per cent of positions);
/// * per position, the matching bases kept from reverse-strand reads (`reverse`: where two
///   mates overlap, which one's base is kept changes from position to position), added
///   sixteen positions at a time, and those near an end of their read (`corrections`' second
///   lane, at most twenty positions of a read).
///
/// Lanes are added and taken back with wrapping arithmetic: a sum of packed lanes is the
/// packing of the lanes' sums, and each final lane is below 2^32.
#[derive(Debug, Default)]
pub struct MatchTally {
    /// Difference array of [`bulk_lanes`], one entry more than the positions (a stretch
    /// ending at the region's end takes its base back one past it).
    pub bulk: Vec<u64>,
    /// Per position: bases taken back from `bulk` (first lane, as [`bulk_lanes`]) and the
    /// matching bases near an end of their read (second lane, low half).
    pub corrections: Vec<[u64; 2]>,
    /// Per position: the matching bases kept from reverse-strand reads.
    pub reverse: Vec<u32>,
}

impl MatchTally {
    /// Zeroed tallies of `n` positions (allocated zeroed: pages no read reaches are never
    /// written).
    pub fn zeroed(n: usize) -> Self {
        Self {
            bulk: vec![0; n + 1],
            corrections: vec![[0; 2]; n],
            reverse: vec![0; n],
        }
    }

    /// The same tallies with `n` zeroed positions put before the first.
    pub fn grow_front(&mut self, n: usize) {
        put_before(&mut self.bulk, 0, n);
        put_before(&mut self.corrections, [0; 2], n);
        put_before(&mut self.reverse, 0, n);
    }

    /// Makes the [`Matches`] of the positions in `reached` (the index ranges of what
    /// fragments reached, in order) in the place of their corrections ([`Self::corrections`]
    /// holds them then). The others are left alone, zero, and their pages unread: no stretch
    /// covers them, so every stretch added before a gap has ended by its first position, and
    /// the running sum starts again from zero after it.
    pub fn settle(&mut self, reached: &[Range<usize>]) {
        let (mut running, mut last_end) = (0u64, 0);
        for range in reached {
            if range.start != last_end {
                running = 0;
            }
            last_end = range.end;
            let end = range.end.min(self.corrections.len());
            for j in range.start.min(end)..end {
                let (Some(&bulk), Some(&reverse)) = (self.bulk.get(j), self.reverse.get(j)) else {
                    return;
                };
                let [fixed, near] = self.corrections[j];
                running = running.wrapping_add(bulk);
                let matched = running.wrapping_add(fixed);
                let (total, f1r2) = (matched as u32, (matched >> 32) as u32);
                let forward = total.wrapping_sub(reverse);
                self.corrections[j] = [
                    u64::from(forward) | u64::from(reverse) << 32,
                    u64::from(f1r2) | (near & u64::from(u32::MAX)) << 32,
                ];
            }
        }
    }
}
