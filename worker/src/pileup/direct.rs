//! Reads without indels counted straight from their decoded buffers: most reads are one run
//! of aligned bases between clips ([`ReadBuffers::aligned_run`]), so a base's position and
//! its place in the read follow from each other, and a fragment of such reads is counted
//! without making an event per base or merging event lists. What it counts is what
//! [`super::read::read_events`] and [`super::mates::merge_pair`] would give (a unit test
//! compares the two on random fragments), base for base.
//!
//! [`ReadBuffers::aligned_run`]: super::read::ReadBuffers::aligned_run

use super::read::{below_min_quality, near_read_end};
use super::types::BaseSink;

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

    /// The quality of aligned base `k`, at most 93, or `None` below `min_bq` (counted in
    /// `low`).
    fn observed(&self, k: usize, min_bq: u8, low: &mut u64) -> Option<u8> {
        let quality = self.qualities[k];
        if below_min_quality(quality, min_bq) {
            *low += 1;
            None
        } else {
            Some(quality.min(93))
        }
    }

    /// Gives `sink` this read's bases at positions `[lo, hi)` (clipped to the read).
    fn give(&self, (lo, hi): (u64, u64), min_bq: u8, low: &mut u64, sink: &mut impl BaseSink) {
        let (lo, hi) = (lo.max(self.start), hi.min(self.end()));
        let len = self.bases.len();
        for pos in lo..hi {
            let k = (pos - self.start) as usize;
            if let Some(quality) = self.observed(k, min_bq, low) {
                sink.observe(
                    pos,
                    self.bases[k],
                    quality,
                    near_read_end(k, len),
                    self.reverse,
                );
            }
        }
    }
}

/// Counts a fragment of one or two runs inside `[lo, hi)` (the region): bases below `min_bq`
/// in `low`, and positions where the mates disagree in `discordant`. Where both mates read
/// a position and agree, the base of the better one (the first on a tie) is kept.
pub fn count_runs(
    first: &Run<'_>,
    second: Option<&Run<'_>>,
    (lo, hi): (u64, u64),
    min_bq: u8,
    (low, discordant): (&mut u64, &mut u64),
    sink: &mut impl BaseSink,
) {
    let Some(second) = second else {
        first.give((lo, hi), min_bq, low, sink);
        return;
    };
    let overlap = (
        first.start.max(second.start).max(lo),
        first.end().min(second.end()).min(hi),
    );
    if overlap.0 >= overlap.1 {
        first.give((lo, hi), min_bq, low, sink);
        second.give((lo, hi), min_bq, low, sink);
        return;
    }
    for run in [first, second] {
        run.give((lo, overlap.0), min_bq, low, sink);
        run.give((overlap.1, hi), min_bq, low, sink);
    }
    for pos in overlap.0..overlap.1 {
        let (i, j) = ((pos - first.start) as usize, (pos - second.start) as usize);
        let kept = match (
            first.observed(i, min_bq, low),
            second.observed(j, min_bq, low),
        ) {
            (Some(a), Some(b)) if first.bases[i] == second.bases[j] => {
                // Which mate is better is a coin toss per position: selected, not branched on.
                let second_better = b > a;
                let (run, k, quality) = if second_better {
                    (second, j, b)
                } else {
                    (first, i, a)
                };
                Some((run, k, quality))
            }
            (Some(_), Some(_)) => {
                *discordant += 1;
                None
            }
            (Some(a), None) => Some((first, i, a)),
            (None, Some(b)) => Some((second, j, b)),
            (None, None) => None,
        };
        if let Some((run, k, quality)) = kept {
            let near_end = near_read_end(k, run.bases.len());
            sink.observe(pos, run.bases[k], quality, near_end, run.reverse);
        }
    }
}
