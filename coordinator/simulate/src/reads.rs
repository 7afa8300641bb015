//! Read simulation: paired-end fragments over the capture targets with sequencing errors,
//! clips, indels, duplicates and low-MAPQ reads, written as a coordinate-sorted, indexed BAM.

use crate::error::{io_error, SimulateError};
use crate::reference::{RefWindow, CONTIG, CONTIG_LEN};
use crate::rng::Rng;
use esr1_proto::Material;
use noodles::bam;
use noodles::core::Position;
use noodles::csi::binning_index::index::reference_sequence::{bin::Chunk, index::LinearIndex};
use noodles::csi::binning_index::Indexer;
use noodles::sam;
use noodles::sam::alignment::io::Write as _;
use noodles::sam::alignment::record::cigar::{op::Kind, Op};
use noodles::sam::alignment::record::data::field::Tag;
use noodles::sam::alignment::record::{Flags, MappingQuality};
use noodles::sam::alignment::record_buf::data::field::Value;
use noodles::sam::alignment::record_buf::{Cigar, Data, QualityScores, Sequence};
use noodles::sam::alignment::RecordBuf;
use noodles::sam::header::record::value::map::header::sort_order::COORDINATE;
use noodles::sam::header::record::value::map::header::tag::SORT_ORDER;
use noodles::sam::header::record::value::map::{
    program, read_group, Header as HeaderMap, Program, ReadGroup, ReferenceSequence,
};
use noodles::sam::header::record::value::Map;
use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::num::NonZero;
use std::path::Path;

/// Maximum read length (2 × 150 sequencing).
pub const READ_LEN: u64 = 150;
/// Probability that a fragment is also emitted as a marked duplicate.
pub const DUPLICATE_RATE: f64 = 0.05;
/// Probability that a fragment is placed with MAPQ 0–10 instead of 60.
pub const LOW_MAPQ_RATE: f64 = 0.02;
/// Probability that a read is soft-clipped 5–20 bp at one end.
pub const SOFT_CLIP_RATE: f64 = 0.05;
/// Probability that a read carries a 1–3 bp insertion or deletion error.
pub const INDEL_RATE: f64 = 0.002;
/// Per-base probability of a deamination-like C>T (at reference C) or G>A (at reference G)
/// error in addition to the quality-driven errors, when artefacts are on.
pub const DEAMINATION_RATE: f64 = 0.000_2;
/// A read-end artefact only hits bases closer than this to either end of the read.
pub const READ_END_BASES: usize = 10;

/// 10^(-k/10) for k = 0..9, so error probabilities need no transcendental functions.
const TENTH_POWERS: [f64; 10] = [
    1.0,
    0.794_328_234_724_281_5,
    0.630_957_344_480_193_2,
    0.501_187_233_627_272_2,
    0.398_107_170_553_497_2,
    0.316_227_766_016_837_94,
    0.251_188_643_150_958,
    0.199_526_231_496_887_97,
    0.158_489_319_246_111_34,
    0.125_892_541_179_416_73,
];

/// Phred error probability 10^(-q/10).
fn error_probability(q: u8) -> f64 {
    let mut p = TENTH_POWERS[usize::from(q % 10)];
    for _ in 0..q / 10 {
        p /= 10.0;
    }
    p
}

/// Fragment-length distribution of a material: (mean, sd, min, max).
fn fragment_model(material: Material) -> (f64, f64, u64, u64) {
    match material {
        Material::Cfdna => (167.0, 10.0, 140, 200),
        Material::Tumor | Material::Normal => (300.0, 40.0, 200, 500),
    }
}

/// One variant allele as the read simulator sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleAllele {
    /// 1-based position.
    pub pos: u64,
    /// Alternate base.
    pub alt: u8,
    /// Fraction of fragments carrying the alternate base.
    pub vaf: f64,
}

/// A position-specific error as the read simulator sees it in one sample: each eligible read
/// covering `pos` shows `alt` with probability `rate`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleArtefact {
    /// 1-based position.
    pub pos: u64,
    /// The erroneous base.
    pub alt: u8,
    /// This sample's rate per eligible read.
    pub rate: f64,
    /// Only reverse-strand reads are eligible.
    pub reverse_only: bool,
    /// Only reads where `pos` is within [`READ_END_BASES`] of a read end are eligible.
    pub read_end_only: bool,
}

impl SampleArtefact {
    /// Whether a read (reverse or not) whose base `j` of `n` lies at `pos` is eligible.
    pub fn eligible(&self, reverse: bool, j: usize, n: usize) -> bool {
        (!self.reverse_only || reverse)
            && (!self.read_end_only || j.min(n.saturating_sub(j + 1)) < READ_END_BASES)
    }
}

/// What to simulate for one sample.
#[derive(Debug, Clone)]
pub struct SampleReads<'a> {
    /// Sample id (also the read group).
    pub sample: &'a str,
    /// Material (sets the fragment-length distribution).
    pub material: Material,
    /// Target fragment depth.
    pub depth: u32,
    /// Alleles present in the sample.
    pub alleles: Vec<SampleAllele>,
    /// Capture targets, 1-based inclusive.
    pub targets: &'a [(u64, u64)],
    /// Read-level artefacts (strand- or read-end-specific); fragment-level ones are alleles.
    pub artefacts: Vec<SampleArtefact>,
    /// Per-base rate of deamination-like C>T / G>A errors (0 for none).
    pub deamination: f64,
    /// Compress at BGZF level 1 (about twice as fast; larger files) instead of the default.
    pub fast_compression: bool,
}

/// Counts of what was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BamStats {
    /// Fragments (excluding duplicate copies).
    pub fragments: u64,
    /// Duplicate copies.
    pub duplicates: u64,
    /// BAM records.
    pub records: u64,
}

/// The true (error-free) content of one mate.
#[derive(Debug, Clone)]
struct MateTemplate {
    start: u64,
    end: u64,
    ops: Vec<Op>,
    bases: Vec<u8>,
    reverse: bool,
    first: bool,
}

fn random_base(rng: &mut Rng) -> u8 {
    b"ACGT"[rng.index(4)]
}

/// Builds a mate anchored at the fragment's left end (`s`, forward) or right end (`e`,
/// reverse), possibly soft-clipped or carrying an indel error.
fn build_mate(
    rng: &mut Rng,
    hap: &dyn Fn(u64) -> u8,
    anchor_left: bool,
    s: u64,
    e: u64,
    rl: u64,
) -> MateTemplate {
    let origin = |span: u64| if anchor_left { s } else { e + 1 - span };
    let u = rng.f64();
    let (start, ops, bases) = if u < SOFT_CLIP_RATE {
        let k = rng.range_u64(5, 20);
        let r0 = origin(rl);
        let mut bases: Vec<u8> = (r0..r0 + rl).map(hap).collect();
        if rng.chance(0.5) {
            for b in &mut bases[..k as usize] {
                *b = random_base(rng);
            }
            let ops = vec![
                Op::new(Kind::SoftClip, k as usize),
                Op::new(Kind::Match, (rl - k) as usize),
            ];
            (r0 + k, ops, bases)
        } else {
            for b in &mut bases[(rl - k) as usize..] {
                *b = random_base(rng);
            }
            let ops = vec![
                Op::new(Kind::Match, (rl - k) as usize),
                Op::new(Kind::SoftClip, k as usize),
            ];
            (r0, ops, bases)
        }
    } else if u < SOFT_CLIP_RATE + INDEL_RATE {
        let k = rng.range_u64(1, 3);
        let i = rng.range_u64(20, rl - 20 - k);
        if rng.chance(0.5) {
            // Deletion: the read skips k reference bases.
            let span = rl + k;
            let r0 = origin(span);
            let bases: Vec<u8> = (r0..r0 + i).chain(r0 + i + k..r0 + span).map(hap).collect();
            let ops = vec![
                Op::new(Kind::Match, i as usize),
                Op::new(Kind::Deletion, k as usize),
                Op::new(Kind::Match, (rl - i) as usize),
            ];
            (r0, ops, bases)
        } else {
            // Insertion: k extra bases in the read.
            let span = rl - k;
            let r0 = origin(span);
            let mut bases: Vec<u8> = (r0..r0 + i).map(hap).collect();
            for _ in 0..k {
                bases.push(random_base(rng));
            }
            bases.extend((r0 + i..r0 + span).map(hap));
            let ops = vec![
                Op::new(Kind::Match, i as usize),
                Op::new(Kind::Insertion, k as usize),
                Op::new(Kind::Match, (span - i) as usize),
            ];
            (r0, ops, bases)
        }
    } else {
        let r0 = origin(rl);
        let bases: Vec<u8> = (r0..r0 + rl).map(hap).collect();
        (r0, vec![Op::new(Kind::Match, rl as usize)], bases)
    };
    let span: usize = ops
        .iter()
        .filter(|op| matches!(op.kind(), Kind::Match | Kind::Deletion))
        .map(|op| op.len())
        .sum();
    MateTemplate {
        start,
        end: start + span as u64 - 1,
        ops,
        bases,
        reverse: !anchor_left,
        first: false,
    }
}

/// One fragment: two mates and a mapping quality.
#[derive(Debug, Clone)]
struct Fragment {
    mates: [MateTemplate; 2],
    mapq: u8,
}

fn simulate_fragment(
    rng: &mut Rng,
    window: &RefWindow,
    alleles: &[SampleAllele],
    target: (u64, u64),
    material: Material,
) -> Fragment {
    let (mean, sd, lo, hi) = fragment_model(material);
    let len = (mean + sd * rng.normal())
        .round()
        .clamp(lo as f64, hi as f64) as u64;
    let s = rng.range_u64(target.0 + 1 - len, target.1);
    let e = s + len - 1;
    let carried: Vec<(u64, u8)> = alleles
        .iter()
        .filter(|a| (s..=e).contains(&a.pos))
        .filter_map(|a| rng.chance(a.vaf).then_some((a.pos, a.alt)))
        .collect();
    let hap = |pos: u64| {
        carried
            .iter()
            .find(|(p, _)| *p == pos)
            .map(|(_, a)| *a)
            .unwrap_or_else(|| window.base(pos))
    };
    let mapq = if rng.chance(LOW_MAPQ_RATE) {
        rng.range_u64(0, 10) as u8
    } else {
        60
    };
    let r1_forward = rng.chance(0.5);
    let rl = READ_LEN.min(len);
    let mut left = build_mate(rng, &hap, true, s, e, rl);
    let mut right = build_mate(rng, &hap, false, s, e, rl);
    left.first = r1_forward;
    right.first = !r1_forward;
    Fragment {
        mates: [left, right],
        mapq,
    }
}

/// The read (query) index of the base aligned to reference `pos` by an alignment starting at
/// `start` with `ops`, if any (none inside a deletion or outside the alignment).
pub(crate) fn query_index(ops: &[Op], start: u64, pos: u64) -> Option<usize> {
    let mut r = start;
    let mut q = 0usize;
    for op in ops {
        let n = op.len();
        match op.kind() {
            Kind::Match | Kind::SequenceMatch | Kind::SequenceMismatch => {
                if (r..r + n as u64).contains(&pos) {
                    return Some(q + (pos - r) as usize);
                }
                r += n as u64;
                q += n;
            }
            Kind::Insertion | Kind::SoftClip => q += n,
            Kind::Deletion | Kind::Skip => {
                if (r..r + n as u64).contains(&pos) {
                    return None;
                }
                r += n as u64;
            }
            Kind::HardClip | Kind::Pad => {}
        }
    }
    None
}

/// The deamination-like error of a template base: C>T and G>A.
fn deaminated(b: u8) -> Option<u8> {
    match b {
        b'C' => Some(b'T'),
        b'G' => Some(b'A'),
        _ => None,
    }
}

/// Sequencing of one mate: qualities (mostly 30–40, a 3' tail of 10–25), substitution
/// errors drawn from them (plus deamination-like C>T / G>A at rate `deamination`), then the
/// read-level artefacts the mate is eligible for.
fn sequence_mate(
    rng: &mut Rng,
    mate: &MateTemplate,
    artefacts: &[SampleArtefact],
    deamination: f64,
) -> (Vec<u8>, Vec<u8>) {
    let n = mate.bases.len();
    let tail = rng.range_u64(5, 25) as usize;
    let mut seq = mate.bases.clone();
    let mut quals = Vec::with_capacity(n);
    for (j, b) in seq.iter_mut().enumerate() {
        // Sequencing runs 5'→3': for a reverse read the 3' end is the leftmost stored base.
        let in_tail = if mate.reverse {
            j < tail
        } else {
            j + tail >= n
        };
        let q = if in_tail {
            rng.range_u64(10, 25) as u8
        } else {
            rng.range_u64(30, 40) as u8
        };
        // One draw decides both error kinds, so without deamination the stream is unchanged.
        let p = error_probability(q);
        let u = rng.f64();
        if u < p {
            let others: Vec<u8> = b"ACGT".iter().copied().filter(|x| x != b).collect();
            *b = others[rng.index(others.len())];
        } else if u < p + deamination {
            if let Some(d) = deaminated(*b) {
                *b = d;
            }
        }
        quals.push(q);
    }
    for a in artefacts {
        if !(mate.start..=mate.end).contains(&a.pos) {
            continue;
        }
        let Some(j) = query_index(&mate.ops, mate.start, a.pos) else {
            continue;
        };
        if a.eligible(mate.reverse, j, n) && rng.chance(a.rate) {
            if let Some(b) = seq.get_mut(j) {
                *b = a.alt;
            }
        }
    }
    (seq, quals)
}

/// Sort key and record.
type Keyed = ((u64, String, u8), RecordBuf);

fn emit(
    rng: &mut Rng,
    fragment: &Fragment,
    name: &str,
    duplicate: bool,
    spec: &SampleReads<'_>,
    out: &mut Vec<Keyed>,
) -> Result<(), SimulateError> {
    let sample = spec.sample;
    let [a, b] = &fragment.mates;
    let lo = a.start.min(b.start);
    let hi = a.end.max(b.end);
    let tlen = i32::try_from(hi - lo + 1).unwrap_or(i32::MAX);
    for (mate, other) in [(a, b), (b, a)] {
        let (seq, quals) = sequence_mate(rng, mate, &spec.artefacts, spec.deamination);
        let mut flags = Flags::SEGMENTED | Flags::PROPERLY_SEGMENTED;
        flags |= if mate.first {
            Flags::FIRST_SEGMENT
        } else {
            Flags::LAST_SEGMENT
        };
        if mate.reverse {
            flags |= Flags::REVERSE_COMPLEMENTED;
        }
        if other.reverse {
            flags |= Flags::MATE_REVERSE_COMPLEMENTED;
        }
        if duplicate {
            flags |= Flags::DUPLICATE;
        }
        let leftmost = mate.start < other.start || (mate.start == other.start && mate.first);
        let start = position(mate.start)?;
        let mate_start = position(other.start)?;
        let data: Data = [(Tag::READ_GROUP, Value::from(sample))]
            .into_iter()
            .collect();
        let record = RecordBuf::builder()
            .set_name(name)
            .set_flags(flags)
            .set_reference_sequence_id(0)
            .set_alignment_start(start)
            .set_mapping_quality(MappingQuality::new(fragment.mapq).unwrap_or(MappingQuality::MIN))
            .set_cigar(Cigar::from(mate.ops.clone()))
            .set_mate_reference_sequence_id(0)
            .set_mate_alignment_start(mate_start)
            .set_template_length(if leftmost { tlen } else { -tlen })
            .set_sequence(Sequence::from(seq))
            .set_quality_scores(QualityScores::from(quals))
            .set_data(data)
            .build();
        let segment = if mate.first { 1 } else { 2 };
        out.push(((mate.start, name.to_owned(), segment), record));
    }
    Ok(())
}

fn position(pos: u64) -> Result<Position, SimulateError> {
    usize::try_from(pos)
        .ok()
        .and_then(Position::new)
        .ok_or_else(|| SimulateError::Model(format!("invalid alignment position {pos}")))
}

/// The BAM header: @HD SO:coordinate, @SQ chr6, @RG for the sample, @PG for the simulator.
pub fn bam_header(sample: &str) -> Result<sam::Header, SimulateError> {
    let build = |e: sam::header::record::value::map::builder::BuildError| {
        SimulateError::Model(format!("building the BAM header: {e}"))
    };
    let hd = Map::<HeaderMap>::builder()
        .insert(SORT_ORDER, COORDINATE)
        .build()
        .map_err(build)?;
    let len = NonZero::new(CONTIG_LEN as usize)
        .ok_or_else(|| SimulateError::Model("contig length is zero".into()))?;
    let rg = Map::<ReadGroup>::builder()
        .insert(read_group::tag::SAMPLE, sample)
        .insert(read_group::tag::LIBRARY, format!("{sample}_lib"))
        .insert(read_group::tag::PLATFORM, "ILLUMINA")
        .build()
        .map_err(build)?;
    let pg = Map::<Program>::builder()
        .insert(program::tag::NAME, "esr1-simulate")
        .insert(program::tag::VERSION, env!("CARGO_PKG_VERSION"))
        .build()
        .map_err(build)?;
    Ok(sam::Header::builder()
        .set_header(hd)
        .add_reference_sequence(CONTIG, Map::<ReferenceSequence>::new(len))
        .add_read_group(sample, rg)
        .add_program("esr1-simulate", pg)
        .build())
}

/// Simulates one sample's reads and writes `bam_path` and its BAI `bai_path`.
pub fn write_sample_bam(
    spec: &SampleReads<'_>,
    window: &RefWindow,
    rng: &mut Rng,
    bam_path: &Path,
    bai_path: &Path,
) -> Result<BamStats, SimulateError> {
    let (mean, _, _, _) = fragment_model(spec.material);
    let mut records: Vec<Keyed> = Vec::new();
    let mut stats = BamStats::default();
    let mut serial: u64 = 0;
    let mut next_name = || {
        serial += 1;
        format!("{}:{serial:07}", spec.sample)
    };
    for &target in spec.targets {
        let width = (target.1 - target.0 + 1) as f64;
        let n = (f64::from(spec.depth) * (width + mean) / mean).round() as u64;
        for _ in 0..n {
            let fragment = simulate_fragment(rng, window, &spec.alleles, target, spec.material);
            emit(rng, &fragment, &next_name(), false, spec, &mut records)?;
            stats.fragments += 1;
            if rng.chance(DUPLICATE_RATE) {
                emit(rng, &fragment, &next_name(), true, spec, &mut records)?;
                stats.duplicates += 1;
            }
        }
    }
    records.sort_unstable_by(|x, y| x.0.cmp(&y.0));
    stats.records = records.len() as u64;

    let header = bam_header(spec.sample)?;
    let file = File::create(bam_path).map_err(io_error(bam_path))?;
    let bgzf_writer = if spec.fast_compression {
        noodles::bgzf::io::writer::Builder::default()
            .set_compression_level(noodles::bgzf::io::writer::CompressionLevel::FAST)
            .build_from_writer(BufWriter::new(file))
    } else {
        noodles::bgzf::io::Writer::new(BufWriter::new(file))
    };
    let mut writer = bam::io::Writer::from(bgzf_writer);
    writer.write_header(&header).map_err(io_error(bam_path))?;
    let mut indexer = Indexer::<LinearIndex>::default();
    let mut chunk_start = writer.get_ref().virtual_position();
    for (k, ((start, _, _), record)) in records.iter().enumerate() {
        writer
            .write_alignment_record(&header, record)
            .map_err(io_error(bam_path))?;
        if k + 1 == records.len() {
            // End the last block here so the final chunk ends at the next block's start, as
            // a reader (and so `samtools index` / `bam::fs::index`) reports it.
            writer.get_mut().flush().map_err(io_error(bam_path))?;
        }
        let chunk_end = writer.get_ref().virtual_position();
        let end = record.alignment_end().ok_or_else(|| {
            SimulateError::Model(format!("record at {start} has no alignment end"))
        })?;
        indexer
            .add_record(
                Some((0, position(*start)?, end, true)),
                Chunk::new(chunk_start, chunk_end),
            )
            .map_err(|e| SimulateError::Index {
                path: bam_path.to_path_buf(),
                message: e.to_string(),
            })?;
        chunk_start = chunk_end;
    }
    writer.try_finish().map_err(io_error(bam_path))?;
    // Flush the buffered file before it is dropped so errors are seen.
    let inner = writer.into_inner().into_inner();
    inner
        .into_inner()
        .map_err(|e| e.into_error())
        .map_err(io_error(bam_path))?;
    let index = indexer.build(1);
    bam::bai::fs::write(bai_path, &index).map_err(io_error(bai_path))?;
    Ok(stats)
}
