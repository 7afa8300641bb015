//! The S3 data plane on a real S3-compatible server (Garage): ranged slices equal local
//! queries, bounded byte budgets, S3 samplesheets and outputs, clear errors, retries, and a
//! distributed run through S3.

use crate::garage::{upload_dir, Garage, BUCKET};
use esr1_coordinator::distributed::AmqpOptions;
use esr1_coordinator::plan::{PlanOptions, MODEL_VERSION};
use esr1_coordinator::run::{run, Backend, RunOptions};
use esr1_proto::{CallingParams, GenomicRegion, RegionJob, RunContext, SampleRef};
use esr1_simulate::{simulate, SimulateOptions, SimulatedCohort};
use esr1_worker::slice::{fetch, plan_slice};
use esr1_worker::source::{open_source, SourceIndex};
use esr1_worker::sparse::MAX_BLOCK;
use esr1_worker::storage::{
    CountingStorage, RetryingStorage, Router, S3Config, S3Storage, SharedStorage, Storage,
};
use noodles::bam;
use noodles::core::{region::Interval, Position, Region};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const REPORTS: [&str; 4] = ["calls.tsv", "patients.tsv", "frequencies.tsv", "qc.tsv"];

/// Records (name, flags, start) of a local indexed query, as noodles gives them.
fn local_query(bam_path: &Path, region: &Region) -> Vec<(Vec<u8>, u16, usize)> {
    let mut reader = bam::io::indexed_reader::Builder::default()
        .build_from_path(bam_path)
        .unwrap_or_else(|e| panic!("{e}"));
    let header = reader.read_header().unwrap_or_else(|e| panic!("{e}"));
    let query = reader
        .query(&header, region)
        .unwrap_or_else(|e| panic!("{e}"));
    query
        .records()
        .map(|r| crate::util::record_key(&r.unwrap_or_else(|e| panic!("{e}"))))
        .collect()
}

fn region(start: usize, end: usize) -> (Region, Interval) {
    let (s, e) = (
        Position::new(start).unwrap_or(Position::MIN),
        Position::new(end).unwrap_or(Position::MIN),
    );
    (Region::new("chr6", s..=e), Interval::from(s..=e))
}

fn s3_only(g: &Garage) -> (Arc<CountingStorage<S3Storage>>, SharedStorage) {
    let env: HashMap<String, String> = g.env().into_iter().collect();
    let s3 = Arc::new(CountingStorage::new(
        S3Storage::connect(&S3Config::from_env(&env)).unwrap_or_else(|e| panic!("{e}")),
    ));
    let shared: SharedStorage = Arc::new(Router::with_s3(s3.clone(), Vec::new()));
    (s3, shared)
}

#[test]
fn ranged_reads_equal_a_local_indexed_query_within_the_byte_budget() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    crate::util::small_cohort(dir.path(), 31);
    let g = Garage::start(&dir.path().join("garage"));
    let (counting, storage) = s3_only(&g);
    let bams = dir.path().join("cohort/bams");
    for name in ["P01_C1.bam", "P01_C1.bam.bai"] {
        let bytes = std::fs::read(bams.join(name)).unwrap_or_default();
        storage
            .put(&format!("s3://{BUCKET}/c/{name}"), &bytes)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let uri = format!("s3://{BUCKET}/c/P01_C1.bam");
    let source =
        open_source(storage.as_ref(), &uri, None).unwrap_or_else(|e| panic!("{}", e.message));
    let SourceIndex::Binning(binning) = &source.index else {
        panic!("a BAI")
    };
    let size = std::fs::metadata(bams.join("P01_C1.bam"))
        .map(|m| m.len())
        .unwrap_or(0);
    let cases = [
        ("empty", 1_000_000, 1_001_000),
        ("contig start", 1, 50_000),
        ("exon 8", 152_098_700, 152_099_100),
        ("whole window, many chunks", 151_650_001, 152_140_000),
    ];
    let mut nonempty = 0;
    for (what, start, end) in cases {
        let (reg, interval) = region(start, end);
        let expected = local_query(&bams.join("P01_C1.bam"), &reg);
        let plan = plan_slice(&source, 0, interval).unwrap_or_else(|e| panic!("{}", e.message));
        let sparse =
            fetch(storage.as_ref(), &source, &plan).unwrap_or_else(|e| panic!("{}", e.message));
        let fetched = sparse.held();
        let mut reader = bam::io::Reader::new(sparse);
        let got: Vec<(Vec<u8>, u16, usize)> = reader
            .query(&source.header, binning, &reg)
            .unwrap_or_else(|e| panic!("{e}"))
            .records()
            .map(|r| crate::util::record_key(&r.unwrap_or_else(|e| panic!("{what}: {e}"))))
            .collect();
        assert_eq!(got.len(), expected.len(), "{what}: record count");
        assert_eq!(got, expected, "{what}: records");
        nonempty += usize::from(!got.is_empty());
        let budget = 1.10 * plan.chunk_span as f64 + 2.0 * MAX_BLOCK as f64;
        assert!(
            fetched as f64 <= budget,
            "{what}: fetched {fetched} > budget {budget}"
        );
        assert!(
            fetched < size || size < 2 * MAX_BLOCK,
            "{what}: fetched the whole file"
        );
    }
    assert_eq!(
        nonempty, 2,
        "the empty and contig-start regions hold no reads"
    );
    // Every ranged request had an end, and none asked past the object.
    let log = counting.log();
    let log = log.lock().unwrap_or_else(|e| e.into_inner());
    let ranged: Vec<_> = log.iter().filter(|r| r.op == "get_range").collect();
    assert!(!ranged.is_empty());
    for r in ranged {
        let range = r
            .range
            .clone()
            .unwrap_or_else(|| panic!("a ranged read without a range: {r:?}"));
        assert!(
            range.end > range.start && range.end <= size + MAX_BLOCK,
            "{r:?}"
        );
    }
}

pub(crate) fn job_for(sample: SampleRef, reference: &str, start: u64, end: u64) -> RegionJob {
    RegionJob::new(
        &RunContext {
            run_id: "t".into(),
            reference: reference.into(),
            params: CallingParams::default(),
            model_version: MODEL_VERSION.into(),
            output: "/unused".into(),
        },
        sample,
        GenomicRegion {
            contig: "chr6".into(),
            start,
            end,
        },
        vec![152_098_788, 152_098_791],
    )
}

#[test]
fn per_site_counts_from_s3_equal_the_local_file() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (sim, _server, storage) = uploaded(dir.path(), 32);
    let local_ref = sim.reference.to_string_lossy().into_owned();
    for sample in ["P01_T1", "P03_C1"] {
        let local = SampleRef {
            patient: "P".into(),
            sample: sample.into(),
            day: 10,
            material: esr1_proto::Material::Tumor,
            therapy: "AI".into(),
            alignments: dir
                .path()
                .join(format!("cohort/bams/{sample}.bam"))
                .to_string_lossy()
                .into_owned(),
            index: None,
        };
        let remote = SampleRef {
            alignments: format!("s3://{BUCKET}/cohort/bams/{sample}.bam"),
            ..local.clone()
        };
        for (start, end) in [(152_098_000, 152_100_000), (151_650_001, 151_900_000)] {
            let a = esr1_worker::run_job(
                &job_for(local.clone(), &local_ref, start, end),
                storage.as_ref(),
                &esr1_worker::Caches::default(),
            )
            .unwrap_or_else(|e| panic!("{e}"));
            let remote_ref = format!("s3://{BUCKET}/cohort/reference/chr6_esr1.fa.gz");
            let b = esr1_worker::run_job(
                &job_for(remote.clone(), &remote_ref, start, end),
                storage.as_ref(),
                &esr1_worker::Caches::default(),
            )
            .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(a.sites, b.sites, "{sample} {start}-{end}");
            assert_eq!(a.blocks, b.blocks);
            assert_eq!(a.calls, b.calls);
            assert_eq!(a.qc, b.qc);
        }
    }
}

fn options(sheet: &Path, reference: &Path, out: &str, backend: Backend) -> RunOptions {
    RunOptions {
        count: Default::default(),
        samplesheet: sheet.to_owned(),
        reference: reference.to_owned(),
        out: out.to_owned(),
        backend,
        plan: PlanOptions::default(),
        run_id: Some("s3run".into()),
        progress: false,
    }
}

/// The samplesheet with half of the samples (and the reference) on S3.
fn mixed_sheet(sim: &SimulatedCohort, dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(&sim.samplesheet).unwrap_or_default();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 && i % 2 == 0 {
            out.push_str(&line.replace("bams/", &format!("s3://{BUCKET}/cohort/bams/")));
        } else {
            out.push_str(&line.replace("bams/", &format!("{}/cohort/bams/", dir.display())));
        }
        out.push('\n');
    }
    let path = dir.join("mixed.csv");
    std::fs::write(&path, out).unwrap_or_else(|e| panic!("{e}"));
    path
}

/// A simulated cohort uploaded to a fresh server.
pub(crate) fn uploaded(dir: &Path, seed: u64) -> (SimulatedCohort, Garage, SharedStorage) {
    let sim = crate::util::small_cohort(dir, seed);
    let g = Garage::start(&dir.join("garage"));
    let storage = g.storage();
    upload_dir(
        &storage,
        &dir.join("cohort"),
        &format!("s3://{BUCKET}/cohort"),
    );
    (sim, g, storage)
}

/// A simulated cohort uploaded to a fresh server, and its embedded run from local files.
fn uploaded_with_local_run(
    dir: &Path,
    seed: u64,
) -> (SimulatedCohort, Garage, SharedStorage, String) {
    let (sim, g, storage) = uploaded(dir, seed);
    let local_out = dir.join("local").to_string_lossy().into_owned();
    let opts = options(
        &sim.samplesheet,
        &sim.reference,
        &local_out,
        Backend::Embedded { workers: 2 },
    );
    run(&opts, &storage).unwrap_or_else(|e| panic!("{e:#}"));
    (sim, g, storage, local_out)
}

fn read_reports(storage: &SharedStorage, out: &str) -> Vec<String> {
    REPORTS
        .iter()
        .map(|f| {
            let bytes = storage
                .get(&format!("{out}/{f}"))
                .unwrap_or_else(|e| panic!("{e}"));
            String::from_utf8(bytes).unwrap_or_default()
        })
        .collect()
}

#[test]
fn a_mixed_s3_samplesheet_with_s3_outputs_equals_the_local_run() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (sim, _server, storage, local_out) = uploaded_with_local_run(dir.path(), 33);
    let sheet = mixed_sheet(&sim, dir.path());
    let s3_out = format!("s3://{BUCKET}/runs/mixed");
    let result = run(
        &options(
            &sheet,
            &sim.reference,
            &s3_out,
            Backend::Embedded { workers: 2 },
        ),
        &storage,
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(result.report.jobs_failed, 0);
    assert_eq!(
        read_reports(&storage, &local_out),
        read_reports(&storage, &s3_out)
    );
    let qc = read_reports(&storage, &s3_out)[3].clone();
    assert!(
        qc.contains("jobs\tbytes_fetched\trequests\tchunk_span_bytes"),
        "{qc}"
    );
}

#[test]
fn missing_object_missing_index_and_access_denied_fail_only_their_samples() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (sim, g, storage) = uploaded(dir.path(), 34);
    // A BAM without any index, and a bucket the test key may not read.
    let bam = std::fs::read(dir.path().join("cohort/bams/P02_C1.bam")).unwrap_or_default();
    storage
        .put(&format!("s3://{BUCKET}/noindex/P02_C1.bam"), &bam)
        .unwrap_or_else(|e| panic!("{e}"));
    g.cli(&["bucket", "create", "private-trial"]);
    let text = std::fs::read_to_string(&sim.samplesheet).unwrap_or_default();
    let text = text
        .replace(
            "bams/P01_C1.bam,bams/P01_C1.bam.bai",
            &format!("s3://{BUCKET}/cohort/bams/absent.bam,"),
        )
        .replace(
            "bams/P02_C1.bam,bams/P02_C1.bam.bai",
            &format!("s3://{BUCKET}/noindex/P02_C1.bam,"),
        )
        .replace(
            "bams/P03_C1.bam,bams/P03_C1.bam.bai",
            "s3://private-trial/P03_C1.bam,",
        );
    let sheet = dir.path().join("cohort/bad.csv");
    std::fs::write(&sheet, text).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("run").to_string_lossy().into_owned();
    run(
        &options(
            &sheet,
            &sim.reference,
            &out,
            Backend::Embedded { workers: 2 },
        ),
        &storage,
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    let qc = crate::util::read_tsv(&Path::new(&out).join("qc.tsv"));
    let reason = |s: &str| {
        let row = qc
            .iter()
            .find(|q| q["sample"] == s)
            .unwrap_or_else(|| panic!("{s}"));
        assert_eq!(row["status"], "failed", "{s}");
        row["reason"].clone()
    };
    let r = reason("P01_C1");
    assert!(r.contains("absent.bam") && r.contains("not found"), "{r}");
    let r = reason("P02_C1");
    assert!(
        r.contains("no index")
            && r.contains("P02_C1.bam.bai")
            && r.contains("P02_C1.bai")
            && r.contains(".csi"),
        "{r}"
    );
    let r = reason("P03_C1");
    assert!(
        r.contains("access denied") && r.contains("private-trial"),
        "{r}"
    );
    assert!(
        !r.contains(crate::garage::SECRET_KEY) && !r.contains(crate::garage::ACCESS_KEY),
        "credentials leaked: {r}"
    );
    assert_eq!(qc.iter().filter(|q| q["status"] == "ok").count(), 18);
}

#[test]
fn a_server_stopped_for_a_moment_is_retried() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let g = Garage::start(&dir.path().join("garage"));
    let (counting, storage) = s3_only(&g);
    storage
        .put(&format!("s3://{BUCKET}/x/object"), b"0123456789")
        .unwrap_or_else(|e| panic!("{e}"));
    // The production retry decorator over the counting one, so every attempt is seen.
    let retrying = RetryingStorage::new(storage.clone(), Duration::from_secs(20));
    g.stop();
    let restarter = {
        let dir = g.dir.clone();
        let (s3, rpc) = (g.s3_port, g.rpc_port);
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(700));
            let again = Garage {
                dir,
                s3_port: s3,
                rpc_port: rpc,
            };
            again.restart();
            std::mem::forget(again);
        })
    };
    let got = retrying
        .get_range(&format!("s3://{BUCKET}/x/object"), 2..6)
        .unwrap_or_else(|e| panic!("not retried: {e}"));
    assert_eq!(got, b"2345");
    let _ = restarter.join();
    let attempts = counting
        .log()
        .lock()
        .map(|l| l.iter().filter(|r| r.op == "get_range").count())
        .unwrap_or(0);
    assert!(
        attempts >= 2,
        "the first attempt failed and was retried ({attempts} attempts)"
    );
}

#[test]
fn two_workers_reading_and_writing_s3_give_the_embedded_outputs() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (sim, g, storage, local_out) = uploaded_with_local_run(dir.path(), 35);
    // Everything remote: samples, reference, outputs.
    let text = std::fs::read_to_string(&sim.samplesheet).unwrap_or_default();
    let sheet = dir.path().join("remote.csv");
    std::fs::write(
        &sheet,
        text.replace("bams/", &format!("s3://{BUCKET}/cohort/bams/")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (url, prefix) = (crate::broker::amqp_url(), crate::broker::unique("s3"));
    // Dropped after the workers (declared before them): a worker still consuming would
    // declare the deleted queues again when its consumer is cancelled.
    let _c = crate::distributed::Cleanup(&url, &prefix, "s3run");
    let _w1 = crate::broker::Worker::start_with_env(
        &url,
        &prefix,
        0,
        &dir.path().join("w1.log"),
        &g.env(),
    );
    let _w2 = crate::broker::Worker::start_with_env(
        &url,
        &prefix,
        0,
        &dir.path().join("w2.log"),
        &g.env(),
    );
    let s3_out = format!("s3://{BUCKET}/runs/dist");
    let mut opts = options(
        &sheet,
        &sim.reference,
        &s3_out,
        Backend::Amqp(AmqpOptions::new(url.clone(), prefix.clone())),
    );
    // The reference too: workers on other machines have no local files.
    let remote_ref = format!("s3://{BUCKET}/cohort/reference/chr6_esr1.fa.gz");
    opts.reference = std::path::PathBuf::from(&remote_ref);
    let result = run(&opts, &storage).unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(result.report.jobs_failed, 0);
    assert_eq!(
        read_reports(&storage, &local_out),
        read_reports(&storage, &s3_out)
    );
}

/// Records (name, flags, start) of a local indexed CRAM query, decoded against the local
/// reference by noodles alone.
fn local_cram_query(
    cram_path: &Path,
    reference: &Path,
    region: &Region,
) -> Vec<(Vec<u8>, u16, usize)> {
    use noodles::{cram, fasta};
    let fasta_reader = fasta::io::indexed_reader::Builder::default()
        .build_from_path(reference)
        .unwrap_or_else(|e| panic!("{e}"));
    let repository = fasta::Repository::new(fasta::repository::adapters::IndexedReader::new(
        fasta_reader,
    ));
    let mut reader = cram::io::indexed_reader::Builder::default()
        .set_reference_sequence_repository(repository)
        .build_from_path(cram_path)
        .unwrap_or_else(|e| panic!("{e}"));
    let header = reader.read_header().unwrap_or_else(|e| panic!("{e}"));
    reader
        .query(&header, region)
        .unwrap_or_else(|e| panic!("{e}"))
        .records()
        .map(|r| crate::util::record_key(&r.unwrap_or_else(|e| panic!("{e}"))))
        .collect()
}

#[test]
fn cram_slices_from_s3_equal_a_local_indexed_query_and_count_like_bam() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let cram_sim = simulate(&SimulateOptions {
        format: esr1_simulate::AlignmentFormat::Cram,
        out: dir.path().join("cram"),
        patients: 7,
        seed: 36,
        depth_scale: 0.3,
        ..SimulateOptions::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let bam_sim = simulate(&SimulateOptions {
        format: esr1_simulate::AlignmentFormat::Bam,
        out: dir.path().join("bam"),
        patients: 7,
        seed: 36,
        depth_scale: 0.3,
        ..SimulateOptions::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let g = Garage::start(&dir.path().join("garage"));
    let storage = g.storage();
    upload_dir(
        &storage,
        &dir.path().join("cram"),
        &format!("s3://{BUCKET}/cram"),
    );
    let remote_ref = format!("s3://{BUCKET}/cram/reference/chr6_esr1.fa.gz");
    let uri = format!("s3://{BUCKET}/cram/bams/P01_C1.cram");
    let source =
        open_source(storage.as_ref(), &uri, None).unwrap_or_else(|e| panic!("{}", e.message));
    assert!(source.is_cram());
    let local = dir.path().join("cram/bams/P01_C1.cram");
    let mut nonempty = 0;
    for (what, start, end) in [
        ("empty", 1_000_000, 1_001_000),
        ("contig start", 1, 50_000),
        ("exon 8", 152_098_700, 152_099_100),
        ("whole window", 151_650_001, 152_140_000),
    ] {
        let (reg, interval) = region(start, end);
        let expected = local_cram_query(&local, &cram_sim.reference, &reg);
        let plan = plan_slice(&source, 0, interval).unwrap_or_else(|e| panic!("{}", e.message));
        let budget = 1.10 * plan.chunk_span as f64 + 2.0 * MAX_BLOCK as f64;
        let fetched: u64 = plan.ranges.iter().map(|r| r.end - r.start).sum();
        assert!(fetched as f64 <= budget, "{what}: {fetched} > {budget}");
        // Per-site counts through the product's job path equal those of the BAM.
        let sample = |alignments: String| SampleRef {
            patient: "P01".into(),
            sample: "P01_C1".into(),
            day: 10,
            material: esr1_proto::Material::Cfdna,
            therapy: "AI".into(),
            alignments,
            index: None,
        };
        let from_s3 = esr1_worker::run_job(
            &job_for(sample(uri.clone()), &remote_ref, start as u64, end as u64),
            storage.as_ref(),
            &esr1_worker::Caches::default(),
        )
        .unwrap_or_else(|e| panic!("{what}: {e}"));
        let bam_local = dir
            .path()
            .join("bam/bams/P01_C1.bam")
            .to_string_lossy()
            .into_owned();
        let bam_ref = bam_sim.reference.to_string_lossy().into_owned();
        let from_bam = esr1_worker::run_job(
            &job_for(sample(bam_local), &bam_ref, start as u64, end as u64),
            storage.as_ref(),
            &esr1_worker::Caches::default(),
        )
        .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(from_s3.sites, from_bam.sites, "{what}");
        assert_eq!(from_s3.blocks, from_bam.blocks, "{what}");
        assert_eq!(from_s3.qc.reads_seen, from_bam.qc.reads_seen, "{what}");
        // Record for record, the ranged CRAM equals noodles' local indexed query.
        let sparse =
            fetch(storage.as_ref(), &source, &plan).unwrap_or_else(|e| panic!("{}", e.message));
        let repository = {
            let fasta_reader = noodles::fasta::io::indexed_reader::Builder::default()
                .build_from_path(&cram_sim.reference)
                .unwrap_or_else(|e| panic!("{e}"));
            noodles::fasta::Repository::new(
                noodles::fasta::repository::adapters::IndexedReader::new(fasta_reader),
            )
        };
        let mut reader = noodles::cram::io::reader::Builder::default()
            .set_reference_sequence_repository(repository)
            .build_from_reader(sparse);
        let SourceIndex::Crai(crai) = &source.index else {
            panic!("a CRAI")
        };
        let got: Vec<(Vec<u8>, u16, usize)> = reader
            .query(&source.header, crai, &reg)
            .unwrap_or_else(|e| panic!("{e}"))
            .records()
            .map(|r| crate::util::record_key(&r.unwrap_or_else(|e| panic!("{what}: {e}"))))
            .collect();
        assert_eq!(got, expected, "{what}");
        nonempty += usize::from(!got.is_empty());
    }
    assert_eq!(nonempty, 2);
}
