//! Tests of the planner: chromosome-6 detection, tiling, and how a samplesheet becomes
//! region jobs or failed samples (header-only BAMs and `.fai` files in a temporary directory).

use super::*;
use crate::samplesheet::{SheetProblem, SheetSample};
use esr1_proto::{Material, BLOCK_GRID};
use esr1_worker::storage::LocalStorage;
use noodles::bam;
use noodles::csi::binning_index::index::reference_sequence::index::LinearIndex;
use noodles::csi::binning_index::Indexer;
use noodles::sam;
use noodles::sam::header::record::value::map::ReferenceSequence;
use noodles::sam::header::record::value::Map;
use std::num::NonZero;
use std::path::{Path, PathBuf};

#[test]
fn tiles_cover_the_span_exactly_once() {
    let t = tile("chr6", 100, 350, 100);
    let spans: Vec<(u64, u64)> = t.iter().map(|r| (r.start, r.end)).collect();
    assert_eq!(spans, vec![(100, 199), (200, 299), (300, 350)]);
    assert_eq!(tile("chr6", 5, 5, 100).len(), 1);
}

#[test]
fn tiles_on_the_grid_cover_the_span_once_and_cut_only_on_its_lines() {
    let spans = |t: Vec<GenomicRegion>| t.iter().map(|r| (r.start, r.end)).collect::<Vec<_>>();
    assert_eq!(
        spans(tile_on_grid("6", 500, 5_000, 2_000)),
        vec![(500, 2_048), (2_049, 4_096), (4_097, 5_000)]
    );
    // Tiles narrower than a cell join the one before.
    assert_eq!(
        spans(tile_on_grid("6", 1, 3_000, 1_000)),
        vec![(1, 1_024), (1_025, 3_000)]
    );
    assert_eq!(spans(tile_on_grid("6", 10, 12, 100)), vec![(10, 12)]);
    assert!(tile_on_grid("6", 12, 10, 100).is_empty());
}

#[test]
fn tiles_at_exact_multiples_tiny_and_huge_sizes() {
    let spans = |t: Vec<GenomicRegion>| t.iter().map(|r| (r.start, r.end)).collect::<Vec<_>>();
    // A span that is a multiple of the size ends exactly on a tile end.
    assert_eq!(spans(tile("6", 1, 200, 100)), vec![(1, 100), (101, 200)]);
    // One past a multiple leaves a one-base tile.
    assert_eq!(
        spans(tile("6", 1, 201, 100)),
        vec![(1, 100), (101, 200), (201, 201)]
    );
    // Size 0 is treated as 1; a size beyond the span gives one tile.
    assert_eq!(
        spans(tile("6", 10, 12, 0)),
        vec![(10, 10), (11, 11), (12, 12)]
    );
    assert_eq!(spans(tile("6", 10, 12, u64::MAX / 2)), vec![(10, 12)]);
    assert!(tile("6", 1, 200, 100).iter().all(|r| r.contig == "6"));
    // An empty span (end before start) has no tiles.
    assert!(tile("6", 12, 10, 100).is_empty());
}

#[test]
fn chr6_is_found_under_any_naming_and_its_length_gives_the_build() {
    let contigs = [("1", 248_956_422u64), ("6", 170_805_979)];
    assert_eq!(
        find_chr6(contigs.into_iter()),
        Ok(("6".into(), Build::Grch38))
    );
    let contigs = [("NC_000006.11", 171_115_067u64)];
    assert_eq!(
        find_chr6(contigs.into_iter()),
        Ok(("NC_000006.11".into(), Build::Grch37))
    );
    let err = find_chr6([("chr6", 1000u64)].into_iter())
        .unwrap_err()
        .to_string();
    assert!(err.contains("neither GRCh38"), "{err}");
    let err = find_chr6([("chr1", 1000u64)].into_iter())
        .unwrap_err()
        .to_string();
    assert!(err.contains("no chromosome 6"), "{err}");
}

/// A reference `.fai` with one contig, returning the FASTA path (the FASTA itself is not read).
fn reference(dir: &Path, contig: &str, len: u64) -> String {
    let fasta = dir.join(format!("ref-{contig}-{len}.fa"));
    std::fs::write(
        dir.join(format!("ref-{contig}-{len}.fa.fai")),
        format!("{contig}\t{len}\t6\t60\t61\n"),
    )
    .expect("fai");
    fasta.to_string_lossy().into_owned()
}

/// A header-only BAM with one contig and its (empty) BAI.
fn header_only_bam(dir: &Path, name: &str, contig: &str, len: u64) -> PathBuf {
    let path = dir.join(format!("{name}.bam"));
    let header = sam::Header::builder()
        .add_reference_sequence(
            contig,
            Map::<ReferenceSequence>::new(NonZero::new(len as usize).expect("length")),
        )
        .build();
    let mut writer = bam::io::Writer::new(std::fs::File::create(&path).expect("create"));
    writer.write_header(&header).expect("header");
    writer.try_finish().expect("finish");
    let index = Indexer::<LinearIndex>::default().build(1);
    bam::bai::fs::write(dir.join(format!("{name}.bam.bai")), &index).expect("bai");
    path
}

fn sheet_sample(name: &str, alignments: &Path, problem: Option<SheetProblem>) -> SheetSample {
    SheetSample {
        sample: SampleRef {
            patient: "P1".into(),
            sample: name.into(),
            day: 0,
            material: Material::Tumor,
            therapy: "AI".into(),
            alignments: alignments.to_string_lossy().into_owned(),
            index: None,
        },
        line: 2,
        problem,
    }
}

fn sheet(samples: Vec<SheetSample>) -> Samplesheet {
    Samplesheet {
        path: PathBuf::from("sheet.csv"),
        samples,
        warnings: Vec::new(),
    }
}

const GRCH38: u64 = 170_805_979;
const GRCH37: u64 = 171_115_067;

#[test]
fn a_sample_is_cut_into_contiguous_region_jobs_named_as_its_header_names_chr6() {
    let dir = tempfile::tempdir().expect("tempdir");
    let reference = reference(dir.path(), "chr6", GRCH38);
    let bam = header_only_bam(dir.path(), "s1", "6", GRCH38);
    let region_size = 100_000;
    let options = PlanOptions {
        region_size: Some(region_size),
        ..PlanOptions::default()
    };
    let run_plan = || {
        plan(
            "run1",
            &sheet(vec![sheet_sample("S1", &bam, None)]),
            &reference,
            "/out",
            &options,
            &LocalStorage,
            &SourceCache::default(),
        )
        .expect("plan")
    };
    let p = run_plan();
    assert_eq!((p.chrom.as_str(), p.build), ("chr6", Build::Grch38));
    assert!(p.failed.is_empty(), "{:?}", p.failed);
    let jobs: Vec<&RegionJob> = p.jobs().collect();
    let (start, end) = Build::Grch38.gene_span();
    let want = (end - start + 1).div_ceil(region_size) as usize;
    assert_eq!(jobs.len(), want);
    assert_eq!(jobs[0].region.start, start);
    assert_eq!(jobs[jobs.len() - 1].region.end, end);
    for pair in jobs.windows(2) {
        assert_eq!(pair[0].region.end + 1, pair[1].region.start);
        assert_eq!((pair[1].region.start - 1) % BLOCK_GRID, 0);
    }
    for j in &jobs {
        // The sample's own contig name, not the reference's.
        assert_eq!(j.region.contig, "6");
        // Cut on the block grid: each cut moves back by less than a grid cell.
        assert!(j.region.end - j.region.start < region_size + BLOCK_GRID);
        assert!(j.report_sites.iter().all(|&s| j.region.contains(s)));
    }
    // Every hotspot position lands in exactly one job.
    let mut sites: Vec<u64> = jobs
        .iter()
        .flat_map(|j| j.report_sites.iter().copied())
        .collect();
    sites.sort_unstable();
    assert_eq!(sites, Esr1Model::builtin().hotspot_positions(Build::Grch38));
    // Job ids are stable and distinct.
    let again = run_plan();
    let ids: Vec<&str> = jobs.iter().map(|j| j.job_id.as_str()).collect();
    let ids_again: Vec<&str> = again.jobs().map(|j| j.job_id.as_str()).collect();
    assert_eq!(ids, ids_again);
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
}

#[test]
fn samples_that_cannot_run_fail_alone_with_their_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let reference = reference(dir.path(), "chr6", GRCH38);
    let good = header_only_bam(dir.path(), "good", "chr6", GRCH38);
    let grch37 = header_only_bam(dir.path(), "old", "chr6", GRCH37);
    let no_chr6 = header_only_bam(dir.path(), "nochr6", "chr1", 248_956_422);
    let problem = SheetProblem {
        line: 5,
        column: Some("alignments".into()),
        message: "file x.bam not found".into(),
    };
    let options = PlanOptions {
        region_size: Some(300_000),
        ..PlanOptions::default()
    };
    let p = plan(
        "run1",
        &sheet(vec![
            sheet_sample("GOOD", &good, None),
            sheet_sample("OLD", &grch37, None),
            sheet_sample("NOCHR6", &no_chr6, None),
            sheet_sample("MISSING", &dir.path().join("missing.bam"), None),
            sheet_sample("FLAGGED", &good, Some(problem)),
        ]),
        &reference,
        "/out",
        &options,
        &LocalStorage,
        &SourceCache::default(),
    )
    .expect("plan");
    assert_eq!(p.samples.len(), 1);
    assert_eq!(p.samples[0].jobs.len(), 2, "472,929 bp in 300 kb regions");
    let reason = |name: &str| {
        p.failed
            .iter()
            .find(|f| f.sample.sample == name)
            .map(|f| f.reason.clone())
            .unwrap_or_else(|| panic!("{name} did not fail"))
    };
    let r = reason("OLD");
    assert!(
        r.contains("is aligned to GRCh37 (chr6) but the run's reference is GRCh38: realign it"),
        "{r}"
    );
    let r = reason("NOCHR6");
    assert!(r.contains("nochr6.bam: no chromosome 6 contig"), "{r}");
    assert!(reason("MISSING").contains("missing.bam"));
    assert_eq!(
        reason("FLAGGED"),
        "sheet.csv: line 5, column 'alignments': file x.bam not found"
    );
}

#[test]
fn a_reference_without_a_usable_index_stops_the_plan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = sheet(Vec::new());
    let go = |reference: &str| {
        plan(
            "run1",
            &empty,
            reference,
            "/out",
            &PlanOptions::default(),
            &LocalStorage,
            &SourceCache::default(),
        )
        .unwrap_err()
    };
    let missing = dir.path().join("none.fa").to_string_lossy().into_owned();
    let e = go(&missing);
    assert!(
        matches!(e, PlanError::ReferenceIndexUnreadable { .. }),
        "{e}"
    );
    assert!(
        e.to_string().ends_with("(create it with samtools faidx)"),
        "{e}"
    );

    let bad = dir.path().join("bad.fa");
    std::fs::write(dir.path().join("bad.fa.fai"), "chr6\tnot-a-number\n").expect("fai");
    let e = go(&bad.to_string_lossy());
    assert!(matches!(e, PlanError::ReferenceIndexInvalid { .. }), "{e}");
    assert!(e.to_string().contains("is not a valid FASTA index"), "{e}");

    let e = go(&reference(dir.path(), "chr1", 248_956_422));
    assert!(matches!(e, PlanError::ReferenceContig { .. }), "{e}");
    assert!(e.to_string().contains(": no chromosome 6 contig"), "{e}");

    let e = go(&reference(dir.path(), "chr6", 1_000));
    assert!(e.to_string().contains("neither GRCh38"), "{e}");
}

#[test]
fn by_default_a_sample_without_data_is_one_job_over_the_span() {
    let dir = tempfile::tempdir().expect("tempdir");
    let reference = reference(dir.path(), "chr6", GRCH38);
    let bam = header_only_bam(dir.path(), "s1", "chr6", GRCH38);
    let p = plan(
        "run1",
        &sheet(vec![sheet_sample("S1", &bam, None)]),
        &reference,
        "/out",
        &PlanOptions::default(),
        &LocalStorage,
        &SourceCache::default(),
    )
    .expect("plan");
    let (start, end) = Build::Grch38.gene_span();
    let jobs: Vec<&RegionJob> = p.jobs().collect();
    assert_eq!(jobs.len(), 1);
    assert_eq!((jobs[0].region.start, jobs[0].region.end), (start, end));
    assert_eq!(p.samples[0].job_bytes, vec![0]);
    assert_eq!(
        jobs[0].report_sites,
        Esr1Model::builtin().hotspot_positions(Build::Grch38)
    );
}

#[test]
fn a_deep_sample_is_cut_into_jobs_of_about_the_target_size_and_a_shallow_one_is_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (reference, bams) =
        esr1_simulate::bench::write_pileup_bench(dir.path(), 3, 2_000).expect("bench BAMs");
    let samples = bams
        .iter()
        .map(|b| sheet_sample(b.name, &b.bam, None))
        .collect();
    let options = PlanOptions {
        job_bytes: JobBytes::Fixed(1 << 20),
        ..PlanOptions::default()
    };
    let p = plan(
        "run1",
        &sheet(samples),
        &reference.to_string_lossy(),
        "/out",
        &options,
        &LocalStorage,
        &SourceCache::default(),
    )
    .expect("plan");
    assert!(p.failed.is_empty(), "{:?}", p.failed);
    let (start, end) = Build::Grch38.gene_span();
    for s in &p.samples {
        let size = std::fs::metadata(&s.sample.alignments).expect("size").len();
        let jobs = &s.jobs;
        assert_eq!(jobs.len(), s.job_bytes.len());
        assert_eq!(jobs[0].region.start, start);
        assert_eq!(jobs[jobs.len() - 1].region.end, end);
        for pair in jobs.windows(2) {
            assert_eq!(pair[0].region.end + 1, pair[1].region.start);
        }
        let total: u64 = s.job_bytes.iter().sum();
        assert!(total <= size && total * 10 > size * 7, "{total} of {size}");
        if size < 1 << 20 {
            assert_eq!(
                jobs.len(),
                1,
                "{}: {size} bytes is one job",
                s.sample.sample
            );
        } else {
            let mut sorted = s.job_bytes.clone();
            sorted.sort_unstable();
            let (median, largest) = (sorted[sorted.len() / 2], sorted[sorted.len() - 1]);
            // Several jobs, as many as the target asks unless they would be narrower than
            // the minimum span (most of the deep sample's bytes lie over ~5 kb of exon 8).
            assert!(
                jobs.len() >= 2,
                "{}: {} jobs for {size} bytes",
                s.sample.sample,
                jobs.len()
            );
            assert!(largest <= 2 * median, "{sorted:?}");
            for job in jobs {
                assert!(
                    job.region.len() >= super::bytes::MIN_JOB_SPAN,
                    "{}: job {} is narrower than the minimum span",
                    s.sample.sample,
                    job.region
                );
            }
        }
    }
    // Handed out largest first; equal sizes keep the plan's order.
    let mut jobs: Vec<RegionJob> = p.jobs().cloned().collect();
    let bytes_of: std::collections::HashMap<String, u64> = p
        .samples
        .iter()
        .flat_map(|s| s.jobs.iter().zip(&s.job_bytes))
        .map(|(j, &b)| (j.job_id.clone(), b))
        .collect();
    p.largest_first(&mut jobs);
    let sizes: Vec<u64> = jobs.iter().map(|j| bytes_of[&j.job_id]).collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
    assert_eq!(jobs.len(), p.jobs().count());
    assert!(
        jobs.iter().zip(p.jobs()).any(|(a, b)| a.job_id != b.job_id),
        "the plan's own order is not largest first, so the order given out must differ"
    );
}

#[test]
fn by_default_the_job_target_follows_the_cohort_so_a_deep_sample_among_shallow_ones_is_cut() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The same reference (same seed) with the exons 7-8 sample at 100x and at 1,000x.
    let bench = |name: &str, depth: u32| {
        let (reference, bams) =
            esr1_simulate::bench::write_pileup_bench(&dir.path().join(name), 3, depth)
                .expect("bench BAMs");
        (reference, bams[1].bam.clone())
    };
    let (_, shallow) = bench("shallow", 100);
    let (reference, deep) = bench("deep", 1_000);
    let size = |p: &Path| std::fs::metadata(p).expect("size").len();
    let (median, deep_size) = (size(&shallow), size(&deep));
    assert!(
        deep_size > 4 * median && deep_size < DEFAULT_JOB_BYTES,
        "{median} {deep_size}"
    );
    let sheet_of = |samples: &[(&str, &Path)]| {
        sheet(
            samples
                .iter()
                .map(|(n, bam)| sheet_sample(n, bam, None))
                .collect(),
        )
    };
    let plan_with = |options: &PlanOptions, samples: &[(&str, &Path)]| {
        let p = plan(
            "run1",
            &sheet_of(samples),
            &reference.to_string_lossy(),
            "/out",
            options,
            &LocalStorage,
            &SourceCache::default(),
        )
        .expect("plan");
        assert!(p.failed.is_empty(), "{:?}", p.failed);
        p
    };
    // Two shallow samples and a deep one: the target is the largest that keeps the jobs
    // within BALANCE of the median one, so the shallow samples are one job each and the deep
    // one (one job at the 8 MiB default) is cut into jobs of about the same bytes.
    let cohort = [("S1", &*shallow), ("S2", &*shallow), ("D", &*deep)];
    let p = plan_with(&PlanOptions::default(), &cohort);
    let target = p.job_target.expect("a target");
    assert!(
        target.is_power_of_two() && target < DEFAULT_JOB_BYTES && target > median,
        "{target} for {median}"
    );
    let jobs: Vec<usize> = p.samples.iter().map(|s| s.jobs.len()).collect();
    assert_eq!(jobs[..2], [1, 1]);
    assert!(jobs[2] >= 2, "{jobs:?}");
    let mut sizes: Vec<u64> = p.samples.iter().flat_map(|s| s.job_bytes.clone()).collect();
    sizes.sort_unstable();
    let middle = (sizes[(sizes.len() - 1) / 2] + sizes[sizes.len() / 2]) as f64 / 2.0;
    let largest = *sizes.last().expect("jobs") as f64;
    assert!(largest / middle <= 2.0, "{sizes:?}");
    // A fixed target overrides it; tiling by base pairs has none.
    let fixed = PlanOptions {
        job_bytes: JobBytes::Fixed(DEFAULT_JOB_BYTES),
        ..PlanOptions::default()
    };
    let p = plan_with(&fixed, &cohort);
    assert_eq!(p.job_target, Some(DEFAULT_JOB_BYTES));
    assert_eq!(p.samples[2].jobs.len(), 1);
    let tiled = PlanOptions {
        region_size: Some(100_000),
        ..PlanOptions::default()
    };
    assert_eq!(plan_with(&tiled, &cohort).job_target, None);
}

#[test]
fn the_job_size_option_reads_auto_or_bytes_and_names_what_it_expected() {
    assert_eq!("auto".parse::<JobBytes>(), Ok(JobBytes::Auto));
    assert_eq!("AUTO".parse::<JobBytes>(), Ok(JobBytes::Auto));
    assert_eq!("262144".parse::<JobBytes>(), Ok(JobBytes::Fixed(262_144)));
    let small = "1000".parse::<JobBytes>().expect_err("too small");
    assert!(small.contains("65536"), "{small}");
    assert_eq!("whole".parse::<JobBytes>(), Ok(JobBytes::Whole));
    assert_eq!("Whole".parse::<JobBytes>(), Ok(JobBytes::Whole));
    let word = "big".parse::<JobBytes>().expect_err("not a number");
    assert!(word.contains("auto, whole or a number"), "{word}");
}

#[test]
fn auto_is_whole_for_one_in_process_worker_and_kept_for_several() {
    let auto = PlanOptions::default();
    assert_eq!(auto.for_workers(1).job_bytes, JobBytes::Whole);
    assert_eq!(auto.for_workers(2).job_bytes, JobBytes::Auto);
    let fixed = PlanOptions {
        job_bytes: JobBytes::Fixed(1 << 20),
        ..PlanOptions::default()
    };
    assert_eq!(fixed.for_workers(1).job_bytes, JobBytes::Fixed(1 << 20));
}

#[test]
fn whole_makes_every_sample_one_job_over_the_span_however_deep() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (reference, bams) =
        esr1_simulate::bench::write_pileup_bench(dir.path(), 3, 2_000).expect("bench BAMs");
    let sheet = || {
        sheet(
            bams.iter()
                .map(|b| sheet_sample(b.name, &b.bam, None))
                .collect(),
        )
    };
    let plan_with = |job_bytes| {
        let options = PlanOptions {
            job_bytes,
            ..PlanOptions::default()
        };
        plan(
            "run1",
            &sheet(),
            &reference.to_string_lossy(),
            "/out",
            &options,
            &LocalStorage,
            &SourceCache::default(),
        )
        .expect("plan")
    };
    let (whole, cut) = (
        plan_with(JobBytes::Whole),
        plan_with(JobBytes::Fixed(1 << 20)),
    );
    // The deep sample is cut at 1 MiB, so `whole` has something to keep whole.
    let (jobs, samples) = (cut.jobs().count(), cut.samples.len());
    assert!(jobs > samples, "{jobs} jobs for {samples} samples");
    let (start, end) = Build::Grch38.gene_span();
    assert_eq!(whole.samples.len(), bams.len());
    for s in &whole.samples {
        let jobs: Vec<_> = s.jobs.iter().map(|j| &j.region).collect();
        assert_eq!(jobs.len(), 1, "{}: {jobs:?}", s.sample.sample);
        assert_eq!((jobs[0].start, jobs[0].end), (start, end));
    }
    // The target recorded is the largest sample's bytes, which every job is within.
    let largest = whole.samples.iter().flat_map(|s| &s.job_bytes).max();
    assert_eq!(whole.job_target, largest.map(|&b| b.max(MIN_JOB_BYTES)));
}

#[test]
fn samples_checked_on_several_threads_come_back_in_samplesheet_order() {
    // Later indexes finish first, so the threads' completion order is not the input order.
    let threads_seen = std::sync::Mutex::new(std::collections::HashSet::new());
    let out = in_order(40, 8, |k| {
        std::thread::sleep(std::time::Duration::from_millis((40 - k as u64) % 7));
        if let Ok(mut seen) = threads_seen.lock() {
            seen.insert(std::thread::current().id());
        }
        k * 3
    });
    assert_eq!(out, (0..40).map(|k| k * 3).collect::<Vec<_>>());
    let seen = threads_seen.into_inner().unwrap_or_default().len();
    assert!(seen > 1, "the work ran on {seen} thread(s)");
    assert_eq!(in_order(0, 8, |k| k), Vec::<usize>::new());
    assert_eq!(in_order(3, 1, |k| k + 1), vec![1, 2, 3]);
}

#[test]
#[should_panic(expected = "sample 5 gave way")]
fn a_panic_while_checking_a_sample_is_passed_on() {
    in_order(10, 4, |k| {
        assert_ne!(k, 5, "sample {k} gave way");
        k
    });
}
