//! [`RegionCounter`]: counts one region of one sample from alignment records in coordinate
//! order — read filters by reason, reads turned into events ([`super::read`]), mates merged
//! ([`super::mates`]), fragments counted per position and strand with their indels and MNVs
//! ([`super::mnv`]) — and [`RegionCounter::finish`] turns the counts into exact sites and
//! reference blocks (the gVCF model).

use super::direct::{count_runs, Run};
use super::matches::{put_before, MatchTally};
use super::mates::{merge_pair, MateBuffer};
use super::mnv::count_mnvs;
use super::read::{read_events, ReadBuffers};
use super::tables::Tables;
use super::types::{cell_count, cell_of, mark_cells};
use super::types::{
    Fragment, FragmentSink, IndelNames, MnvBases, PositionCounts, ReadEvent, RegionReference,
    RunCodes, Tally, ERROR_UNIT,
};
use esr1_proto::{AlleleCount, CallingParams, GenomicRegion, MnvCount, RegionQc};
use noodles::sam::{self, alignment::Record};
use std::collections::HashMap;
use std::io;

mod finish;

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
    /// Per position as `counts`: the bases matching the reference ([`MatchTally`]).
    matches: MatchTally,
    /// Per position: the expected errors of the bases counted, in [`ERROR_UNIT`]s
    /// ([`Tally::errors`]).
    errors: Vec<u64>,
    /// Per [`BLOCK_GRID`] cell of the region (from the one holding its start): whether a
    /// fragment reached it. The tables of the others hold only zeros, which
    /// [`Self::finish`] writes as blocks without reading them (so their pages, allocated
    /// zeroed, are never touched: a job over the whole gene pays for the exons its reads
    /// cover, not for the introns between them).
    touched: Vec<bool>,
    /// The cell ([`cell_of`]) of the region's start: `touched[0]`'s.
    first_cell: u64,
    indels: HashMap<u64, Vec<AlleleCount>>,
    mnvs: HashMap<u64, Vec<MnvCount>>,
    mnv_bases: MnvBases,
    mates: MateBuffer,
    /// The last record start whose waiting mates were prepared ([`MateBuffer::prepare`]).
    prepared: u64,
    qc: RegionQc,
    /// [`error_thirds`].
    error_thirds: [u64; 256],
    /// [`kept_errors`].
    kept_errors: [u64; 256],
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

/// [`Tally::kept_errors`]: the error thirds of kept qualities below
/// [`super::direct::UNMATCHED`], nothing above.
fn kept_errors(thirds: &[u64; 256]) -> [u64; 256] {
    std::array::from_fn(|q| {
        if q < usize::from(super::direct::UNMATCHED) {
            thirds[q]
        } else {
            0
        }
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
        let (touched, first_cell) = (
            vec![false; cell_count(&reference.region)],
            cell_of(reference.region.start),
        );
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
            matches: MatchTally::default(),
            errors: Vec::new(),
            touched,
            first_cell,
            indels: HashMap::new(),
            mnvs: HashMap::new(),
            mnv_bases: MnvBases::new(),
            mates: MateBuffer::default(),
            prepared: 0,
            qc: RegionQc::default(),
            error_thirds: error_thirds(),
            kept_errors: kept_errors(&error_thirds()),
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

    /// The same counter walking every cell in [`Self::finish`], reached or not (tests compare
    /// the two).
    #[cfg(test)]
    pub(crate) fn walking_every_cell(mut self) -> Self {
        self.touched.fill(true);
        self
    }

    /// The cells no fragment has reached yet.
    #[cfg(test)]
    pub(crate) fn untouched_cells(&self) -> usize {
        self.touched.iter().filter(|&&t| !t).count()
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
        if start > self.prepared {
            // The first record starting here: the reads whose mates start here are taken
            // next (see [`MateBuffer::prepare`]).
            self.mates.prepare(start);
            self.prepared = start;
        }

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
        if self.counts.is_empty() {
            // The first record: zeroed tables, the last job's or new ones (calloc'd; a page
            // no read reaches is never written, nor read: see `touched`).
            let tables = Tables::zeroed(grow);
            (self.counts, self.errors, self.matches) =
                (tables.counts, tables.errors, tables.matches);
        } else {
            put_before(&mut self.counts, PositionCounts::default(), grow);
            self.matches.grow_front(grow);
            put_before(&mut self.errors, 0, grow);
        }
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
            kept_errors,
            scratch,
            direct,
            touched,
            first_cell,
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
        // Every position the fragment can count lies in its reads' spans.
        let span =
            [Some(reads.0), reads.1]
                .into_iter()
                .flatten()
                .fold((u64::MAX, 0), |(lo, hi), r| {
                    let end = (r.start() + r.reference_span()).saturating_sub(1);
                    (lo.min(r.start()), hi.max(end))
                });
        mark_cells(touched, *first_cell, span);
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
        // The tables may run on past the region (see [`super::tables`]): nothing past it.
        let n = reference.region.len() as usize;
        let (n_counts, n_errors) = (n.min(counts.len()), n.min(errors.len()));
        let mut tally = Tally {
            counts: &mut counts[..n_counts],
            matches,
            errors: &mut errors[..n_errors],
            reference,
            error_thirds,
            kept_errors,
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
}
