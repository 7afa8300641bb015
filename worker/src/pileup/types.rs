//! The pileup's shared types: what one read says at one position ([`ReadEvent`]), what one
//! fragment contributes ([`Fragment`]), the counts kept per position ([`PositionCounts`]) and
//! the region with its reference bases ([`RegionReference`]).

use super::matches::{MatchTally, Matches};
use esr1_proto::{AlleleCount, BaseCounts, GenomicRegion, BLOCK_GRID};
use std::collections::HashMap;

/// An indel allele (`+SEQ` or `-N`) by its number in the counter's [`IndelNames`], so that
/// read events stay small and `Copy`.
pub type IndelId = u32;

/// The indel alleles a counter has seen, each numbered once.
#[derive(Debug, Default)]
pub struct IndelNames {
    ids: HashMap<String, IndelId>,
    names: Vec<String>,
}

impl IndelNames {
    /// The number of an allele (a new one for an allele not seen before).
    pub fn id(&mut self, allele: &str) -> IndelId {
        if let Some(&id) = self.ids.get(allele) {
            return id;
        }
        let id = self.names.len() as IndelId;
        self.names.push(allele.to_owned());
        self.ids.insert(allele.to_owned(), id);
        id
    }

    /// The allele of a number this table gave.
    pub fn name(&self, id: IndelId) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }
}

/// What one read says about one reference position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observation {
    /// A base with its quality.
    Base {
        /// Upper-case base.
        base: u8,
        /// Phred quality, at most 93.
        quality: u8,
    },
    /// The position is deleted in this read.
    Deleted,
}

impl Observation {
    /// Whether two reads say the same thing (bases compared, qualities not).
    pub fn same_call(&self, other: &Observation) -> bool {
        match (self, other) {
            (Observation::Base { base: x, .. }, Observation::Base { base: y, .. }) => x == y,
            (Observation::Deleted, Observation::Deleted) => true,
            _ => false,
        }
    }

    /// The base quality (0 for a deletion).
    pub fn quality(&self) -> u8 {
        match self {
            Observation::Base { quality, .. } => *quality,
            Observation::Deleted => 0,
        }
    }
}

/// What one read says at one position: its base (or deletion) and any indel anchored there.
///
/// Packed into 12 bytes: every aligned base of a read with an indel becomes one (reads
/// without are counted from their buffers, [`super::direct`]), and of every read whose
/// fragment needs MNV grouping, so their size is memory traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadEvent {
    /// 1-based reference position (a SAM position is below 2^31; the job's region is
    /// checked to lie below it).
    pos: u32,
    /// The indel anchored here ([`NO_INDEL`] for none).
    indel: IndelId,
    /// The read's base (upper case); 0 where the position is deleted.
    base: u8,
    /// Its quality (at most 93) when observed.
    quality: u8,
    /// [`OBSERVED`], [`DELETED`], [`NEAR_READ_END`].
    flags: u8,
}

const NO_INDEL: IndelId = IndelId::MAX;
const OBSERVED: u8 = 1;
const DELETED: u8 = 2;
const NEAR_READ_END: u8 = 4;

impl ReadEvent {
    /// A base of the read; `quality` is `None` below the minimum base quality (kept, but not
    /// an observation).
    pub fn base(pos: u64, base: u8, quality: Option<u8>, near_end: bool) -> Self {
        Self {
            pos: u32::try_from(pos).unwrap_or(u32::MAX),
            indel: NO_INDEL,
            base,
            quality: quality.unwrap_or(0),
            flags: if quality.is_some() { OBSERVED } else { 0 }
                | if near_end { NEAR_READ_END } else { 0 },
        }
    }

    /// A position deleted in the read.
    pub fn deleted(pos: u64) -> Self {
        Self {
            pos: u32::try_from(pos).unwrap_or(u32::MAX),
            indel: NO_INDEL,
            base: 0,
            quality: 0,
            flags: OBSERVED | DELETED,
        }
    }

    /// 1-based reference position.
    pub fn pos(&self) -> u64 {
        u64::from(self.pos)
    }

    /// The same event at another position.
    pub fn moved_to(self, pos: u64) -> Self {
        Self {
            pos: u32::try_from(pos).unwrap_or(u32::MAX),
            ..self
        }
    }

    /// `None` for a base below the minimum quality.
    pub fn observation(&self) -> Option<Observation> {
        if self.flags & OBSERVED == 0 {
            None
        } else if self.flags & DELETED != 0 {
            Some(Observation::Deleted)
        } else {
            Some(Observation::Base {
                base: self.base,
                quality: self.quality,
            })
        }
    }

    /// The read's base here whatever its quality (upper case); 0 where the position is
    /// deleted.
    pub fn read_base(&self) -> u8 {
        self.base
    }

    /// Within `READ_END_WINDOW` aligned bases of an end of the read.
    pub fn near_end(&self) -> bool {
        self.flags & NEAR_READ_END != 0
    }

    /// `+SEQ` or `-N` anchored at `pos` (see [`IndelNames`]).
    pub fn indel(&self) -> Option<IndelId> {
        (self.indel != NO_INDEL).then_some(self.indel)
    }

    /// Anchors an indel here (or none).
    pub fn set_indel(&mut self, indel: Option<IndelId>) {
        self.indel = indel.unwrap_or(NO_INDEL);
    }
}

/// One counted position of a fragment: the observation kept and the strand of its mate.
#[derive(Debug, Clone)]
pub struct FragmentBase {
    /// 1-based reference position.
    pub pos: u64,
    /// Strand of the read whose base was kept.
    pub reverse: bool,
    /// The base or deletion kept.
    pub observation: Observation,
    /// That read's base lay near one of its ends.
    pub near_end: bool,
}

/// Where a fragment's kept bases and indels go, in position order: a [`Fragment`] that holds
/// them, or a counter that counts them as they come.
pub trait FragmentSink {
    /// Keeps the read's base at this event, if it has one.
    fn base(&mut self, e: &ReadEvent, reverse: bool);
    /// Keeps an indel anchored at `pos`.
    fn indel(&mut self, pos: u64, reverse: bool, id: IndelId);

    /// Keeps the read's base and indel at this event.
    fn event(&mut self, e: &ReadEvent, reverse: bool) {
        self.base(e, reverse);
        if let Some(indel) = e.indel() {
            self.indel(e.pos(), reverse, indel);
        }
    }

    /// Keeps every event of a read counted alone.
    fn read_alone(&mut self, reverse: bool, events: &[ReadEvent]) {
        for e in events {
            self.event(e, reverse);
        }
    }
}

/// What one fragment (one read, or two mates merged) contributes, in position order.
#[derive(Debug, Default)]
pub struct Fragment {
    /// One per counted position, in position order.
    pub bases: Vec<FragmentBase>,
    /// (anchor, reverse, allele).
    pub indels: Vec<(u64, bool, IndelId)>,
    /// The fragment's orientation is F1R2 (see [`esr1_proto::SiteCounts::f1r2`]).
    pub f1r2: bool,
}

impl FragmentSink for Fragment {
    fn base(&mut self, e: &ReadEvent, reverse: bool) {
        if let Some(observation) = e.observation() {
            self.bases.push(FragmentBase {
                pos: e.pos(),
                reverse,
                observation,
                near_end: e.near_end(),
            });
        }
    }

    fn indel(&mut self, pos: u64, reverse: bool, id: IndelId) {
        self.indels.push((pos, reverse, id));
    }
}

impl Fragment {
    /// Empties the fragment for reuse (its buffers kept) with a new orientation.
    pub fn clear(&mut self, f1r2: bool) {
        self.bases.clear();
        self.indels.clear();
        self.f1r2 = f1r2;
    }
}

/// The counts of one position's bases that are not [`Matches`]: other bases than the
/// reference's, and every base at a position whose reference base is unknown.
///
/// One table, indexed rather than branched on (strand and base are coin tosses to a branch
/// predictor): rows [`FORWARD`], [`REVERSE`], [`F1R2`] and [`NEAR_END`], columns A, C, G, T
/// and deletion ([`base_column`]). [`super::counter::RegionCounter::finish`] adds the
/// matches into the reference base's column.
///
/// A plain array, so that a region's tables are allocated zeroed
/// ([`super::counter::RegionCounter`]): the pages of stretches no read reaches (a panel's
/// introns in a job over the whole gene) are never written. Its operations are
/// [`PositionTable`]'s.
pub type PositionCounts = [[u32; 5]; 4];

/// Per position of a stretch counted straight from its buffers ([`super::direct`]): the code
/// of the base kept there, that base and its kept quality. Reused from stretch to stretch.
#[derive(Debug, Default)]
pub struct RunCodes {
    code: Vec<u8>,
    base: Vec<u8>,
    quality: Vec<u8>,
}

impl RunCodes {
    /// Room for `n` codes, bases and qualities.
    pub(super) fn kept(&mut self, n: usize) -> (&mut [u8], &mut [u8], &mut [u8]) {
        for v in [&mut self.code, &mut self.base, &mut self.quality] {
            if v.len() < n {
                v.resize(n, 0);
            }
        }
        (
            &mut self.code[..n],
            &mut self.base[..n],
            &mut self.quality[..n],
        )
    }
}

/// Per position, the bases that are part of a multi-nucleotide variant: all of them, and
/// the reverse-strand ones.
pub type MnvBases = HashMap<u64, [BaseCounts; 2]>;

/// Row of [`PositionCounts::table`]: fragments reading each base (or a deletion) on the
/// forward strand (row + 1: the reverse strand).
pub const FORWARD: usize = 0;
/// Row: the same on the reverse strand.
pub const REVERSE: usize = 1;
/// Row: bases (and deletions) of fragments in F1R2 orientation.
pub const F1R2: usize = 2;
/// Row: bases near an end of their read.
pub const NEAR_END: usize = 3;
/// Column of a deletion.
pub const DELETION: usize = 4;

/// The column of a base letter (A, C, G, T in either case: 0–3); 5 for anything else.
pub fn base_column(base: u8) -> usize {
    const COLUMNS: [u8; 256] = {
        let mut t = [5u8; 256];
        t[b'A' as usize] = 0;
        t[b'a' as usize] = 0;
        t[b'C' as usize] = 1;
        t[b'c' as usize] = 1;
        t[b'G' as usize] = 2;
        t[b'g' as usize] = 2;
        t[b'T' as usize] = 3;
        t[b't' as usize] = 3;
        t
    };
    usize::from(COLUMNS[usize::from(base)])
}

/// What is done with a position's [`PositionCounts`].
pub trait PositionTable {
    /// Counts one kept base read on the `reverse` strand, of an F1R2 fragment or not, near
    /// an end of its read or not: A, C, G and T count (the answer is whether it did), any
    /// other letter does not. Its expected error goes to the position's [`Tally::errors`].
    fn add_base(&mut self, base: u8, strand: (bool, bool), near_end: bool) -> bool;
    /// Adds a position's [`Matches`] into the column of its reference base (`N`, unknown,
    /// has none, and no matches).
    fn add_matches(&mut self, reference: u8, m: &Matches);
    /// One row as base counts.
    fn row(&self, row: usize) -> BaseCounts;
}

impl PositionTable for PositionCounts {
    #[inline]
    fn add_base(&mut self, base: u8, (reverse, f1r2): (bool, bool), near_end: bool) -> bool {
        let column = base_column(base);
        let counted = column < DELETION;
        if counted {
            let t = self;
            t[FORWARD + usize::from(reverse)][column] += 1;
            // Branches, not stores of zero: `f1r2` is the same for a whole fragment and
            // `near_end` holds only at a read's ends, and stores are what bounds this loop.
            if f1r2 {
                t[F1R2][column] += 1;
            }
            if near_end {
                t[NEAR_END][column] += 1;
            }
        }
        counted
    }

    fn add_matches(&mut self, reference: u8, m: &Matches) {
        let column = base_column(reference);
        if column < DELETION {
            let t = self;
            let [strands, others] = *m;
            t[FORWARD][column] += strands as u32;
            t[REVERSE][column] += (strands >> 32) as u32;
            t[F1R2][column] += others as u32;
            t[NEAR_END][column] += (others >> 32) as u32;
        }
    }

    fn row(&self, row: usize) -> BaseCounts {
        let [a, c, g, t, del] = self[row];
        BaseCounts { a, c, g, t, del }
    }
}

/// Whether a read's `base` is a mismatch against an upper-case reference base (`N`, unknown,
/// has none).
#[inline]
pub fn mismatch(reference: u8, base: u8) -> bool {
    reference != b'N' && base != reference
}

/// The region being counted and its reference bases.
#[derive(Debug, Clone)]
pub struct RegionReference {
    /// The region.
    pub region: GenomicRegion,
    /// Reference bases from `region.start` on (at least the region; more is fine), upper
    /// case.
    pub bases: Vec<u8>,
    /// Per base, what a read's base equals when it is a [`Matches`] one: the base when it is
    /// A, C, G or T, and 0 otherwise (which a base equal to it does not match).
    pub match_keys: Vec<u8>,
}

impl RegionReference {
    /// The reference of `region` from its bases from `region.start` on, upper-cased and
    /// padded with `N` where they end before the region does.
    pub fn new(region: GenomicRegion, mut bases: Vec<u8>) -> Self {
        bases.make_ascii_uppercase();
        let len = region.len() as usize;
        if bases.len() < len {
            bases.resize(len, b'N');
        }
        let match_keys = bases
            .iter()
            .map(|&b| match b {
                b'A' | b'C' | b'G' | b'T' => b,
                _ => 0,
            })
            .collect();
        Self {
            region,
            bases,
            match_keys,
        }
    }

    /// The reference base at a position (upper case, `N` when unknown).
    pub fn base(&self, pos: u64) -> u8 {
        pos.checked_sub(self.region.start)
            .and_then(|i| self.bases.get(i as usize))
            .map_or(b'N', |&b| b)
    }

    /// Whether a read's `base` at `pos` is a mismatch: other than a known reference base.
    pub fn is_mismatch(&self, pos: u64, base: u8) -> bool {
        mismatch(self.base(pos), base)
    }

    /// The index of a position of the region in per-position tables.
    pub fn offset(&self, pos: u64) -> Option<usize> {
        pos.checked_sub(self.region.start).map(|i| i as usize)
    }
}

/// The [`BLOCK_GRID`] cell of a position: positions `k·BLOCK_GRID + 1 ..= (k + 1)·BLOCK_GRID`
/// are cell `k`.
pub fn cell_of(pos: u64) -> u64 {
    pos.saturating_sub(1) / BLOCK_GRID
}

/// The cells a region's positions lie in.
pub fn cell_count(region: &GenomicRegion) -> usize {
    (cell_of(region.end).saturating_sub(cell_of(region.start)) + 1) as usize
}

/// Marks the cells of positions `lo..=hi` touched (`touched[0]` is cell `first_cell`; cells
/// outside the slice are left out).
pub fn mark_cells(touched: &mut [bool], first_cell: u64, (lo, hi): (u64, u64)) {
    let Some(last) = cell_of(hi).checked_sub(first_cell).filter(|_| lo <= hi) else {
        return;
    };
    let first = cell_of(lo).saturating_sub(first_cell) as usize;
    let last = (last as usize).min(touched.len().saturating_sub(1));
    if let Some(cells) = touched.get_mut(first..=last) {
        cells.fill(true);
    }
}

/// Expected errors are summed in fixed point, `2^-32` a unit: an integer sum is exact in
/// any order, so a position sums alike whichever job counts it and in whatever order its
/// fragments come (a read waiting for a mate outside one job's query is counted last
/// there); and a position's fewer than `2^32` bases, each at most a third, cannot overflow
/// 64 bits. (Precision: 1 in 280,000 at quality 40.)
pub const ERROR_UNIT: f64 = 4_294_967_296.0;

/// Counts a fragment's bases and indels as [`super::mates::merge_pair`] (or a read alone) gives them, or
/// as [`super::direct`] reads them from the buffers, with no fragment built, and notes how
/// many mismatches (bases other than a known reference base) it has: MNV grouping needs two
/// or more.
pub struct Tally<'a> {
    pub(super) counts: &'a mut [PositionCounts],
    /// The matching bases, per position as `counts` ([`MatchTally`]).
    pub(super) matches: &'a mut MatchTally,
    /// Per position, the sum of the error probabilities of every base counted there
    /// (matching or not), a third each way, in [`ERROR_UNIT`]s.
    pub(super) errors: &'a mut [u64],
    pub(super) reference: &'a RegionReference,
    /// `10^(-Q/10) / 3` for every quality 0–93 (93's above), in [`ERROR_UNIT`]s.
    pub(super) error_thirds: &'a [u64; 256],
    /// What a base's kept quality (below [`super::direct::UNMATCHED`]: a match) adds to
    /// its position's expected errors: its error third, and nothing for a base that is no
    /// match (counted apart, if at all).
    pub(super) kept_errors: &'a [u64; 256],
    pub(super) indels: &'a mut HashMap<u64, Vec<AlleleCount>>,
    pub(super) names: &'a IndelNames,
    /// The fragment is F1R2.
    pub(super) f1r2: bool,
    pub(super) mismatches: usize,
}

impl Tally<'_> {
    /// Counts a kept base (quality at most 93) at a position.
    pub(super) fn observe(
        &mut self,
        pos: u64,
        base: u8,
        quality: u8,
        near_end: bool,
        reverse: bool,
    ) {
        self.mismatches += usize::from(self.reference.is_mismatch(pos, base));
        let error = self.error_thirds[usize::from(quality)];
        let Some(i) = self
            .reference
            .offset(pos)
            .filter(|&i| i < self.counts.len().min(self.errors.len()))
        else {
            return;
        };
        if self.counts[i].add_base(base, (reverse, self.f1r2), near_end) {
            self.errors[i] += error;
        }
    }
}

impl FragmentSink for Tally<'_> {
    fn base(&mut self, e: &ReadEvent, reverse: bool) {
        match e.observation() {
            Some(Observation::Base { base, quality }) => {
                self.observe(e.pos(), base, quality, e.near_end(), reverse);
            }
            Some(Observation::Deleted) => {
                let Some(slot) = self
                    .reference
                    .offset(e.pos())
                    .and_then(|i| self.counts.get_mut(i))
                else {
                    return;
                };
                let t = slot;
                t[FORWARD + usize::from(reverse)][DELETION] += 1;
                t[F1R2][DELETION] += u32::from(self.f1r2);
            }
            None => {}
        }
    }

    fn indel(&mut self, pos: u64, reverse: bool, id: IndelId) {
        let allele = self.names.name(id);
        let alleles = self.indels.entry(pos).or_default();
        let entry = match alleles.iter_mut().position(|a| a.allele == allele) {
            Some(i) => &mut alleles[i],
            None => {
                alleles.push(AlleleCount {
                    allele: allele.to_owned(),
                    forward: 0,
                    reverse: 0,
                });
                let last = alleles.len() - 1;
                &mut alleles[last]
            }
        };
        if reverse {
            entry.reverse += 1;
        } else {
            entry.forward += 1;
        }
    }
}
