//! Criterion benchmark of the counting core alone: the records of a simulated BAM decoded into
//! memory once, then counted by [`RegionCounter`] (mate merge, per-site counts, reference
//! blocks) on every iteration — no I/O, no inflate. Two inputs: ~30× over the whole ESR1 gene
//! and cfDNA over exons 7–8 (`ESR1_BENCH_DEEP_DEPTH`, default 2,000×). Then the result of
//! each, as a worker writes it (`encode`) and the coordinator reads it (`decode`): the
//! coordinator's largest cost per job.
//!
//!     cargo bench -p esr1-worker --bench counting

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use esr1_proto::{
    decode, encode, CallingParams, GenomicRegion, ReferenceBlock, RegionQc, RegionResult,
    SiteCounts,
};
use esr1_simulate::bench::write_pileup_bench;
use esr1_worker::pileup::counter::RegionCounter;
use esr1_worker::reference::{read_reference, ReferenceCache};
use esr1_worker::storage::LocalStorage;
use noodles::bam;
use noodles::core::Region;
use noodles::sam;
use std::hint::black_box;

/// One input: its region, reference bases and decoded records.
struct Input {
    name: &'static str,
    region: GenomicRegion,
    reference: Vec<u8>,
    header: sam::Header,
    records: Vec<bam::Record>,
}

fn inputs() -> Vec<Input> {
    let depth = std::env::var("ESR1_BENCH_DEEP_DEPTH")
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(2_000);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (reference, bams) =
        write_pileup_bench(dir.path(), 1, depth).unwrap_or_else(|e| panic!("{e}"));
    let reference = reference.to_string_lossy().into_owned();
    bams.iter()
        .map(|b| {
            let parsed: Region = b.region.parse().unwrap_or_else(|e| panic!("{e}"));
            let (start, end) = (
                parsed.interval().start().map_or(1, usize::from) as u64,
                parsed.interval().end().map_or(1, usize::from) as u64,
            );
            let (bases, _) = read_reference(
                &LocalStorage,
                &ReferenceCache::default(),
                &reference,
                "chr6",
                start,
                end + 200,
            )
            .unwrap_or_else(|e| panic!("{}", e.message));
            let mut reader = bam::io::indexed_reader::Builder::default()
                .build_from_path(&b.bam)
                .unwrap_or_else(|e| panic!("{e}"));
            let header = reader.read_header().unwrap_or_else(|e| panic!("{e}"));
            let records = reader
                .query(&header, &parsed)
                .unwrap_or_else(|e| panic!("{e}"))
                .records()
                .map(|r| r.unwrap_or_else(|e| panic!("{e}")))
                .collect();
            Input {
                name: b.name,
                region: GenomicRegion {
                    contig: "chr6".into(),
                    start,
                    end,
                },
                reference: bases,
                header,
                records,
            }
        })
        .collect()
}

impl Input {
    /// Counts every record of the input: its sites, reference blocks and QC counters.
    fn count(&self) -> (Vec<SiteCounts>, Vec<ReferenceBlock>, RegionQc) {
        let mut counter = RegionCounter::new(
            self.region.clone(),
            Some(0),
            self.reference.clone(),
            CallingParams::default(),
            Vec::new(),
        );
        for record in &self.records {
            counter
                .add_record(&self.header, record)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        counter.finish()
    }
}

fn counting(c: &mut Criterion) {
    let inputs = inputs();
    let mut group = c.benchmark_group("counting_core");
    group.sample_size(10);
    for input in &inputs {
        group.throughput(Throughput::Elements(input.records.len() as u64));
        group.bench_function(input.name, |b| b.iter(|| black_box(input.count())));
    }
    group.finish();

    let mut group = c.benchmark_group("result_codec");
    for input in &inputs {
        let (sites, blocks, qc) = input.count();
        let mut result = RegionResult::new("job", "sample", input.region.clone());
        (result.sites, result.blocks, result.qc) = (sites, blocks, qc);
        let bytes = encode(&result);
        eprintln!(
            "{}: result of {} sites, {} blocks: {} bytes",
            input.name,
            result.sites.len(),
            result.blocks.len(),
            bytes.len()
        );
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(format!("{}/encode", input.name), |b| {
            b.iter(|| black_box(encode(&result)))
        });
        group.bench_function(format!("{}/decode", input.name), |b| {
            b.iter(|| black_box(decode::<RegionResult>(&bytes).unwrap_or_else(|e| panic!("{e}"))))
        });
    }
    group.finish();
}

criterion_group!(benches, counting);
criterion_main!(benches);
