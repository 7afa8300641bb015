//! The pileup benchmark's floor: the records of one region of a local BAM read through
//! noodles' indexed query, as a job reads them, then either only decoded (`decode`: each
//! record's CIGAR, sequence and qualities walked — the least any counting needs) or also
//! counted by the worker's counting core (`count`). Prints `records`, seconds and a checksum
//! (for `count`, a digest of every count: two builds that count alike print the same).
//!
//!     cargo run --release -p esr1-worker --example decode_floor -- decode|count BAM REF chr6:START-END

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
        return Err("usage: decode_floor decode|count BAM REF chr6:START-END".into());
    };
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
    for record in reader.query(&header, &region)?.records() {
        let record = record?;
        records += 1;
        match counter.as_mut() {
            Some(c) => c.add_record(&header, &record)?,
            None => {
                for op in record.cigar().iter() {
                    checksum += op?.len() as u64;
                }
                checksum += record.sequence().iter().map(u64::from).sum::<u64>();
                for q in record.quality_scores().iter() {
                    checksum += u64::from(q);
                }
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
