//! [`RegionCounter`]: counts one region of one sample from alignment records in coordinate
//! order — read filters by reason, reads turned into events ([`super::read`]), mates merged
//! ([`super::mates`]), fragments counted per position and strand with their indels and MNVs
//! ([`super::mnv`]) — and [`RegionCounter::finish`] turns the counts into exact sites and
//! reference blocks (the gVCF model).

use super::direct::{count_runs, Run};
use super::mates::{merge_pair, MateBuffer};
use super::mnv::count_mnvs;
use super::read::{read_events, ReadBuffers};
use super::types::{
    Fragment, FragmentSink, IndelNames, Matches, MnvBases, PositionCounts, ReadEvent,
    RegionReference, RunCodes, Tally, ERROR_UNIT, F1R2, FORWARD, NEAR_END, REVERSE,
};
use esr1_proto::{
    grid_line, AlleleCount, CallingParams, GenomicRegion, MnvCount, ReferenceBlock, RegionQc,
    SiteCounts, BLOCK_GRID,
};
use noodles::sam::{self, alignment::Record};
use std::collections::HashMap;
use std::io;

/// Counts one region of one sample.
pub struct RegionCounter {
    /// The region and its reference bases.
    reference: RegionReference,
    /// The part of the region the per-position tables cover, from the first record's start
    /// on (records come in coordinate order, so nothing is counted before it): a job over a
    /// long region whose reads lie at its end neither allocates nor walks the rest. Its
    /// first position is `reference`'s `skip`-th.
    counted: RegionReference,
    /// Positions of the region before `counted`'s (all of them until a record arrives).
    skip: usize,
    reference_sequence_id: Option<usize>,
    params: CallingParams,
    report_sites: Vec<u64>,
    counts: Vec<PositionCounts>,
    /// Per position as `counts`: the bases matching the reference.
    matches: Vec<Matches>,
    /// Per position: the expected errors of the bases counted, in [`ERROR_UNIT`]s
    /// ([`Tally::errors`]).
    errors: Vec<u64>,
    indels: HashMap<u64, Vec<AlleleCount>>,
    mnvs: HashMap<u64, Vec<MnvCount>>,
    mnv_bases: MnvBases,
    mates: MateBuffer,
    qc: RegionQc,
    /// [`error_thirds`].
    error_thirds: [u64; 256],
    /// Buffers reused from read to read, so that counting allocates nothing per read.
    scratch: Scratch,
    /// Reads without indels are counted straight from their buffers ([`super::direct`]);
    /// off only in tests that compare the two ways.
    direct: bool,
}

/// One mate of a fragment: the read just decoded, or one waiting in the mate buffer's slot.
#[derive(Debug, Clone, Copy)]
enum Mate {
    Current,
    Waiting(usize),
}

/// The counting loop's reusable buffers.
#[derive(Default)]
struct Scratch {
    /// The read being counted.
    events: Vec<ReadEvent>,
    /// The events of its mate, or of a read given up on.
    mate_events: Vec<ReadEvent>,
    /// Its sequence and qualities, decoded.
    read: ReadBuffers,
    /// The fragment being counted.
    fragment: Fragment,
    /// Mismatch indices of the fragment (MNV grouping).
    mismatches: Vec<usize>,
    /// The indel alleles seen.
    names: IndelNames,
    /// The codes of a run counted straight from its buffers.
    codes: RunCodes,
}

/// `10^(-Q/10) / 3` for every quality a base can have (0–93; 93's above, as for 255,
/// unknown), in [`ERROR_UNIT`]s: the expected share of one specific wrong base. Computed
/// once.
fn error_thirds() -> [u64; 256] {
    std::array::from_fn(|q| {
        (10f64.powf(-(q.min(93) as f64) / 10.0) / 3.0 * ERROR_UNIT).round() as u64
    })
}

/// Gives a sink the fragment of one read, or of two mates merged ([`merge_pair`], which
/// counts their discordant positions in `discordant`).
fn feed(
    sink: &mut impl FragmentSink,
    (first_reverse, first): (bool, &[ReadEvent]),
    second: Option<(bool, &[ReadEvent])>,
    discordant: &mut u64,
) {
    match second {
        Some((second_reverse, second)) => {
            merge_pair(
                (first_reverse, first),
                second_reverse,
                second,
                discordant,
                sink,
            );
        }
        None => sink.read_alone(first_reverse, first),
    }
}

/// Makes the events of a fragment's reads: the first's into `first_events`, the second's
/// (if any) into `second_events`.
fn fragment_events(
    reference: &RegionReference,
    (min_bq, low): (u8, &mut u64),
    (first, second): (&ReadBuffers, Option<&ReadBuffers>),
    (first_events, second_events): (&mut Vec<ReadEvent>, &mut Vec<ReadEvent>),
    names: &mut IndelNames,
) -> io::Result<()> {
    read_events(
        reference,
        (min_bq, &mut *low),
        first,
        (first_events, &mut *names),
    )?;
    match second {
        Some(read) => read_events(reference, (min_bq, low), read, (second_events, names)),
        None => Ok(()),
    }
}

impl RegionCounter {
    /// A counter for `region`, whose contig is reference sequence `reference_sequence_id` in
    /// the header (`None` when the contig is absent: every record is then ignored).
    /// `reference` holds the reference bases from `region.start`.
    pub fn new(
        region: GenomicRegion,
        reference_sequence_id: Option<usize>,
        reference: Vec<u8>,
        params: CallingParams,
        report_sites: Vec<u64>,
    ) -> Self {
        let len = region.len() as usize;
        let mut report_sites = report_sites;
        report_sites.sort_unstable();
        report_sites.dedup();
        let reference = RegionReference::new(region, reference);
        Self {
            // No table yet: [`Self::cover_from`] makes it at the first record.
            counted: RegionReference {
                region: reference.region.clone(),
                bases: Vec::new(),
                match_keys: Vec::new(),
            },
            reference,
            skip: len,
            reference_sequence_id,
            params,
            report_sites,
            counts: Vec::new(),
            matches: Vec::new(),
            errors: Vec::new(),
            indels: HashMap::new(),
            mnvs: HashMap::new(),
            mnv_bases: MnvBases::new(),
            mates: MateBuffer::default(),
            qc: RegionQc::default(),
            error_thirds: error_thirds(),
            scratch: Scratch::default(),
            direct: true,
        }
    }

    /// The same counter counting every read through its events (tests compare the two ways).
    #[cfg(test)]
    pub(crate) fn through_events(mut self) -> Self {
        self.direct = false;
        self
    }

    /// The reference base at a position (upper case, `N` when unknown).
    pub fn reference_base(&self, pos: u64) -> u8 {
        self.reference.base(pos)
    }

    /// Adds one record. Records must come in coordinate order (as from an indexed query).
    pub fn add_record<R: Record + ?Sized>(
        &mut self,
        header: &sam::Header,
        record: &R,
    ) -> io::Result<()> {
        let flags = record.flags()?;
        let start = match record.alignment_start().transpose()? {
            Some(p) => usize::from(p) as u64,
            None => 0,
        };
        let owned = self.reference.region.contains(start);
        if owned {
            self.qc.reads_seen += 1;
        }
        let filtered = &mut self.qc.filtered;
        let reason = if flags.is_unmapped() {
            Some(&mut filtered.unmapped)
        } else if flags.is_secondary() {
            Some(&mut filtered.secondary)
        } else if flags.is_supplementary() {
            Some(&mut filtered.supplementary)
        } else if flags.is_qc_fail() {
            Some(&mut filtered.qc_fail)
        } else if flags.is_duplicate() {
            Some(&mut filtered.duplicate)
        } else {
            let mapq = record.mapping_quality().transpose()?.map_or(255, u8::from);
            // 255 means "not available": treat as failing a positive minimum.
            (mapq == 255 && self.params.min_mapq > 0 || mapq < self.params.min_mapq)
                .then_some(&mut filtered.low_mapq)
        };
        if let Some(counter) = reason {
            if owned {
                *counter += 1;
            }
            return Ok(());
        }
        let rid = record.reference_sequence_id(header).transpose()?;
        if rid.is_none() || rid != self.reference_sequence_id {
            return Ok(());
        }
        self.cover_from(start);
        self.flush_pending_before(start);

        let reverse = flags.is_reverse_complemented();
        self.scratch.read.decode(record)?;
        // F1R2: the first read forward, the second reverse; an unpaired read by its strand.
        let f1r2 = if flags.is_segmented() && flags.is_last_segment() && !flags.is_first_segment() {
            reverse
        } else {
            !reverse
        };
        let name: &[u8] = record.name().map_or(&[], |n| n.as_ref());
        let mate_start = record
            .mate_alignment_start()
            .transpose()?
            .map_or(0, |p| usize::from(p) as u64);
        let mate_rid = record.mate_reference_sequence_id(header).transpose()?;

        // A read whose mate starts after it on this contig is its fragment's first: its mate
        // cannot be waiting (reads come in coordinate order), and half the reads are not
        // looked up.
        let mate_comes_later = mate_rid == rid && mate_start > start;
        if let Some(slot) = (!mate_comes_later).then(|| self.mates.take(name)).flatten() {
            let waiting = self.mates.read(slot);
            let first = (Mate::Waiting(slot), waiting.reverse);
            let counted = self.count_fragment(waiting.f1r2, first, Some((Mate::Current, reverse)));
            self.mates.release(slot);
            return counted;
        }

        let end = start + self.scratch.read.reference_span();
        let mate_may_overlap = flags.is_segmented()
            && !flags.is_mate_unmapped()
            && mate_rid == rid
            && mate_start >= start
            && mate_start < end
            && !name.is_empty();
        if mate_may_overlap {
            // The read waits as decoded; its events are made when it leaves.
            self.mates
                .insert(name, (reverse, f1r2, mate_start), &mut self.scratch.read);
        } else {
            self.count_fragment(f1r2, (Mate::Current, reverse), None)?;
        }
        Ok(())
    }

    /// Makes the per-position tables cover the region from `start` (a record's start) on:
    /// from the first record, and further back only when a record comes out of coordinate
    /// order (the tables then grow at their front; nothing counted is lost).
    fn cover_from(&mut self, start: u64) {
        let len = self.reference.region.len() as usize;
        let skip = self
            .reference
            .offset(start)
            .unwrap_or(0)
            .min(len.saturating_sub(1));
        if skip >= self.skip {
            return;
        }
        let grow = self.skip.min(len) - skip;
        // (At the first record the tables are empty and `grow` is the rest of the region.)
        fn front<T: Clone>(table: &mut Vec<T>, zero: T, grow: usize) {
            table.splice(0..0, std::iter::repeat_n(zero, grow));
        }
        front(&mut self.counts, PositionCounts::default(), grow);
        front(&mut self.matches, Matches::default(), grow);
        front(&mut self.errors, 0, grow);
        // The reference's tail from there, bases and match keys as they are.
        let region = &self.reference.region;
        let tail = |v: &[u8]| v.get(skip..).unwrap_or_default().to_vec();
        self.counted = RegionReference {
            region: GenomicRegion {
                contig: region.contig.clone(),
                start: region.start + skip as u64,
                end: region.end,
            },
            bases: tail(&self.reference.bases),
            match_keys: tail(&self.reference.match_keys),
        };
        self.skip = skip;
    }

    /// Counts a fragment (a read, or two mates merged as they are counted; each mate with
    /// its strand), F1R2 or not: its bases and indels in one pass, its MNVs from the fragment
    /// built again when it has two mismatches or more. Reads without indels are counted
    /// straight from their buffers ([`super::direct`]), others through their events.
    fn count_fragment(
        &mut self,
        f1r2: bool,
        first: (Mate, bool),
        second: Option<(Mate, bool)>,
    ) -> io::Result<()> {
        let Self {
            counted: reference,
            params,
            counts,
            matches,
            errors,
            indels,
            mnvs,
            mnv_bases,
            mates,
            qc,
            error_thirds,
            scratch,
            direct,
            ..
        } = self;
        let Scratch {
            events,
            mate_events,
            read,
            fragment,
            mismatches,
            names,
            codes,
        } = scratch;
        let buffers = |mate: Mate| match mate {
            Mate::Current => &*read,
            Mate::Waiting(slot) => &mates.read(slot).read,
        };
        let run = |(mate, reverse): (Mate, bool)| {
            let (start, bases, qualities) = buffers(mate).aligned_run()?;
            Some(Run {
                start,
                bases,
                qualities,
                reverse,
            })
        };
        // Both reads must be single runs (a mate that is not leaves `Some(None)`).
        let runs = match (*direct).then(|| (run(first), second.map(run))) {
            Some((Some(a), None)) => Some((a, None)),
            Some((Some(a), Some(Some(b)))) => Some((a, Some(b))),
            _ => None,
        };
        let min_bq = params.min_base_quality;
        let reads = (buffers(first.0), second.map(|(mate, _)| buffers(mate)));
        if runs.is_none() {
            let low = &mut qc.low_base_quality;
            fragment_events(
                reference,
                (min_bq, low),
                reads,
                (mate_events, events),
                names,
            )?;
        }
        let mut tally = Tally {
            counts,
            matches,
            errors,
            reference,
            error_thirds,
            indels,
            names,
            f1r2,
            mismatches: 0,
        };
        let discordant = &mut qc.discordant_mate_bases;
        match &runs {
            Some((a, b)) => {
                let region = (
                    reference.region.start,
                    reference.region.end.saturating_add(1),
                );
                let tallies = (&mut qc.low_base_quality, discordant);
                count_runs(a, b.as_ref(), region, min_bq, tallies, (&mut tally, codes));
            }
            None => feed(
                &mut tally,
                (first.1, mate_events),
                second.map(|(_, reverse)| (reverse, &events[..])),
                discordant,
            ),
        }
        if tally.mismatches < 2 {
            return Ok(());
        }
        if runs.is_some() {
            // Base qualities were counted in the first pass.
            fragment_events(
                reference,
                (min_bq, &mut 0),
                reads,
                (mate_events, events),
                names,
            )?;
        }
        fragment.clear(f1r2);
        // Discordance was counted in the first pass.
        feed(
            fragment,
            (first.1, mate_events),
            second.map(|(_, reverse)| (reverse, &events[..])),
            &mut 0,
        );
        count_mnvs(&fragment.bases, reference, mnv_bases, mnvs, mismatches);
        Ok(())
    }

    /// Counts alone every waiting read whose mate should have started before `start`: the
    /// mate was filtered or lies outside the query. (Its events cannot fail: its CIGAR was
    /// checked against its sequence when it was decoded.)
    fn flush_pending_before(&mut self, start: u64) {
        if !self.mates.waits_before(start) {
            return;
        }
        while let Some(slot) = self.mates.take_before(start) {
            let waiting = self.mates.read(slot);
            let first = (Mate::Waiting(slot), waiting.reverse);
            // Cannot fail: the read's CIGAR was checked against its sequence at decode.
            let _ = self.count_fragment(waiting.f1r2, first, None);
            self.mates.release(slot);
        }
    }

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
        let walk_fast = !(self.indels.keys())
            .chain(self.mnvs.keys())
            .chain(self.mnv_bases.keys())
            .any(|&p| p < self.counted.region.start);
        let mut i = 0;
        while i < len {
            let pos = self.reference.region.start + i as u64;
            if i < self.skip && walk_fast {
                let next_site = self.report_sites
                    [self.report_sites.partition_point(|&p| p < pos)..]
                    .first()
                    .copied()
                    .unwrap_or(u64::MAX);
                let run_end = (self.reference.region.start + self.skip as u64).min(next_site);
                if run_end > pos {
                    let run = (pos, run_end - 1);
                    add_to_blocks((&mut open, &mut blocks), run, (0, 0), band);
                    i = (run_end - self.reference.region.start) as usize;
                    continue;
                }
            }
            let mut zero;
            let (c, m, expected_errors) = match i.checked_sub(self.skip) {
                Some(j) => {
                    let errors = self.errors[j] as f64 / ERROR_UNIT;
                    (&mut self.counts[j], &self.matches[j], errors)
                }
                None => {
                    zero = empty.clone();
                    (&mut zero, &unseen, 0.0)
                }
            };
            i += 1;
            let ref_base = self.reference.base(pos);
            c.add_matches(ref_base, m);
            let (forward, reverse) = (c.row(FORWARD), c.row(REVERSE));
            let depth = forward.total() + reverse.total();
            let ref_count = forward.base(ref_base) + reverse.base(ref_base);
            let indel_alt: u32 = self
                .indels
                .get(&pos)
                .map_or(0, |v| v.iter().map(AlleleCount::total).max().unwrap_or(0));
            let base_alt = if ref_base == b'N' {
                0
            } else {
                depth - ref_count
            };
            let mnv_alt: u32 = self
                .mnvs
                .get(&pos)
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
        (sites, blocks, self.qc)
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
