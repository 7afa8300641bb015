//! A region's per-position tables (counts, expected errors, matching bases), kept from job to
//! job: a job takes the spare set when it is long enough and gives its own back with the
//! cells fragments reached zeroed again. A cohort's jobs are mostly over the same long
//! region (a shallow sample's exons, the gene's span), and zeroed tables fresh from the
//! allocator cost a memset of every position (the allocator reuses freed memory) or a page
//! fault per page touched: more than counting a shallow sample's reads.
//!
//! The tables taken may be longer than the region: positions past it are zero and stay so
//! (nothing is counted outside the region).

use super::matches::MatchTally;
use super::types::PositionCounts;
use std::ops::Range;
use std::sync::Mutex;

/// The per-position tables of a region's counted part.
#[derive(Debug, Default)]
pub struct Tables {
    /// Counts of bases other than matches ([`PositionCounts`]).
    pub counts: Vec<PositionCounts>,
    /// Expected errors ([`super::types::Tally::errors`]).
    pub errors: Vec<u64>,
    /// Matching bases ([`MatchTally`]).
    pub matches: MatchTally,
}

/// One spare set (a worker counts one job at a time; a second job at once takes new tables,
/// and the longer set is kept).
static SPARE: Mutex<Option<Tables>> = Mutex::new(None);

impl Tables {
    /// Zeroed tables of at least `n` positions: the spare set when it is that long, new
    /// ones (allocated zeroed) otherwise.
    pub fn zeroed(n: usize) -> Self {
        let spare = SPARE.lock().ok().and_then(|mut spare| spare.take());
        match spare {
            Some(tables) if tables.len() >= n => {
                debug_assert!(tables.is_zero(), "spare tables given back unzeroed");
                tables
            }
            _ => Self {
                counts: vec![PositionCounts::default(); n],
                errors: vec![0; n],
                matches: MatchTally::zeroed(n),
            },
        }
    }

    /// The positions every table holds.
    fn len(&self) -> usize {
        let m = &self.matches;
        self.counts
            .len()
            .min(self.errors.len())
            .min(m.corrections.len())
            .min(m.reverse.len())
            .min(m.bulk.len().saturating_sub(1))
    }

    /// Whether every entry is zero.
    fn is_zero(&self) -> bool {
        let m = &self.matches;
        self.counts.iter().all(|c| *c == PositionCounts::default())
            && self.errors.iter().all(|&e| e == 0)
            && m.bulk.iter().all(|&b| b == 0)
            && m.corrections.iter().all(|&c| c == [0; 2])
            && m.reverse.iter().all(|&r| r == 0)
    }

    /// Zeroes the positions `written` (every position anything was added to; a stretch's
    /// difference entry one past its end included) and keeps the tables as the spare set,
    /// unless a longer one is kept already.
    pub fn give_back(mut self, written: impl IntoIterator<Item = Range<usize>>) {
        for range in written {
            let m = &mut self.matches;
            clear(&mut self.counts, &range, PositionCounts::default());
            fill(&mut self.errors, &range, 0);
            fill(&mut m.corrections, &range, [0; 2]);
            fill(&mut m.reverse, &range, 0);
            fill(&mut m.bulk, &(range.start..range.end.saturating_add(1)), 0);
        }
        let Ok(mut spare) = SPARE.lock() else {
            return;
        };
        if spare.as_ref().is_none_or(|kept| kept.len() < self.len()) {
            *spare = Some(self);
        }
    }
}

/// The entries of `range`, clipped to the table.
fn clipped<'t, T>(table: &'t mut [T], range: &Range<usize>) -> &'t mut [T] {
    let end = range.end.min(table.len());
    &mut table[range.start.min(end)..end]
}

/// Sets the entries of `range` (clipped to the table) that are not `zero` to `zero`, writing
/// nothing else: a table whose entries are mostly never written (the counts of bases other
/// than matches) keeps the pages no entry was written to unwritten — never faulted in, or
/// the kernel's shared zero page — instead of a fresh page per 51 positions.
fn clear<T: Copy + PartialEq>(table: &mut [T], range: &Range<usize>, zero: T) {
    for entry in clipped(table, range)
        .iter_mut()
        .filter(|entry| **entry != zero)
    {
        *entry = zero;
    }
}

/// Sets the entries of `range` (clipped to the table) to `zero`.
fn fill<T: Copy>(table: &mut [T], range: &Range<usize>, zero: T) {
    clipped(table, range).fill(zero);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever was written in the positions given back (a stretch's difference entry one past
    /// them included) is zero when tables are taken again, and they are as long as asked.
    #[test]
    fn tables_given_back_come_back_zeroed() {
        let mut tables = Tables::zeroed(50);
        tables.counts[10][0][0] = 3;
        tables.errors[11] = 5;
        tables.matches.bulk[12] = 7;
        tables.matches.corrections[13] = [1, 1];
        tables.matches.reverse[19] = 2;
        tables.matches.bulk[20] = 9;
        tables.give_back(std::iter::once(10..20));
        let again = Tables::zeroed(50);
        assert!(again.len() >= 50);
        assert!(again.is_zero());
        // Longer than any set kept: new tables.
        let longer = Tables::zeroed(again.len() + 1);
        assert!(longer.len() > again.len() && longer.is_zero());
    }
}
