//! From one alignment record to its events inside the region: the CIGAR walk (bases with
//! their quality and distance to the read's ends, deletions, insertions anchored at the base
//! before them), then each indel left-aligned against the reference as `bcftools norm` does.

use super::types::{IndelNames, Observation, ReadEvent, RegionReference};
use noodles::sam::alignment::{record::cigar::op::Kind, Record};
use std::io;

/// A base within this many aligned bases (`M`, `=`, `X`; soft clips excluded) of either end of
/// its read counts in [`esr1_proto::SiteCounts::near_read_end`].
pub const READ_END_WINDOW: usize = 10;

/// Whether the base at `aligned_index` of a read with `aligned_total` aligned bases lies
/// within [`READ_END_WINDOW`] of either end.
#[inline]
pub fn near_read_end(aligned_index: usize, aligned_total: usize) -> bool {
    // `aligned_total - (aligned_index + 1) < READ_END_WINDOW` without underflow.
    aligned_index < READ_END_WINDOW || aligned_index + READ_END_WINDOW >= aligned_total
}

/// Whether a base quality is below the minimum: such a base is kept, but it is not an
/// observation. 255 ("unknown") never is.
#[inline]
pub fn below_min_quality(quality: u8, min_bq: u8) -> bool {
    quality != 255 && quality < min_bq
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

/// The two bases of each byte of BAM's 4-bit sequence encoding (high half first).
const BASE_PAIRS: [[u8; 2]; 256] = {
    const CODES: &[u8; 16] = b"=ACMGRSVTWYHKDBN";
    let mut pairs = [[0u8; 2]; 256];
    let mut byte = 0;
    while byte < 256 {
        pairs[byte] = [CODES[byte >> 4], CODES[byte & 15]];
        byte += 1;
    }
    pairs
};

/// A read's decoded sequence, qualities and CIGAR, kept from read to read.
#[derive(Debug, Default)]
pub struct ReadBuffers {
    /// The read's 1-based alignment start (0 when unmapped).
    start: u64,
    sequence: Vec<u8>,
    qualities: Vec<u8>,
    cigar: Vec<(Kind, usize)>,
    /// The reference bases its CIGAR spans.
    span: u64,
    /// `(first, length)` of the read's one run of aligned bases when its CIGAR has no
    /// insertion, deletion or skip (clips only at its ends): see [`Self::aligned_run`].
    run: Option<(usize, usize)>,
}

impl ReadBuffers {
    /// Decodes a record's sequence, qualities and CIGAR into the buffers. BAM records are
    /// read from their raw bytes (noodles' `*_ref` views): no allocation and no dynamic call
    /// per base or operation, which the boxed iterators of the record trait cost.
    pub fn decode<R: Record + ?Sized>(&mut self, record: &R) -> io::Result<()> {
        use noodles::sam::alignment::record::{CigarRef, QualityScoresRef, SequenceRef};
        self.start = record
            .alignment_start()
            .transpose()?
            .map_or(0, |p| usize::from(p) as u64);
        self.sequence.clear();
        match record.sequence_ref() {
            SequenceRef::FourBitPacked(packed) => {
                // Sized first, then filled two bases per packed byte from a table: no
                // capacity check and no branch per base.
                let len = packed.len();
                self.sequence.resize(len, 0);
                let raw = packed.as_ref();
                let even = len & !1;
                for (out, &byte) in self.sequence[..even].chunks_exact_mut(2).zip(raw) {
                    out.copy_from_slice(&BASE_PAIRS[usize::from(byte)]);
                }
                if let (Some(last), Some(&byte)) = (self.sequence.get_mut(even), raw.get(even / 2))
                {
                    *last = BASE_PAIRS[usize::from(byte)][0];
                }
            }
            // BAM's 4-bit codes decode to upper case; text may not be.
            SequenceRef::Raw(raw) => self.sequence.extend(raw.iter().map(u8::to_ascii_uppercase)),
            SequenceRef::Sequence(other) => self
                .sequence
                .extend(other.iter().map(|b| b.to_ascii_uppercase())),
        }
        self.qualities.clear();
        match record.quality_scores_ref() {
            QualityScoresRef::Raw(raw) => self.qualities.extend_from_slice(raw),
            QualityScoresRef::Offset(raw, offset) => self
                .qualities
                .extend(raw.iter().map(|q| q.wrapping_sub(offset))),
            QualityScoresRef::QualityScores(other) => {
                for q in other.iter() {
                    self.qualities.push(q?);
                }
            }
        }
        // A read without qualities (or with too few) has 255, "unknown", for the rest.
        if self.qualities.len() < self.sequence.len() {
            self.qualities.resize(self.sequence.len(), 255);
        }
        self.cigar.clear();
        match record.cigar_ref() {
            CigarRef::FourBytePacked(raw) => {
                for chunk in raw.chunks(4) {
                    let &[a, b, c, d] = chunk else {
                        return Err(invalid("CIGAR bytes are not a whole number of operations"));
                    };
                    let n = u32::from_le_bytes([a, b, c, d]);
                    let kind = match n & 0xf {
                        0 => Kind::Match,
                        1 => Kind::Insertion,
                        2 => Kind::Deletion,
                        3 => Kind::Skip,
                        4 => Kind::SoftClip,
                        5 => Kind::HardClip,
                        6 => Kind::Pad,
                        7 => Kind::SequenceMatch,
                        8 => Kind::SequenceMismatch,
                        k => return Err(invalid(format!("invalid CIGAR operation kind {k}"))),
                    };
                    self.cigar.push((kind, (n >> 4) as usize));
                }
            }
            CigarRef::Cigar(other) => {
                for op in other.iter() {
                    let op = op?;
                    self.cigar.push((op.kind(), op.len()));
                }
            }
        }
        // Checked here, so that the events of a read decoded now (perhaps made only when its
        // mate arrives) cannot fail later.
        let (read_length, span, run) = walk_cigar(&self.cigar);
        if read_length > self.sequence.len() {
            return Err(invalid("CIGAR is longer than the sequence"));
        }
        (self.span, self.run) = (span, run);
        Ok(())
    }

    /// The bases and qualities of the read's one run of aligned bases, from its alignment
    /// start on, when its CIGAR is clips, aligned operations and clips (no insertion,
    /// deletion or skip; most reads): such a read is counted straight from them.
    pub fn aligned_run(&self) -> Option<(u64, &[u8], &[u8])> {
        let (first, len) = self.run?;
        let bases = self.sequence.get(first..first + len)?;
        let qualities = self.qualities.get(first..first + len)?;
        Some((self.start, bases, qualities))
    }

    /// The read's 1-based alignment start (0 when unmapped).
    pub fn start(&self) -> u64 {
        self.start
    }

    /// The decoded bases (upper case).
    pub fn sequence(&self) -> &[u8] {
        &self.sequence
    }

    /// The decoded qualities (255 where unknown), as long as the sequence at least.
    pub fn qualities(&self) -> &[u8] {
        &self.qualities
    }

    /// The reference bases the decoded CIGAR spans (`M`, `D`, `N`, `=`, `X`).
    pub fn reference_span(&self) -> u64 {
        self.span
    }
}

/// One walk of a CIGAR: the read bases it consumes (`M`, `I`, `S`, `=`, `X`), the reference
/// bases it spans (`M`, `D`, `N`, `=`, `X`), and `(first, length)` in the sequence of its one
/// run of aligned bases when it is soft and hard clips (and pads) before and after that run,
/// nothing else.
fn walk_cigar(cigar: &[(Kind, usize)]) -> (usize, u64, Option<(usize, usize)>) {
    let (mut read_length, mut span) = (0usize, 0u64);
    let (mut first, mut len, mut after_run, mut one_run) = (0usize, 0usize, false, true);
    for &(kind, n) in cigar {
        let aligned = is_aligned(kind);
        if aligned || matches!(kind, Kind::Insertion | Kind::SoftClip) {
            read_length += n;
        }
        if aligned || matches!(kind, Kind::Deletion | Kind::Skip) {
            span += n as u64;
        }
        match kind {
            _ if aligned && !after_run => len += n,
            Kind::SoftClip if len == 0 => first += n,
            Kind::SoftClip => after_run = true,
            Kind::HardClip | Kind::Pad => after_run |= len > 0,
            _ => one_run = false,
        }
    }
    (read_length, span, one_run.then_some((first, len)))
}

/// Walks the CIGAR of the read decoded in `buffers` ([`ReadBuffers::decode`]) from its
/// alignment start and puts its
/// events inside the region into `events` (cleared first), in position order, with its
/// indels left-aligned.
/// Bases below `min_bq` are kept as events without an observation and counted in
/// `low_base_quality`.
pub fn read_events(
    reference: &RegionReference,
    (min_bq, low_base_quality): (u8, &mut u64),
    buffers: &ReadBuffers,
    (events, names): (&mut Vec<ReadEvent>, &mut IndelNames),
) -> io::Result<()> {
    events.clear();
    let ReadBuffers {
        start,
        sequence,
        qualities,
        cigar,
        ..
    } = buffers;
    let quality_at = |i: usize| qualities.get(i).copied().unwrap_or(255);
    let aligned_total: usize = cigar
        .iter()
        .filter(|(kind, _)| is_aligned(*kind))
        .map(|&(_, len)| len)
        .sum();
    let near_end = |aligned_index: usize| near_read_end(aligned_index, aligned_total);
    let mut ref_pos = *start;
    let mut read_pos = 0usize;
    let mut aligned_index = 0usize;
    let mut has_indel = false;
    let region = &reference.region;
    for &(kind, len) in cigar {
        match kind {
            Kind::Match | Kind::SequenceMatch | Kind::SequenceMismatch => {
                // The part of the operation inside the region.
                let first = region.start.saturating_sub(ref_pos).min(len as u64) as usize;
                let end = region
                    .end
                    .saturating_add(1)
                    .saturating_sub(ref_pos)
                    .min(len as u64) as usize;
                // The bases and qualities of the part inside the region.
                let inside = read_pos + first..read_pos + end.max(first);
                let op_bases = sequence
                    .get(inside.clone())
                    .ok_or_else(|| invalid("CIGAR is longer than the sequence"))?;
                let op_qualities = &qualities[inside];
                // One exactly sized extend: no capacity check per base.
                let low = &mut *low_base_quality;
                events.extend(op_bases.iter().zip(op_qualities).enumerate().map(
                    |(j, (&base, &quality))| {
                        let k = first + j;
                        let observed = if below_min_quality(quality, min_bq) {
                            *low += 1;
                            None
                        } else {
                            Some(quality.min(93))
                        };
                        ReadEvent::base(
                            ref_pos + k as u64,
                            base,
                            observed,
                            near_end(aligned_index + k),
                        )
                    },
                ));
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
                let anchored = events.last().is_some_and(|e| e.pos() == anchor);
                if anchored && mean_q >= u32::from(min_bq) && region.contains(anchor) {
                    if let Some(last) = events.last_mut() {
                        let seq = String::from_utf8_lossy(inserted).to_ascii_uppercase();
                        last.set_indel(Some(names.id(&format!("+{seq}"))));
                        has_indel = true;
                    }
                }
                read_pos += len;
            }
            Kind::Deletion => {
                let anchor = ref_pos.saturating_sub(1);
                if let Some(last) = events.last_mut().filter(|e| e.pos() == anchor) {
                    last.set_indel(Some(names.id(&format!("-{len}"))));
                    has_indel = true;
                }
                for k in 0..len {
                    let pos = ref_pos + k as u64;
                    if region.contains(pos) {
                        events.push(ReadEvent::deleted(pos));
                    }
                }
                ref_pos += len as u64;
            }
            Kind::Skip => ref_pos += len as u64,
            Kind::SoftClip => read_pos += len,
            Kind::HardClip | Kind::Pad => {}
        }
    }
    // Most reads carry no indel: then there is nothing to left-align.
    if has_indel {
        for i in 0..events.len() {
            if events[i].indel().is_some() {
                left_align(reference, events, i, names);
            }
        }
    }
    Ok(())
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
fn left_align(
    reference: &RegionReference,
    events: &mut [ReadEvent],
    mut i: usize,
    names: &mut IndelNames,
) {
    while i > 0 {
        let (prev, cur) = (&events[i - 1], &events[i]);
        let anchor = cur.pos();
        if prev.pos() + 1 != anchor
            || prev.indel().is_some()
            || prev.read_base() == 0
            || cur.read_base() == 0
        {
            return;
        }
        let Some(id) = cur.indel() else {
            return;
        };
        let allele = names.name(id).to_owned();
        let anchor_base = reference.base(anchor);
        if anchor_base == b'N' || cur.read_base() != anchor_base {
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
                if reference.base(last) != anchor_base {
                    return;
                }
                // The read's base at the anchor moves to the end of the deleted run.
                let target = i.saturating_add(n as usize);
                let has_target = events.get(target).is_some_and(|e| {
                    e.pos() == last && e.observation() == Some(Observation::Deleted)
                });
                if !has_target && last <= reference.region.end {
                    return;
                }
                let base = std::mem::replace(&mut events[i], ReadEvent::deleted(anchor));
                if has_target {
                    let mut moved = base.moved_to(last);
                    moved.set_indel(None);
                    events[target] = moved;
                }
                allele
            }
            _ => return,
        };
        events[i].set_indel(None);
        events[i - 1].set_indel(Some(names.id(&moved)));
        i -= 1;
    }
}
