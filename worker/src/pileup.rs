//! The pileup and counting core: pure, synchronous, I/O-free.
//!
//! [`RegionCounter`] takes alignment records in coordinate order through noodles' alignment
//! record trait (so BAM, CRAM and in-memory records share it) and counts, per position of one
//! region, strand-aware fragments reading each base, spanning deletions and anchoring indels.
//! The two mates of one fragment are counted once: where they overlap and agree, the base of
//! the better-quality mate counts; where they disagree, neither counts (a discordant base is
//! not evidence). [`RegionCounter::finish`] turns the counts into exact sites and reference
//! blocks (the gVCF model).
//!
//! Per read, indels are left-aligned against the reference as `bcftools norm` does, before
//! anchoring (so mates and reads aligned differently in a repeat agree); per fragment, mismatches
//! within three bases of each other are also recorded together as one multi-nucleotide variant
//! ([`MnvCount`]), and every base remembers whether it lay near an end of its read.

use esr1_proto::{
    AlleleCount, BaseCounts, CallingParams, GenomicRegion, MnvCount, ReferenceBlock, RegionQc,
    SiteCounts,
};
use noodles::sam::{self, alignment::record::cigar::op::Kind, alignment::Record};
use std::collections::{BTreeMap, HashMap};
use std::io;

/// A base within this many aligned bases (`M`, `=`, `X`; soft clips excluded) of either end of
/// its read counts in [`SiteCounts::near_read_end`].
pub const READ_END_WINDOW: usize = 10;

/// Longest reference span of one multi-nucleotide variant.
pub const MNV_MAX_SPAN: u64 = 3;

/// What one read says about one reference position.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Observation {
    /// A base with its quality.
    Base { base: u8, quality: u8 },
    /// The position is deleted in this read.
    Deleted,
}

/// What one read says at one position: its base (or deletion) and any indel anchored there.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ReadEvent {
    pos: u64,
    /// `None` for a base below the minimum quality.
    observation: Option<Observation>,
    /// The read's base here whatever its quality (upper case); 0 where the position is deleted.
    read_base: u8,
    /// Within [`READ_END_WINDOW`] aligned bases of an end of the read.
    near_end: bool,
    /// `+SEQ` or `-N` anchored at `pos`.
    indel: Option<String>,
}

/// A read's events with its strand, waiting for its mate.
#[derive(Debug)]
struct PendingRead {
    reverse: bool,
    events: Vec<ReadEvent>,
    mate_start: u64,
}

/// One counted position of a fragment: the observation kept and the strand of its mate.
#[derive(Debug, Clone)]
struct FragmentBase {
    pos: u64,
    reverse: bool,
    observation: Observation,
    near_end: bool,
}

/// What one fragment (one read, or two mates merged) contributes, in position order.
#[derive(Debug, Default)]
struct Fragment {
    bases: Vec<FragmentBase>,
    /// (anchor, reverse, allele).
    indels: Vec<(u64, bool, String)>,
}

impl Fragment {
    fn push_base(&mut self, e: &ReadEvent, reverse: bool) {
        if let Some(o) = &e.observation {
            self.bases.push(FragmentBase {
                pos: e.pos,
                reverse,
                observation: o.clone(),
                near_end: e.near_end,
            });
        }
    }

    fn push_event(&mut self, e: &ReadEvent, reverse: bool) {
        self.push_base(e, reverse);
        if let Some(indel) = &e.indel {
            self.indels.push((e.pos, reverse, indel.clone()));
        }
    }

    fn from_read(reverse: bool, events: &[ReadEvent]) -> Self {
        let mut f = Self::default();
        for e in events {
            f.push_event(e, reverse);
        }
        f
    }
}

#[derive(Debug, Clone, Default)]
struct PositionCounts {
    forward: BaseCounts,
    reverse: BaseCounts,
    expected_errors: f64,
    in_mnv: BaseCounts,
    in_mnv_reverse: BaseCounts,
    near_read_end: BaseCounts,
}

/// Counts one region of one sample.
pub struct RegionCounter {
    region: GenomicRegion,
    reference_sequence_id: Option<usize>,
    /// Reference bases from `region.start` on (at least the region; more is fine).
    reference: Vec<u8>,
    params: CallingParams,
    report_sites: Vec<u64>,
    counts: Vec<PositionCounts>,
    indels: HashMap<u64, Vec<AlleleCount>>,
    mnvs: HashMap<u64, Vec<MnvCount>>,
    pending: HashMap<Vec<u8>, PendingRead>,
    pending_by_mate_start: BTreeMap<u64, Vec<Vec<u8>>>,
    qc: RegionQc,
}

fn error_probability(quality: u8) -> f64 {
    10f64.powf(-f64::from(quality) / 10.0)
}

fn invalid(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

fn is_aligned(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Match | Kind::SequenceMatch | Kind::SequenceMismatch
    )
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
        Self {
            region,
            reference_sequence_id,
            reference,
            params,
            report_sites,
            counts: vec![PositionCounts::default(); len],
            indels: HashMap::new(),
            mnvs: HashMap::new(),
            pending: HashMap::new(),
            pending_by_mate_start: BTreeMap::new(),
            qc: RegionQc::default(),
        }
    }

    /// The reference base at a position (upper case, `N` when unknown).
    pub fn reference_base(&self, pos: u64) -> u8 {
        pos.checked_sub(self.region.start)
            .and_then(|i| self.reference.get(i as usize))
            .map_or(b'N', u8::to_ascii_uppercase)
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
        let owned = self.region.contains(start);
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
        self.flush_pending_before(start);

        let reverse = flags.is_reverse_complemented();
        let events = self.read_events(record, start)?;
        let name = record.name().map(|n| n.to_vec()).unwrap_or_default();

        if let Some(mate) = self.pending.remove(&name) {
            self.remove_pending_index(mate.mate_start, &name);
            let fragment = self.merge_pair(mate, reverse, events);
            self.count_fragment(&fragment);
            return Ok(());
        }

        let end = start + record.alignment_span().transpose()?.unwrap_or(0) as u64;
        let mate_start = record
            .mate_alignment_start()
            .transpose()?
            .map_or(0, |p| usize::from(p) as u64);
        let mate_rid = record.mate_reference_sequence_id(header).transpose()?;
        let mate_may_overlap = flags.is_segmented()
            && !flags.is_mate_unmapped()
            && mate_rid == rid
            && mate_start >= start
            && mate_start < end
            && !name.is_empty();
        if mate_may_overlap {
            self.pending_by_mate_start
                .entry(mate_start)
                .or_default()
                .push(name.clone());
            self.pending.insert(
                name,
                PendingRead {
                    reverse,
                    events,
                    mate_start,
                },
            );
        } else {
            self.count_fragment(&Fragment::from_read(reverse, &events));
        }
        Ok(())
    }

    fn remove_pending_index(&mut self, mate_start: u64, name: &[u8]) {
        if let Some(names) = self.pending_by_mate_start.get_mut(&mate_start) {
            names.retain(|n| n != name);
            if names.is_empty() {
                self.pending_by_mate_start.remove(&mate_start);
            }
        }
    }

    /// Counts alone every waiting read whose mate should have started before `start`: the
    /// mate was filtered or lies outside the query.
    fn flush_pending_before(&mut self, start: u64) {
        while let Some((&mate_start, _)) = self.pending_by_mate_start.first_key_value() {
            if mate_start >= start {
                break;
            }
            let names = self
                .pending_by_mate_start
                .remove(&mate_start)
                .unwrap_or_default();
            for name in names {
                if let Some(read) = self.pending.remove(&name) {
                    self.count_fragment(&Fragment::from_read(read.reverse, &read.events));
                }
            }
        }
    }

    /// Walks the CIGAR and returns the read's events inside the region, in position order,
    /// with its indels left-aligned.
    fn read_events<R: Record + ?Sized>(
        &mut self,
        record: &R,
        start: u64,
    ) -> io::Result<Vec<ReadEvent>> {
        let sequence: Vec<u8> = record.sequence().iter().collect();
        let qualities: Vec<u8> = record.quality_scores().iter().collect::<io::Result<_>>()?;
        let quality_at = |i: usize| qualities.get(i).copied().unwrap_or(255);
        let min_bq = self.params.min_base_quality;
        let cigar = record.cigar();
        let mut aligned_total = 0usize;
        for op in cigar.iter() {
            let op = op?;
            if is_aligned(op.kind()) {
                aligned_total += op.len();
            }
        }
        let near_end = |aligned_index: usize| {
            aligned_index < READ_END_WINDOW
                || aligned_total.saturating_sub(aligned_index + 1) < READ_END_WINDOW
        };
        let mut events: Vec<ReadEvent> = Vec::new();
        let mut ref_pos = start;
        let mut read_pos = 0usize;
        let mut aligned_index = 0usize;
        let region = self.region.clone();
        for op in cigar.iter() {
            let op = op?;
            let len = op.len();
            match op.kind() {
                Kind::Match | Kind::SequenceMatch | Kind::SequenceMismatch => {
                    for k in 0..len {
                        let pos = ref_pos + k as u64;
                        if region.contains(pos) {
                            let base = sequence
                                .get(read_pos + k)
                                .ok_or_else(|| invalid("CIGAR is longer than the sequence"))?
                                .to_ascii_uppercase();
                            let quality = quality_at(read_pos + k);
                            let observation = if quality != 255 && quality < min_bq {
                                self.qc.low_base_quality += 1;
                                None
                            } else {
                                Some(Observation::Base {
                                    base,
                                    quality: quality.min(93),
                                })
                            };
                            events.push(ReadEvent {
                                pos,
                                observation,
                                read_base: base,
                                near_end: near_end(aligned_index + k),
                                indel: None,
                            });
                        }
                    }
                    ref_pos += len as u64;
                    read_pos += len;
                    aligned_index += len;
                }
                Kind::Insertion => {
                    let anchor = ref_pos.saturating_sub(1);
                    let inserted = sequence
                        .get(read_pos..read_pos + len)
                        .ok_or_else(|| invalid("CIGAR is longer than the sequence"))?;
                    let mean_q = (read_pos..read_pos + len)
                        .map(|i| u32::from(quality_at(i).min(93)))
                        .sum::<u32>()
                        / len.max(1) as u32;
                    // An insertion needs an aligned anchor base before it (not a clip).
                    let anchored = events.last().is_some_and(|e| e.pos == anchor);
                    if anchored && mean_q >= u32::from(min_bq) && region.contains(anchor) {
                        if let Some(last) = events.last_mut() {
                            let seq = String::from_utf8_lossy(inserted).to_ascii_uppercase();
                            last.indel = Some(format!("+{seq}"));
                        }
                    }
                    read_pos += len;
                }
                Kind::Deletion => {
                    let anchor = ref_pos.saturating_sub(1);
                    if let Some(last) = events.last_mut().filter(|e| e.pos == anchor) {
                        last.indel = Some(format!("-{len}"));
                    }
                    for k in 0..len {
                        let pos = ref_pos + k as u64;
                        if region.contains(pos) {
                            events.push(ReadEvent {
                                pos,
                                observation: Some(Observation::Deleted),
                                read_base: 0,
                                near_end: false,
                                indel: None,
                            });
                        }
                    }
                    ref_pos += len as u64;
                }
                Kind::Skip => ref_pos += len as u64,
                Kind::SoftClip => read_pos += len,
                Kind::HardClip | Kind::Pad => {}
            }
        }
        for i in 0..events.len() {
            if events[i].indel.is_some() {
                self.left_align(&mut events, i);
            }
        }
        Ok(events)
    }

    /// Moves the indel anchored at `events[i]` to its leftmost equivalent position, as
    /// `bcftools norm` does: a deletion of `[s, e]` moves one base left while the reference
    /// base before it equals `ref[e]`; an insertion of SEQ after `p` moves while `ref[p]` is
    /// the last base of SEQ (which then rotates: `CA` after `…CACA` becomes `AC`). Each step
    /// also needs the read's own base at the old anchor to be that base, so the read's
    /// sequence is unchanged; for a deletion the base moves to the far end of the deleted
    /// run and the freed position becomes deleted.
    ///
    /// Limit: the new anchor must be a base of this read inside the region, so an indel never
    /// moves before the counter's reference start (`region.start`); a repeat running across
    /// the region start is anchored at the region start.
    fn left_align(&self, events: &mut [ReadEvent], mut i: usize) {
        while i > 0 {
            let (prev, cur) = (&events[i - 1], &events[i]);
            let anchor = cur.pos;
            if prev.pos + 1 != anchor
                || prev.indel.is_some()
                || prev.read_base == 0
                || cur.read_base == 0
            {
                return;
            }
            let Some(allele) = cur.indel.clone() else {
                return;
            };
            let anchor_base = self.reference_base(anchor);
            if anchor_base == b'N' || cur.read_base != anchor_base {
                return;
            }
            let moved = match allele.as_bytes() {
                [b'+', seq @ ..] => match seq.split_last() {
                    Some((&last, rest)) if last == anchor_base => {
                        let mut rotated = vec![last];
                        rotated.extend_from_slice(rest);
                        format!("+{}", String::from_utf8_lossy(&rotated))
                    }
                    _ => return,
                },
                [b'-', n @ ..] => {
                    let Some(n) = std::str::from_utf8(n)
                        .ok()
                        .and_then(|s| s.parse::<u64>().ok())
                        .filter(|&n| n > 0)
                    else {
                        return;
                    };
                    let last = anchor.saturating_add(n);
                    if self.reference_base(last) != anchor_base {
                        return;
                    }
                    // The read's base at the anchor moves to the end of the deleted run.
                    let target = i.saturating_add(n as usize);
                    let has_target = events.get(target).is_some_and(|e| {
                        e.pos == last && e.observation == Some(Observation::Deleted)
                    });
                    if !has_target && last <= self.region.end {
                        return;
                    }
                    let deleted = ReadEvent {
                        pos: anchor,
                        observation: Some(Observation::Deleted),
                        read_base: 0,
                        near_end: false,
                        indel: None,
                    };
                    let base = std::mem::replace(&mut events[i], deleted);
                    if has_target {
                        events[target] = ReadEvent {
                            pos: last,
                            indel: None,
                            ..base
                        };
                    }
                    allele
                }
                _ => return,
            };
            events[i].indel = None;
            events[i - 1].indel = Some(moved);
            i -= 1;
        }
    }

    fn add_observation(&mut self, b: &FragmentBase) {
        let Some(slot) = b
            .pos
            .checked_sub(self.region.start)
            .and_then(|i| self.counts.get_mut(i as usize))
        else {
            return;
        };
        let strand = if b.reverse {
            &mut slot.reverse
        } else {
            &mut slot.forward
        };
        match b.observation {
            Observation::Base { base, quality } => {
                if matches!(base, b'A' | b'C' | b'G' | b'T') {
                    strand.add_base(base);
                    slot.expected_errors += error_probability(quality) / 3.0;
                    if b.near_end {
                        slot.near_read_end.add_base(base);
                    }
                }
            }
            Observation::Deleted => strand.del += 1,
        }
    }

    fn add_indel(&mut self, pos: u64, reverse: bool, allele: &str) {
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

    /// Counts one fragment: its bases, its indels and its multi-nucleotide variants.
    fn count_fragment(&mut self, fragment: &Fragment) {
        for b in &fragment.bases {
            self.add_observation(b);
        }
        for (pos, reverse, allele) in &fragment.indels {
            self.add_indel(*pos, *reverse, allele);
        }
        self.count_mnvs(&fragment.bases);
    }

    /// Groups the fragment's mismatches (bases other than a known reference base) from the
    /// left: a group starts at a mismatch and takes every further mismatch within
    /// [`MNV_MAX_SPAN`] bases of its start. A group of two or more is one MNV, recorded at its
    /// first position with the fragment's bases over the span, when the fragment has a counted
    /// base at every position of the span (a deleted, low-quality or discordant middle base
    /// leaves the mismatches as SNVs). Every base of the span counts in `in_mnv`.
    fn count_mnvs(&mut self, bases: &[FragmentBase]) {
        let base_at = |i: usize| match bases[i].observation {
            Observation::Base { base, .. } => Some(base),
            Observation::Deleted => None,
        };
        let mismatches: Vec<usize> = (0..bases.len())
            .filter(|&i| {
                let r = self.reference_base(bases[i].pos);
                base_at(i).is_some_and(|b| r != b'N' && b != r)
            })
            .collect();
        let mut k = 0;
        while k < mismatches.len() {
            let first = mismatches[k];
            let start = bases[first].pos;
            let mut end_k = k;
            while end_k + 1 < mismatches.len()
                && bases[mismatches[end_k + 1]].pos < start + MNV_MAX_SPAN
            {
                end_k += 1;
            }
            let last = mismatches[end_k];
            k = end_k + 1;
            if last == first {
                continue;
            }
            // Bases are in position order, one per position: the span must be contiguous.
            let span = &bases[first..=last];
            let span_len = bases[last].pos - start + 1;
            let alt: Option<Vec<u8>> = (first..=last).map(base_at).collect();
            let (Some(alt), true) = (alt, span.len() as u64 == span_len) else {
                continue;
            };
            let reference: Vec<u8> = (start..start + span_len)
                .map(|p| self.reference_base(p))
                .collect();
            let reverse = bases[first].reverse;
            let (ref_allele, alt_allele) = (
                String::from_utf8_lossy(&reference).into_owned(),
                String::from_utf8_lossy(&alt).into_owned(),
            );
            let list = self.mnvs.entry(start).or_default();
            let i = match list
                .iter()
                .position(|m| m.alt_allele == alt_allele && m.ref_allele == ref_allele)
            {
                Some(i) => i,
                None => {
                    list.push(MnvCount {
                        ref_allele,
                        alt_allele,
                        forward: 0,
                        reverse: 0,
                    });
                    list.len() - 1
                }
            };
            if reverse {
                list[i].reverse += 1;
            } else {
                list[i].forward += 1;
            }
            for (b, base) in span.iter().zip(alt) {
                if let Some(slot) = b
                    .pos
                    .checked_sub(self.region.start)
                    .and_then(|i| self.counts.get_mut(i as usize))
                {
                    slot.in_mnv.add_base(base);
                    if b.reverse {
                        slot.in_mnv_reverse.add_base(base);
                    }
                }
            }
        }
    }

    /// Merges a fragment from its two mates: each position once; discordant positions not
    /// at all.
    fn merge_pair(
        &mut self,
        first: PendingRead,
        second_reverse: bool,
        second: Vec<ReadEvent>,
    ) -> Fragment {
        let mut f = Fragment::default();
        let mut j = 0;
        for e in &first.events {
            // Advance the second mate to this position.
            while j < second.len() && second[j].pos < e.pos {
                j += 1;
            }
            let other = second.get(j).filter(|o| o.pos == e.pos);
            let Some(other) = other else {
                // Only the first mate covers this position.
                f.push_event(e, first.reverse);
                continue;
            };
            match (&e.observation, &other.observation) {
                (Some(a), Some(b)) => {
                    if same_call(a, b) {
                        if quality_of(b) > quality_of(a) {
                            f.push_base(other, second_reverse);
                        } else {
                            f.push_base(e, first.reverse);
                        }
                    } else {
                        self.qc.discordant_mate_bases += 1;
                    }
                }
                (Some(_), None) => f.push_base(e, first.reverse),
                (None, Some(_)) => f.push_base(other, second_reverse),
                (None, None) => {}
            }
            match (&e.indel, &other.indel) {
                (Some(a), Some(b)) if a == b => f.indels.push((e.pos, first.reverse, a.clone())),
                (None, None) => {}
                // One mate shows an indel the other does not, at a position both cover.
                _ => self.qc.discordant_mate_bases += 1,
            }
        }
        // Positions the second mate covers beyond (or without) the first.
        for e in &second {
            let covered = first.events.binary_search_by_key(&e.pos, |f| f.pos).is_ok();
            if !covered {
                f.push_event(e, second_reverse);
            }
        }
        f.bases.sort_by_key(|b| b.pos);
        f
    }

    /// Ends counting: sites with alt evidence or requested, reference blocks elsewhere.
    pub fn finish(mut self) -> (Vec<SiteCounts>, Vec<ReferenceBlock>, RegionQc) {
        self.flush_pending_before(u64::MAX);
        let mut sites = Vec::new();
        let mut blocks: Vec<ReferenceBlock> = Vec::new();
        let mut open: Option<(ReferenceBlock, u32)> = None; // (block, first depth)
        let band = 1.0 + self.params.block_depth_band.max(0.0);
        let min_report = self.params.min_alt_to_report.max(1);
        for (i, c) in self.counts.iter().enumerate() {
            let pos = self.region.start + i as u64;
            let ref_base = self.reference_base(pos);
            let depth = c.forward.total() + c.reverse.total();
            let ref_count = c.forward.base(ref_base) + c.reverse.base(ref_base);
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
                mnvs.sort_by(|a, b| a.alt_allele.cmp(&b.alt_allele));
                sites.push(SiteCounts {
                    pos,
                    ref_base: ref_base as char,
                    forward: c.forward,
                    reverse: c.reverse,
                    indels,
                    expected_errors: c.expected_errors,
                    mnvs,
                    in_mnv: c.in_mnv,
                    in_mnv_reverse: c.in_mnv_reverse,
                    near_read_end: c.near_read_end,
                });
                continue;
            }
            match &mut open {
                Some((b, first_depth))
                    if (depth == 0) == (*first_depth == 0)
                        && f64::from(depth) <= f64::from(*first_depth) * band
                        && f64::from(depth) * band >= f64::from(*first_depth) =>
                {
                    b.end = pos;
                    b.min_depth = b.min_depth.min(depth);
                    b.max_alt = b.max_alt.max(alt);
                }
                _ => {
                    if let Some((b, _)) = open.take() {
                        blocks.push(b);
                    }
                    open = Some((
                        ReferenceBlock {
                            start: pos,
                            end: pos,
                            min_depth: depth,
                            max_alt: alt,
                        },
                        depth,
                    ));
                }
            }
        }
        if let Some((b, _)) = open.take() {
            blocks.push(b);
        }
        (sites, blocks, self.qc)
    }
}

fn same_call(a: &Observation, b: &Observation) -> bool {
    match (a, b) {
        (Observation::Base { base: x, .. }, Observation::Base { base: y, .. }) => x == y,
        (Observation::Deleted, Observation::Deleted) => true,
        _ => false,
    }
}

fn quality_of(o: &Observation) -> u8 {
    match o {
        Observation::Base { quality, .. } => *quality,
        Observation::Deleted => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use noodles::core::Position;
    use noodles::sam::alignment::{
        record::{cigar::Op, Flags, MappingQuality},
        RecordBuf,
    };
    use noodles::sam::header::record::value::{map::ReferenceSequence, Map};
    use std::num::NonZeroUsize;

    const REF: &[u8] = b"ACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTAC"; // positions 101..150

    fn header() -> sam::Header {
        sam::Header::builder()
            .add_reference_sequence(
                "chr6",
                Map::<ReferenceSequence>::new(NonZeroUsize::new(1000).unwrap_or(NonZeroUsize::MIN)),
            )
            .build()
    }

    fn parse_cigar(s: &str) -> Vec<Op> {
        let mut ops = Vec::new();
        let mut n = 0usize;
        for c in s.chars() {
            if let Some(d) = c.to_digit(10) {
                n = n * 10 + d as usize;
            } else {
                let kind = match c {
                    'M' => Kind::Match,
                    'I' => Kind::Insertion,
                    'D' => Kind::Deletion,
                    'S' => Kind::SoftClip,
                    _ => Kind::Skip,
                };
                ops.push(Op::new(kind, n));
                n = 0;
            }
        }
        ops
    }

    struct Read<'a> {
        name: &'a str,
        flags: u16,
        start: usize,
        cigar: &'a str,
        seq: &'a [u8],
        qual: u8,
        mapq: u8,
        mate_start: Option<usize>,
    }

    fn record(r: Read<'_>) -> RecordBuf {
        let mut b = RecordBuf::builder()
            .set_name(r.name)
            .set_flags(Flags::from(r.flags))
            .set_reference_sequence_id(0)
            .set_alignment_start(Position::new(r.start).unwrap_or(Position::MIN))
            .set_cigar(parse_cigar(r.cigar).into_iter().collect())
            .set_sequence(r.seq.to_vec().into())
            .set_quality_scores(vec![r.qual; r.seq.len()].into());
        if let Some(m) = MappingQuality::new(r.mapq) {
            b = b.set_mapping_quality(m);
        }
        if let Some(ms) = r.mate_start {
            b = b
                .set_mate_reference_sequence_id(0)
                .set_mate_alignment_start(Position::new(ms).unwrap_or(Position::MIN));
        }
        b.build()
    }

    fn count(records: &[RecordBuf]) -> (Vec<SiteCounts>, Vec<ReferenceBlock>, RegionQc) {
        count_on(REF, records)
    }

    /// Counts records over positions 101..150 of another reference.
    fn count_on(
        reference: &[u8],
        records: &[RecordBuf],
    ) -> (Vec<SiteCounts>, Vec<ReferenceBlock>, RegionQc) {
        let h = header();
        let region = GenomicRegion {
            contig: "chr6".into(),
            start: 101,
            end: 150,
        };
        let mut c = RegionCounter::new(
            region,
            Some(0),
            reference.to_vec(),
            CallingParams::default(),
            vec![],
        );
        for r in records {
            c.add_record(&h, r).unwrap_or_else(|e| panic!("{e}"));
        }
        c.finish()
    }

    fn depth_at(blocks: &[ReferenceBlock], sites: &[SiteCounts], pos: u64) -> u32 {
        if let Some(s) = sites.iter().find(|s| s.pos == pos) {
            return s.depth();
        }
        blocks
            .iter()
            .find(|b| b.start <= pos && pos <= b.end)
            .map_or(0, |b| b.min_depth)
    }

    /// Reference bases for 1-based positions [start, start + len).
    fn ref_seq(start: usize, len: usize) -> Vec<u8> {
        REF[start - 101..start - 101 + len].to_vec()
    }

    const PAIRED_FWD: u16 = 0x1 | 0x2 | 0x20 | 0x40; // mate reverse, first
    const PAIRED_REV: u16 = 0x1 | 0x2 | 0x10 | 0x80; // reverse, last

    #[test]
    fn an_overlapping_pair_is_counted_once_and_strand_is_kept() {
        let r1 = record(Read {
            name: "f1",
            flags: PAIRED_FWD,
            start: 101,
            cigar: "20M",
            seq: &ref_seq(101, 20),
            qual: 30,
            mapq: 60,
            mate_start: Some(111),
        });
        let r2 = record(Read {
            name: "f1",
            flags: PAIRED_REV,
            start: 111,
            cigar: "20M",
            seq: &ref_seq(111, 20),
            qual: 35,
            mapq: 60,
            mate_start: Some(101),
        });
        let (sites, blocks, qc) = count(&[r1, r2]);
        assert!(sites.is_empty());
        for pos in [101, 110, 111, 120, 121, 130] {
            assert_eq!(depth_at(&blocks, &sites, pos), 1, "position {pos}");
        }
        assert_eq!(depth_at(&blocks, &sites, 131), 0);
        assert_eq!(qc.reads_seen, 2);
        assert_eq!(qc.discordant_mate_bases, 0);
    }

    #[test]
    fn discordant_mate_bases_are_not_evidence_and_concordant_alts_count_once() {
        let mut s1 = ref_seq(101, 20);
        let mut s2 = ref_seq(111, 20);
        s1[14] = b'T'; // position 115: mate 1 says T (ref C)
        s1[16] = b'C'; // position 117: both mates say C (ref A)
        s2[6] = b'C';
        let ref117 = REF[16];
        assert_eq!(ref117, b'A', "test premise");
        let r1 = record(Read {
            name: "f",
            flags: PAIRED_FWD,
            start: 101,
            cigar: "20M",
            seq: &s1,
            qual: 30,
            mapq: 60,
            mate_start: Some(111),
        });
        let r2 = record(Read {
            name: "f",
            flags: PAIRED_REV,
            start: 111,
            cigar: "20M",
            seq: &s2,
            qual: 30,
            mapq: 60,
            mate_start: Some(101),
        });
        let (sites, blocks, qc) = count(&[r1, r2]);
        assert_eq!(qc.discordant_mate_bases, 1);
        assert_eq!(
            depth_at(&blocks, &sites, 115),
            0,
            "discordant base is not counted"
        );
        let s117 = sites
            .iter()
            .find(|s| s.pos == 117)
            .expect("alt site reported");
        assert_eq!(s117.depth(), 1);
        assert_eq!(s117.base_total(b'C'), 1);
    }

    #[test]
    fn duplicates_secondary_and_low_mapq_reads_are_filtered_by_reason() {
        let seq = ref_seq(101, 10);
        let dup = record(Read {
            name: "d",
            flags: 0x400,
            start: 101,
            cigar: "10M",
            seq: &seq,
            qual: 30,
            mapq: 60,
            mate_start: None,
        });
        let sec = record(Read {
            name: "s",
            flags: 0x100,
            start: 101,
            cigar: "10M",
            seq: &seq,
            qual: 30,
            mapq: 60,
            mate_start: None,
        });
        let low = record(Read {
            name: "l",
            flags: 0,
            start: 101,
            cigar: "10M",
            seq: &seq,
            qual: 30,
            mapq: 5,
            mate_start: None,
        });
        let ok = record(Read {
            name: "o",
            flags: 0,
            start: 101,
            cigar: "10M",
            seq: &seq,
            qual: 30,
            mapq: 60,
            mate_start: None,
        });
        let (sites, blocks, qc) = count(&[dup, sec, low, ok]);
        assert_eq!(qc.reads_seen, 4);
        assert_eq!(
            (
                qc.filtered.duplicate,
                qc.filtered.secondary,
                qc.filtered.low_mapq
            ),
            (1, 1, 1)
        );
        assert_eq!(depth_at(&blocks, &sites, 105), 1);
    }

    #[test]
    fn bases_below_minimum_quality_are_not_counted() {
        let mut seq = ref_seq(101, 10);
        seq[4] = b'G'; // an alt at position 105, on a low-quality read
        let low = record(Read {
            name: "q",
            flags: 0,
            start: 101,
            cigar: "10M",
            seq: &seq,
            qual: 10,
            mapq: 60,
            mate_start: None,
        });
        let (sites, blocks, qc) = count(&[low]);
        assert!(sites.is_empty(), "low-quality alt is no evidence");
        assert_eq!(depth_at(&blocks, &sites, 105), 0);
        assert_eq!(qc.low_base_quality, 10);
    }

    #[test]
    fn insertion_and_deletion_are_anchored_at_the_base_before_them() {
        // 5M2I5M from 101: insertion of GG after 105.
        let mut ins = ref_seq(101, 5);
        ins.extend_from_slice(b"GG");
        ins.extend(ref_seq(106, 5));
        let r_ins = record(Read {
            name: "i",
            flags: 0,
            start: 101,
            cigar: "5M2I5M",
            seq: &ins,
            qual: 30,
            mapq: 60,
            mate_start: None,
        });
        // 5M3D5M from 101: deletion of 106-108.
        let mut del = ref_seq(101, 5);
        del.extend(ref_seq(109, 5));
        let r_del = record(Read {
            name: "d",
            flags: 0x10,
            start: 101,
            cigar: "5M3D5M",
            seq: &del,
            qual: 30,
            mapq: 60,
            mate_start: None,
        });
        let (sites, blocks, _) = count(&[r_ins, r_del]);
        let anchor = sites.iter().find(|s| s.pos == 105).expect("anchor site");
        let alleles: Vec<(&str, u32, u32)> = anchor
            .indels
            .iter()
            .map(|a| (a.allele.as_str(), a.forward, a.reverse))
            .collect();
        assert_eq!(alleles, vec![("+GG", 1, 0), ("-3", 0, 1)]);
        for pos in 106..=108 {
            let s = sites
                .iter()
                .find(|s| s.pos == pos)
                .expect("deleted positions are alt sites");
            assert_eq!((s.reverse.del, s.depth()), (1, 2), "position {pos}");
        }
        assert_eq!(depth_at(&blocks, &sites, 109), 2);
        // The calls carry VCF alleles.
        let calls = esr1_science::calling::call_site(
            anchor,
            &REF[5..],
            &CallingParams {
                min_alt_reads: 1,
                max_error_p: 1.0,
                ..Default::default()
            },
        );
        let vcf: Vec<(String, String)> = calls
            .into_iter()
            .map(|c| (c.ref_allele, c.alt_allele))
            .collect();
        assert!(vcf.contains(&("A".into(), "AGG".into())), "{vcf:?}");
        assert!(vcf.contains(&("ACGT".into(), "A".into())), "{vcf:?}");
    }

    #[test]
    fn requested_sites_are_reported_without_alt_and_blocks_cover_the_rest() {
        let region = GenomicRegion {
            contig: "chr6".into(),
            start: 101,
            end: 150,
        };
        let mut c = RegionCounter::new(
            region,
            Some(0),
            REF.to_vec(),
            CallingParams::default(),
            vec![120],
        );
        let h = header();
        let seq = ref_seq(101, 30);
        for i in 0..4 {
            let r = record(Read {
                name: &format!("r{i}"),
                flags: 0,
                start: 101,
                cigar: "30M",
                seq: &seq,
                qual: 30,
                mapq: 60,
                mate_start: None,
            });
            c.add_record(&h, &r).unwrap_or_else(|e| panic!("{e}"));
        }
        let (sites, blocks, _) = c.finish();
        assert_eq!(sites.len(), 1);
        assert_eq!((sites[0].pos, sites[0].depth()), (120, 4));
        // Blocks and sites tile the region exactly.
        let covered: u64 =
            blocks.iter().map(|b| b.end - b.start + 1).sum::<u64>() + sites.len() as u64;
        assert_eq!(covered, 50);
        assert_eq!(
            blocks.last().map(|b| (b.start, b.end, b.min_depth)),
            Some((131, 150, 0))
        );
    }

    /// Positions 101..150; `AAAA` at 109-112 after `C` at 108, `CACACACA` at 116-123 after `C`
    /// at 115. Known answers below are from `bcftools norm -f` on this sequence.
    const REPEATS: &[u8] = b"TTGCAGCCAAAAGTCCACACACAGTTGCATGCAATCGGTACGATCGTAGC";

    fn repeat_seq(start: usize, len: usize) -> Vec<u8> {
        REPEATS[start - 101..start - 101 + len].to_vec()
    }

    fn single(name: &str, flags: u16, start: usize, cigar: &str, seq: &[u8]) -> RecordBuf {
        record(Read {
            name,
            flags,
            start,
            cigar,
            seq,
            qual: 30,
            mapq: 60,
            mate_start: None,
        })
    }

    fn indels_at(sites: &[SiteCounts], pos: u64) -> Vec<(String, u32, u32)> {
        sites
            .iter()
            .find(|s| s.pos == pos)
            .map(|s| {
                s.indels
                    .iter()
                    .map(|a| (a.allele.clone(), a.forward, a.reverse))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn a_homopolymer_deletion_is_anchored_before_the_run_however_it_was_aligned() {
        // One A of AAAA (109-112) deleted: aligned at 112 by one read, at 110 by another.
        let mut seq = repeat_seq(101, 11);
        seq.extend(repeat_seq(113, 10));
        let at_112 = single("a", 0, 101, "11M1D10M", &seq);
        let at_110 = single("b", 0x10, 101, "9M1D12M", &seq);
        let (sites, _, _) = count_on(REPEATS, &[at_112, at_110]);
        assert_eq!(indels_at(&sites, 108), vec![("-1".to_owned(), 1, 1)]);
        for pos in [109, 110, 111, 112] {
            assert!(indels_at(&sites, pos).is_empty(), "position {pos}");
        }
        // The deletion now spans 109; the read's A moved to 112.
        let s109 = sites.iter().find(|s| s.pos == 109).expect("deleted site");
        assert_eq!(
            (s109.forward.del, s109.reverse.del, s109.depth()),
            (1, 1, 2)
        );
        assert!(sites.iter().all(|s| s.pos != 112), "112 reads A in both");
    }

    #[test]
    fn a_dinucleotide_repeat_insertion_moves_left_and_rotates() {
        // CA inserted after 123 (the last A of CACACACA): bcftools norm gives C>CCA at 115.
        let mut seq = repeat_seq(101, 23);
        seq.extend_from_slice(b"CA");
        seq.extend(repeat_seq(124, 10));
        let r = single("i", 0, 101, "23M2I10M", &seq);
        // The same insertion written as AC after 122.
        let mut seq2 = repeat_seq(101, 22);
        seq2.extend_from_slice(b"AC");
        seq2.extend(repeat_seq(123, 11));
        let r2 = single("j", 0x10, 101, "22M2I11M", &seq2);
        let (sites, _, _) = count_on(REPEATS, &[r, r2]);
        assert_eq!(indels_at(&sites, 115), vec![("+CA".to_owned(), 1, 1)]);
        assert_eq!(sites.iter().map(|s| s.pos).collect::<Vec<_>>(), vec![115]);
    }

    #[test]
    fn indels_outside_repeats_do_not_move() {
        // T deleted at 114 after G (bcftools norm keeps 113 GT>G); GG inserted after A at 105.
        let mut del = repeat_seq(101, 13);
        del.extend(repeat_seq(115, 10));
        let mut ins = repeat_seq(101, 5);
        ins.extend_from_slice(b"GG");
        ins.extend(repeat_seq(106, 10));
        let (sites, _, _) = count_on(
            REPEATS,
            &[
                single("d", 0, 101, "13M1D10M", &del),
                single("i", 0, 101, "5M2I10M", &ins),
            ],
        );
        assert_eq!(indels_at(&sites, 113), vec![("-1".to_owned(), 1, 0)]);
        assert_eq!(indels_at(&sites, 105), vec![("+GG".to_owned(), 1, 0)]);
    }

    #[test]
    fn left_alignment_stops_at_the_region_start() {
        // AAAA at 101-104: the deletion of 104 would move before the region; it stops at 101.
        let mut reference = REPEATS.to_vec();
        reference[..4].copy_from_slice(b"AAAA");
        let mut seq = reference[..3].to_vec();
        seq.extend_from_slice(&reference[4..14]);
        let (sites, _, _) = count_on(&reference, &[single("d", 0, 101, "3M1D10M", &seq)]);
        assert_eq!(indels_at(&sites, 101), vec![("-1".to_owned(), 1, 0)]);
    }

    #[test]
    fn mates_showing_one_deletion_aligned_differently_count_once() {
        let mut s1 = repeat_seq(101, 11);
        s1.extend(repeat_seq(113, 10));
        let r1 = record(Read {
            name: "p",
            flags: PAIRED_FWD,
            start: 101,
            cigar: "11M1D10M",
            seq: &s1,
            qual: 30,
            mapq: 60,
            mate_start: Some(105),
        });
        let mut s2 = repeat_seq(105, 5);
        s2.extend(repeat_seq(111, 15));
        let r2 = record(Read {
            name: "p",
            flags: PAIRED_REV,
            start: 105,
            cigar: "5M1D15M",
            seq: &s2,
            qual: 30,
            mapq: 60,
            mate_start: Some(101),
        });
        let (sites, _, qc) = count_on(REPEATS, &[r1, r2]);
        assert_eq!(indels_at(&sites, 108), vec![("-1".to_owned(), 1, 0)]);
        assert_eq!(qc.discordant_mate_bases, 0);
        let s109 = sites.iter().find(|s| s.pos == 109).expect("deleted site");
        assert_eq!(s109.depth(), 1);
    }

    #[test]
    fn phased_mismatches_are_one_mnv_and_marked_in_mnv_at_every_base() {
        // Fragment 1 (two overlapping mates): 120 C>G and 122 C>T, middle 121 A kept; the
        // second change is seen in the overlap. Fragment 2: the 122 change alone.
        let mut s1 = repeat_seq(101, 30);
        s1[19] = b'G';
        s1[21] = b'T';
        let r1 = record(Read {
            name: "m",
            flags: PAIRED_FWD,
            start: 101,
            cigar: "30M",
            seq: &s1,
            qual: 30,
            mapq: 60,
            mate_start: Some(121),
        });
        let mut s2 = repeat_seq(121, 20);
        s2[1] = b'T';
        let r2 = record(Read {
            name: "m",
            flags: PAIRED_REV,
            start: 121,
            cigar: "20M",
            seq: &s2,
            qual: 35,
            mapq: 60,
            mate_start: Some(101),
        });
        let mut s3 = repeat_seq(111, 30);
        s3[11] = b'T';
        let r3 = single("s", 0x10, 111, "30M", &s3);
        let (sites, _, _) = count_on(REPEATS, &[r1, r2, r3]);
        let at = |pos: u64| sites.iter().find(|s| s.pos == pos).expect("site");
        let s120 = at(120);
        assert_eq!(
            s120.mnvs,
            vec![MnvCount {
                ref_allele: "CAC".into(),
                alt_allele: "GAT".into(),
                forward: 1,
                reverse: 0,
            }]
        );
        assert_eq!(s120.in_mnv.g, 1);
        assert_eq!(s120.snv_only_support(b'G'), (0, 0));
        // 122: T from the MNV fragment (reverse mate had the better base) and the lone read.
        let s122 = at(122);
        assert_eq!(s122.base_total(b'T'), 2);
        assert_eq!((s122.in_mnv.t, s122.in_mnv_reverse.t), (1, 1));
        assert_eq!(s122.snv_only_support(b'T'), (0, 1));
        assert!(s122.mnvs.is_empty());
        assert_eq!(s122.allele_support("C", "T"), (0, 2));
        assert!(sites.iter().all(|s| s.pos != 121), "unchanged middle base");
    }

    #[test]
    fn mismatches_further_apart_than_the_mnv_span_stay_snvs() {
        let mut s = repeat_seq(101, 30);
        s[9] = b'G'; // 110 A>G
        s[12] = b'C'; // 113 G>C: three bases on, outside a span of 3
        let (sites, _, _) = count_on(REPEATS, &[single("r", 0, 101, "30M", &s)]);
        assert_eq!(sites.len(), 2);
        assert!(sites
            .iter()
            .all(|s| s.mnvs.is_empty() && s.in_mnv.total() == 0));
    }

    #[test]
    fn bases_near_read_ends_are_counted_without_soft_clips() {
        // 5S30M from 101: aligned bases 101..130; the first ten (101-110) and the last ten
        // (121-130) are near an end, the clip does not count.
        let mut seq = b"NNNNN".to_vec();
        let mut aligned = repeat_seq(101, 30);
        for i in [9, 10, 19, 20] {
            aligned[i] = if aligned[i] == b'A' { b'C' } else { b'A' };
        }
        seq.extend(aligned);
        let (sites, _, _) = count_on(REPEATS, &[single("e", 0, 101, "5S30M", &seq)]);
        let near: Vec<(u64, u32)> = sites
            .iter()
            .map(|s| (s.pos, s.near_read_end.total()))
            .collect();
        assert_eq!(near, vec![(110, 1), (111, 0), (120, 0), (121, 1)]);
    }

    #[test]
    fn counted_and_called_a_phased_codon_change_is_one_call_and_a_lone_neighbour_snv_another() {
        // Five fragments change 125-126 TT>AG together; four others change only 126 T>G.
        let mut records = Vec::new();
        for i in 0..5 {
            let mut s = repeat_seq(101, 40);
            s[24] = b'A';
            s[25] = b'G';
            records.push(single(&format!("m{i}"), (i % 2) * 0x10, 101, "40M", &s));
        }
        for i in 0..4 {
            let mut s = repeat_seq(101, 40);
            s[25] = b'G';
            records.push(single(&format!("s{i}"), (i % 2) * 0x10, 101, "40M", &s));
        }
        for i in 0..40 {
            records.push(single(
                &format!("r{i}"),
                0,
                101,
                "40M",
                &repeat_seq(101, 40),
            ));
        }
        let (sites, _, _) = count_on(REPEATS, &records);
        let params = CallingParams {
            min_vaf: 0.0,
            max_error_p: 1.0,
            ..Default::default()
        };
        let calls = esr1_science::calling::call_region(&sites, REPEATS, 101, &params);
        let got = esr1_science::calling::alleles(&calls);
        assert_eq!(got, vec![(125, "TT", "AG", 5), (126, "T", "G", 4)]);
    }

    #[test]
    fn near_read_end_follows_the_mate_whose_base_was_counted() {
        // 125 is mid-read in mate 1 (101-140) but the 5th base of mate 2 (121-150); each
        // fragment's better mate gives the base.
        let pair = |name: &str, q1: u8, q2: u8| {
            let mut s1 = repeat_seq(101, 40);
            s1[24] = b'C';
            let mut s2 = repeat_seq(121, 30);
            s2[4] = b'C';
            let m1 = record(Read {
                name,
                flags: PAIRED_FWD,
                start: 101,
                cigar: "40M",
                seq: &s1,
                qual: q1,
                mapq: 60,
                mate_start: Some(121),
            });
            let m2 = record(Read {
                name,
                flags: PAIRED_REV,
                start: 121,
                cigar: "30M",
                seq: &s2,
                qual: q2,
                mapq: 60,
                mate_start: Some(101),
            });
            (m1, m2)
        };
        let (a1, a2) = pair("a", 30, 35);
        let (b1, b2) = pair("b", 35, 30);
        let (sites, _, _) = count_on(REPEATS, &[a1, b1, a2, b2]);
        let s125 = sites.iter().find(|s| s.pos == 125).expect("alt site");
        assert_eq!((s125.forward.c, s125.reverse.c), (1, 1));
        assert_eq!(s125.near_read_end.c, 1);
    }
}
