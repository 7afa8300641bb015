//! The pileup benchmark's floor: the records of one region of a local BAM read as a job reads
//! them (the job's own reader: the index's byte ranges, a long chunk entered by bisection,
//! reading stopped at the first record past the region), then either only decoded
//! (`decode`: each record's CIGAR, sequence and qualities decoded as the counter decodes
//! them, and summed — the least any counting needs) or also counted by the worker's counting
//! core (`count`). Prints `records`, seconds and a checksum (for `count`, a digest of every
//! count: two builds that count alike print the same).
//!
//!     cargo run --release -p esr1-worker --example decode_floor -- decode|count BAM REF chr6:START-END
//!
//! `bytes` runs the region as a job and prints the compressed bytes it fetched, the bytes of
//! the BGZF blocks that hold the region's records (the least any reader must fetch) and the
//! span of the region's index chunks (what a reader fetching whole chunks, as htslib does,
//! reads).

use esr1_proto::{CallingParams, GenomicRegion, RegionJob, RunContext, SampleRef};
use esr1_worker::job::{open_job, read_job, RecordSink};
use esr1_worker::pileup::counter::RegionCounter;
use esr1_worker::pileup::read::ReadBuffers;
use esr1_worker::storage::LocalStorage;
use esr1_worker::Caches;
use noodles::bam;
use noodles::core::Region;
use noodles::sam::{self, alignment::Record};
use std::time::Instant;

fn main() {
    if let Err(e) = run() {
        eprintln!("decode_floor: {e}");
        std::process::exit(1);
    }
}

/// Records only decoded, as the counter decodes them, then summed (so that nothing decoded
/// can be left out by the compiler).
#[derive(Default)]
struct Decoded {
    buffers: ReadBuffers,
    checksum: u64,
}

impl RecordSink for Decoded {
    fn add_record<R: Record + ?Sized>(
        &mut self,
        _: &sam::Header,
        record: &R,
    ) -> std::io::Result<()> {
        let buffers = &mut self.buffers;
        buffers.decode(record)?;
        self.checksum += buffers.reference_span();
        self.checksum += buffers
            .sequence()
            .iter()
            .map(|&b| u64::from(b))
            .sum::<u64>();
        self.checksum += buffers
            .qualities()
            .iter()
            .map(|&q| u64::from(q))
            .sum::<u64>();
        Ok(())
    }
}

/// Counts the records a sink is given.
struct Records<'a, S>(u64, &'a mut S);

impl<S: RecordSink> RecordSink for Records<'_, S> {
    fn add_record<R: Record + ?Sized>(
        &mut self,
        header: &sam::Header,
        record: &R,
    ) -> std::io::Result<()> {
        self.0 += 1;
        self.1.add_record(header, record)
    }
}

/// A job of one sample over `region` (`chr6:START-END`) of a local BAM.
fn region_job(
    bam_path: &str,
    reference: &str,
    region: &str,
) -> Result<RegionJob, Box<dyn std::error::Error>> {
    let parsed: Region = region.parse()?;
    let (start, end) = (
        parsed.interval().start().map_or(1, usize::from),
        parsed.interval().end().map_or(1, usize::from),
    );
    Ok(RegionJob::new(
        &RunContext {
            run_id: "floor".into(),
            reference: reference.into(),
            params: CallingParams::default(),
            model_version: esr1_worker::MODEL_VERSION.into(),
            output: "/unused".into(),
        },
        SampleRef {
            patient: "P".into(),
            sample: "S".into(),
            day: 0,
            material: esr1_proto::Material::Cfdna,
            therapy: "AI".into(),
            alignments: bam_path.into(),
            index: None,
        },
        GenomicRegion {
            contig: String::from_utf8_lossy(parsed.name()).into_owned(),
            start: start as u64,
            end: end as u64,
        },
        Vec::new(),
    ))
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, bam_path, reference, region] = args.as_slice() else {
        return Err("usage: decode_floor decode|count|bytes BAM REF chr6:START-END".into());
    };
    if mode == "bytes" {
        return bytes(bam_path, reference, region);
    }
    let job = region_job(bam_path, reference, region)?;
    let started = Instant::now();
    let caches = Caches::default();
    let opened = open_job(&job, &LocalStorage, &caches).map_err(|e| e.message)?;
    let (records, checksum) = match mode.as_str() {
        "count" => {
            let mut counter = RegionCounter::new(
                job.region.clone(),
                opened.reference_sequence_id,
                opened.reference.clone(),
                CallingParams::default(),
                Vec::new(),
            );
            let mut sink = Records(0, &mut counter);
            read_job(&job, &LocalStorage, &caches, &opened, &mut sink).map_err(|e| e.message)?;
            let records = sink.0;
            // A digest of everything counted, to compare two builds' counts exactly (of the
            // result's Debug form, which does not change with how results are stored).
            let counted = format!("{:?}", counter.finish());
            let mut h = std::collections::hash_map::DefaultHasher::new();
            std::hash::Hash::hash(&counted, &mut h);
            (records, std::hash::Hasher::finish(&h))
        }
        "decode" => {
            let mut decoded = Decoded::default();
            let mut sink = Records(0, &mut decoded);
            read_job(&job, &LocalStorage, &caches, &opened, &mut sink).map_err(|e| e.message)?;
            (sink.0, decoded.checksum)
        }
        other => return Err(format!("unknown mode {other}: decode, count or bytes").into()),
    };
    println!(
        "records {records} seconds {:.3} checksum {checksum}",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The `bytes` mode: the job's fetched bytes against the blocks holding the region's records
/// and the index chunks' span.
fn bytes(bam_path: &str, reference: &str, region: &str) -> Result<(), Box<dyn std::error::Error>> {
    use noodles::csi::BinningIndex;
    use std::io::{Read, Seek, SeekFrom};
    let parsed: Region = region.parse()?;
    let (start, end) = (
        parsed.interval().start().map_or(1, usize::from),
        parsed.interval().end().map_or(1, usize::from),
    );
    let contig = String::from_utf8_lossy(parsed.name()).into_owned();
    let job = region_job(bam_path, reference, region)?;
    let result = esr1_worker::run_local_job(&job).map_err(|e| e.message)?;

    // The blocks holding the records: from the block where the first overlapping record starts
    // to the end of the block where the last one ends.
    let index = bam::bai::fs::read(format!("{bam_path}.bai"))?;
    let mut reader = bam::io::Reader::new(std::fs::File::open(bam_path)?);
    let header = reader.read_header()?;
    let rid = header
        .reference_sequences()
        .get_index_of(contig.as_bytes())
        .ok_or("contig not in the header")?;
    let interval = parsed.interval();
    let chunks = index.query(rid, interval)?;
    let first = chunks.iter().map(|c| c.start()).min().ok_or("no chunks")?;
    reader.get_mut().seek(first)?;
    let mut record = bam::Record::default();
    let (mut from, mut to) = (None, None);
    loop {
        let before = reader.get_ref().virtual_position();
        if reader.read_record(&mut record)? == 0 {
            break;
        }
        let after = reader.get_ref().virtual_position();
        let id = record.reference_sequence_id().transpose()?;
        let s = record.alignment_start().transpose()?.map_or(0, usize::from);
        if id != Some(rid) || s > end {
            break;
        }
        let e = record.alignment_end().transpose()?.map_or(0, usize::from);
        if e >= start {
            from.get_or_insert(before.compressed());
            to = Some(after);
        }
    }
    let (Some(from), Some(to)) = (from, to) else {
        return Err("no record overlaps the region".into());
    };
    let to = if to.uncompressed() == 0 {
        to.compressed()
    } else {
        let mut file = std::fs::File::open(bam_path)?;
        file.seek(SeekFrom::Start(to.compressed() + 16))?;
        let mut bsize = [0u8; 2];
        file.read_exact(&mut bsize)?;
        to.compressed() + u64::from(u16::from_le_bytes(bsize)) + 1
    };
    let blocks = to - from;
    println!(
        "fetched {} requests {} blocks_holding_records {blocks} chunk_span {} fetched/blocks {:.2} chunk_span/blocks {:.2}",
        result.qc.bytes_fetched,
        result.qc.requests,
        result.qc.chunk_span_bytes,
        result.qc.bytes_fetched as f64 / blocks as f64,
        result.qc.chunk_span_bytes as f64 / blocks as f64,
    );
    Ok(())
}
