//! The pileup benchmark's floor: the records of one region of a local BAM read through
//! noodles' indexed query, as a job reads them, then either only decoded (`decode`: each
//! record's CIGAR, sequence and qualities decoded as the counter decodes them, and summed —
//! the least any counting needs) or also
//! counted by the worker's counting core (`count`). Prints `records`, seconds and a checksum
//! (for `count`, a digest of every count: two builds that count alike print the same).
//!
//!     cargo run --release -p esr1-worker --example decode_floor -- decode|count BAM REF chr6:START-END
//!
//! `bytes` runs the region as a job and prints the compressed bytes it fetched, the bytes of
//! the BGZF blocks that hold the region's records (the least any reader must fetch) and the
//! span of the region's index chunks (what a reader fetching whole chunks, as htslib does,
//! reads).

use esr1_proto::{CallingParams, GenomicRegion};
use esr1_worker::pileup::counter::RegionCounter;
use esr1_worker::reference::{read_reference, ReferenceCache};
use esr1_worker::storage::LocalStorage;
use noodles::bam;
use noodles::core::Region;
use std::time::Instant;

fn main() {
    if let Err(e) = run() {
        eprintln!("decode_floor: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, bam_path, reference, region] = args.as_slice() else {
        return Err("usage: decode_floor decode|count|bytes BAM REF chr6:START-END".into());
    };
    if mode == "bytes" {
        return bytes(bam_path, reference, region);
    }
    let region: Region = region.parse()?;
    let (start, end) = (
        region.interval().start().map_or(1, usize::from) as u64,
        region.interval().end().map_or(1, usize::from) as u64,
    );
    let contig = String::from_utf8_lossy(region.name()).into_owned();
    let mut reader = bam::io::indexed_reader::Builder::default().build_from_path(bam_path)?;
    let header = reader.read_header()?;
    let started = Instant::now();
    let mut counter = match mode.as_str() {
        "count" => {
            let (bases, _) = read_reference(
                &LocalStorage,
                &ReferenceCache::default(),
                reference,
                &contig,
                start,
                end + 200,
            )
            .map_err(|e| e.to_string())?;
            let rid = header.reference_sequences().get_index_of(contig.as_bytes());
            let genomic = GenomicRegion {
                contig: contig.clone(),
                start,
                end,
            };
            Some(RegionCounter::new(
                genomic,
                rid,
                bases,
                CallingParams::default(),
                Vec::new(),
            ))
        }
        "decode" => None,
        other => return Err(format!("unknown mode {other}: decode or count").into()),
    };
    let (mut records, mut checksum) = (0u64, 0u64);
    let mut buffers = esr1_worker::pileup::read::ReadBuffers::default();
    for record in reader.query(&header, &region)?.records() {
        let record = record?;
        records += 1;
        match counter.as_mut() {
            Some(c) => c.add_record(&header, &record)?,
            None => {
                // Decoded as the counter decodes a record, then only summed.
                buffers.decode(&record)?;
                checksum += buffers.reference_span();
                checksum += buffers
                    .sequence()
                    .iter()
                    .map(|&b| u64::from(b))
                    .sum::<u64>();
                checksum += buffers
                    .qualities()
                    .iter()
                    .map(|&q| u64::from(q))
                    .sum::<u64>();
            }
        }
    }
    if let Some(c) = counter {
        // A digest of everything counted, to compare two builds' counts exactly.
        let counted = c.finish();
        let json = serde_json::to_vec(&counted)?;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        std::hash::Hash::hash(&json, &mut h);
        checksum = std::hash::Hasher::finish(&h);
    }
    println!(
        "records {records} seconds {:.3} checksum {checksum}",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The `bytes` mode: the job's fetched bytes against the blocks holding the region's records
/// and the index chunks' span.
fn bytes(bam_path: &str, reference: &str, region: &str) -> Result<(), Box<dyn std::error::Error>> {
    use esr1_proto::{RegionJob, RunContext, SampleRef};
    use noodles::csi::BinningIndex;
    use noodles::sam::alignment::Record as _;
    use std::io::{Read, Seek, SeekFrom};
    let parsed: Region = region.parse()?;
    let (start, end) = (
        parsed.interval().start().map_or(1, usize::from),
        parsed.interval().end().map_or(1, usize::from),
    );
    let contig = String::from_utf8_lossy(parsed.name()).into_owned();
    let job = RegionJob::new(
        &RunContext {
            run_id: "bytes".into(),
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
            contig: contig.clone(),
            start: start as u64,
            end: end as u64,
        },
        Vec::new(),
    );
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
