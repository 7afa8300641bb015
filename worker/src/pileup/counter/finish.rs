//! [`RegionCounter::finish`]: the counts turned into exact sites and reference blocks (the
//! gVCF model), reading only the [`BLOCK_GRID`] cells fragments reached.

use super::RegionCounter;
use crate::pileup::matches::Matches;
use crate::pileup::tables::Tables;
use crate::pileup::types::{
    cell_of, mark_cells, PositionCounts, PositionTable, ERROR_UNIT, F1R2, FORWARD, NEAR_END,
    REVERSE,
};
use esr1_proto::{
    grid_line, AlleleCount, MnvCount, ReferenceBlock, RegionQc, SiteCounts, BLOCK_GRID,
};

impl RegionCounter {
    /// Ends counting: sites with alt evidence or requested, reference blocks elsewhere.
    pub fn finish(mut self) -> (Vec<SiteCounts>, Vec<ReferenceBlock>, RegionQc) {
        self.flush_pending_before(u64::MAX);
        let mut sites = Vec::new();
        let mut blocks: Vec<ReferenceBlock> = Vec::new();
        let mut open: Option<(ReferenceBlock, u32)> = None; // (block, first depth)
        let band = 1.0 + self.params.block_depth_band.max(0.0);
        let min_report = self.params.min_alt_to_report.max(1);
        let len = self.reference.region.len() as usize;
        // Positions before the tables: nothing was counted there. Runs of them that are not
        // reported sites go into the blocks at once ([`add_to_blocks`]).
        let (empty, unseen) = (PositionCounts::default(), Matches::default());
        // The matching bases of every position fragments reached; the same positions are
        // zeroed when the tables are given back.
        let reached = self.reached_positions();
        self.matches.settle(&reached);
        // The positions of indels and MNVs, sorted: their cells count as touched (their
        // fragments touched them anyway), only they are looked up in the maps, and the
        // stretch before the tables is walked fast when none lies there.
        let mut keyed: Vec<u64> = (self.indels.keys())
            .chain(self.mnvs.keys())
            .chain(self.mnv_bases.keys())
            .copied()
            .collect();
        keyed.sort_unstable();
        keyed.dedup();
        let walk_fast = keyed
            .first()
            .is_none_or(|&p| p >= self.counted.region.start);
        for &p in &keyed {
            mark_cells(&mut self.touched, self.first_cell, (p, p));
        }
        let mut next_keyed = 0;
        let mut i = 0;
        while i < len {
            let pos = self.reference.region.start + i as u64;
            // Before the tables, or in a cell no fragment reached: nothing was counted there.
            let untouched = i >= self.skip
                && !self
                    .touched
                    .get((cell_of(pos) - self.first_cell) as usize)
                    .copied()
                    .unwrap_or(true);
            if (i < self.skip && walk_fast) || untouched {
                let next_site = self.report_sites
                    [self.report_sites.partition_point(|&p| p < pos)..]
                    .first()
                    .copied()
                    .unwrap_or(u64::MAX);
                let stretch_end = if untouched {
                    grid_line(pos) + BLOCK_GRID
                } else {
                    self.reference.region.start + self.skip as u64
                };
                let run_end = stretch_end
                    .min(next_site)
                    .min(self.reference.region.end + 1);
                if run_end > pos {
                    let run = (pos, run_end - 1);
                    add_to_blocks((&mut open, &mut blocks), run, (0, 0), band);
                    i = (run_end - self.reference.region.start) as usize;
                    continue;
                }
            }
            // A copy of the position's counts, the matches added to it there: the table is
            // only read, so that its pages no base other than a match was written to are
            // never written (at 30× over the whole gene, four fifths of a job's table pages;
            // see [`Tables::give_back`]).
            let (mut c, m, expected_errors) = match i.checked_sub(self.skip) {
                Some(j) => {
                    let errors = self.errors[j] as f64 / ERROR_UNIT;
                    (self.counts[j], self.matches.corrections[j], errors)
                }
                None => (empty, unseen, 0.0),
            };
            i += 1;
            let ref_base = self.reference.base(pos);
            c.add_matches(ref_base, &m);
            let (forward, reverse) = (c.row(FORWARD), c.row(REVERSE));
            let depth = forward.total() + reverse.total();
            let ref_count = forward.base(ref_base) + reverse.base(ref_base);
            while keyed.get(next_keyed).is_some_and(|&p| p < pos) {
                next_keyed += 1;
            }
            let is_keyed = keyed.get(next_keyed) == Some(&pos);
            let indel_alt: u32 = is_keyed
                .then(|| self.indels.get(&pos))
                .flatten()
                .map_or(0, |v| v.iter().map(AlleleCount::total).max().unwrap_or(0));
            let base_alt = if ref_base == b'N' {
                0
            } else {
                depth - ref_count
            };
            let mnv_alt: u32 = is_keyed
                .then(|| self.mnvs.get(&pos))
                .flatten()
                .map_or(0, |v| v.iter().map(MnvCount::total).max().unwrap_or(0));
            let alt = base_alt.max(indel_alt).max(mnv_alt);
            let requested = self.report_sites.binary_search(&pos).is_ok();
            if requested || alt >= min_report {
                if let Some((b, _)) = open.take() {
                    blocks.push(b);
                }
                let mut indels = self.indels.remove(&pos).unwrap_or_default();
                indels.sort_by(|a, b| a.allele.cmp(&b.allele));
                let mut mnvs = self.mnvs.remove(&pos).unwrap_or_default();
                let [in_mnv, in_mnv_reverse] = self.mnv_bases.remove(&pos).unwrap_or_default();
                mnvs.sort_by(|a, b| a.alt_allele.cmp(&b.alt_allele));
                sites.push(SiteCounts {
                    pos,
                    ref_base: ref_base as char,
                    forward,
                    reverse,
                    indels,
                    expected_errors,
                    mnvs,
                    in_mnv,
                    in_mnv_reverse,
                    near_read_end: c.row(NEAR_END),
                    f1r2: c.row(F1R2),
                });
                continue;
            }
            add_to_blocks((&mut open, &mut blocks), (pos, pos), (depth, alt), band);
        }
        if let Some((b, _)) = open.take() {
            blocks.push(b);
        }
        let tables = Tables {
            counts: std::mem::take(&mut self.counts),
            errors: std::mem::take(&mut self.errors),
            matches: std::mem::take(&mut self.matches),
        };
        tables.give_back(reached);
        (sites, blocks, self.qc)
    }

    /// The table indexes of the cells fragments reached, in order: everything counted lies
    /// there (or, for a stretch's difference entry, one past).
    fn reached_positions(&self) -> Vec<std::ops::Range<usize>> {
        let start = self.counted.region.start;
        let counted = (self.reference.region.len() as usize).saturating_sub(self.skip);
        let first_cell = self.first_cell;
        self.touched
            .iter()
            .enumerate()
            .filter(|&(_, &reached)| reached)
            .filter_map(|(k, _)| {
                let cell = first_cell + k as u64;
                let (lo, hi) = (cell * BLOCK_GRID + 1, (cell + 1) * BLOCK_GRID);
                let from = lo.saturating_sub(start) as usize;
                let to = ((hi + 1).saturating_sub(start) as usize).min(counted);
                (from < to).then_some(from..to)
            })
            .collect()
    }
}

/// Adds the positions `first..=last`, each of `depth` fragments with at most `alt` alt ones,
/// to the reference blocks: they extend the open block (with the depth it started at) while
/// their depth is within `band` times its first depth (and zero only where that was) and no
/// [`BLOCK_GRID`] line lies between, and start a new one otherwise. A run of equal
/// positions goes in at once, as one by one (split at the grid lines it crosses).
///
/// The grid makes blocks independent of where a sample is cut into jobs: the planner cuts
/// on its lines, where every job restarts its blocks anyway, so one job over two regions
/// makes the blocks the two jobs make. Blocks of depth 0 run on across it (a panel's
/// introns would otherwise be a block per cell): cut or not, they say the same, no depth.
fn add_to_blocks(
    (open, blocks): (&mut Option<(ReferenceBlock, u32)>, &mut Vec<ReferenceBlock>),
    (first, last): (u64, u64),
    (depth, alt): (u32, u32),
    band: f64,
) {
    let mut start = first;
    while start <= last {
        // The part of the run before the next grid line.
        let from_line = start.saturating_sub(grid_line(start));
        let end = last.min(start + (BLOCK_GRID - 1 - from_line));
        match open {
            Some((b, first_depth))
                if (from_line != 0 || depth == 0)
                    && (depth == 0) == (*first_depth == 0)
                    && f64::from(depth) <= f64::from(*first_depth) * band
                    && f64::from(depth) * band >= f64::from(*first_depth) =>
            {
                b.end = end;
                b.min_depth = b.min_depth.min(depth);
                b.max_alt = b.max_alt.max(alt);
            }
            _ => {
                if let Some((b, _)) = open.take() {
                    blocks.push(b);
                }
                let block = ReferenceBlock {
                    start,
                    end,
                    min_depth: depth,
                    max_alt: alt,
                };
                *open = Some((block, depth));
            }
        }
        start = end + 1;
    }
}
