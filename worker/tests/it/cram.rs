//! CRAM jobs on local files count exactly like the same reads in a BAM, with one worker's
//! caches shared by jobs running side by side (the CRAM reference is built per job from the
//! span of the decoded containers).

use esr1_proto::{CallingParams, GenomicRegion, RegionJob, RunContext, SampleRef};
use esr1_simulate::{simulate, AlignmentFormat, SimulateOptions, SimulatedCohort};
use esr1_worker::storage::LocalStorage;
use esr1_worker::{run_job, Caches};
use std::path::Path;

/// A job of one cfDNA sample over `chr6:start-end` reporting `sites` with full counts.
pub(crate) fn job_reporting(
    alignments: &Path,
    reference: &Path,
    (start, end): (u64, u64),
    sites: Vec<u64>,
) -> RegionJob {
    RegionJob::new(
        &RunContext {
            run_id: "t".into(),
            reference: reference.to_string_lossy().into_owned(),
            params: CallingParams::default(),
            model_version: "m".into(),
            output: "/unused".into(),
        },
        SampleRef {
            patient: "P01".into(),
            sample: "P01_C1".into(),
            day: 10,
            material: esr1_proto::Material::Cfdna,
            therapy: "AI".into(),
            alignments: alignments.to_string_lossy().into_owned(),
            index: None,
        },
        GenomicRegion {
            contig: "chr6".into(),
            start,
            end,
        },
        sites,
    )
}

fn job(alignments: &Path, reference: &Path, start: u64, end: u64) -> RegionJob {
    job_reporting(
        alignments,
        reference,
        (start, end),
        vec![152_098_788, 152_098_791],
    )
}

/// The small cohort these tests read (sample P01_C1 in `out/bams/`), written as `format`.
fn seed_cohort(format: AlignmentFormat, out: &Path) -> SimulatedCohort {
    simulate(&SimulateOptions {
        format,
        out: out.to_path_buf(),
        patients: 7,
        seed: 36,
        depth_scale: 0.3,
        ..SimulateOptions::default()
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn cram_jobs_sharing_one_worker_cache_count_like_the_bam() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (cram, bam) = (
        seed_cohort(AlignmentFormat::Cram, &dir.path().join("cram")),
        seed_cohort(AlignmentFormat::Bam, &dir.path().join("bam")),
    );
    let cram_file = dir.path().join("cram/bams/P01_C1.cram");
    let bam_file = dir.path().join("bam/bams/P01_C1.bam");
    let regions = [
        (1_000_000, 1_001_000),
        (152_098_700, 152_099_100),
        (151_650_001, 151_900_000),
        (151_900_001, 152_140_000),
    ];
    let caches = Caches::default();
    std::thread::scope(|s| {
        for (start, end) in regions {
            let (caches, cram, bam) = (&caches, &cram, &bam);
            let (cram_file, bam_file) = (&cram_file, &bam_file);
            s.spawn(move || {
                let run = |file, reference| {
                    run_job(&job(file, reference, start, end), &LocalStorage, caches)
                        .unwrap_or_else(|e| panic!("{start}-{end}: {e}"))
                };
                let (c, b) = (
                    run(cram_file, &cram.reference),
                    run(bam_file, &bam.reference),
                );
                let empty = start == 1_000_000;
                assert_eq!(c.qc.reads_seen == 0, empty, "{start}-{end}: {:?}", c.qc);
                assert_eq!(c.sites, b.sites, "{start}-{end}");
                assert_eq!(c.blocks, b.blocks, "{start}-{end}");
                assert_eq!(c.calls, b.calls, "{start}-{end}");
                assert_eq!(c.qc.reads_seen, b.qc.reads_seen, "{start}-{end}");
                assert_eq!(c.qc.filtered, b.qc.filtered, "{start}-{end}");
            });
        }
    });
}

/// Runs `samtools` with `args` (Debian's package; `scripts/services.sh` installs it).
fn samtools(args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new("samtools")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("samtools (Debian's package) must be installed: {e}"));
    assert!(
        out.status.success(),
        "samtools {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A CRAM whose last chr6 container also holds reads of another contig (what CRAM writers
/// make when contigs have few reads: a multi-reference container) counts its chr6 reads like
/// the BAM of the same reads. The job reads no reference for the other contig (noodles asks
/// for it: it is served empty, and its records are never handed to the counter); this used to
/// fail the job naming the other contig, and before that panicked inside noodles.
#[test]
fn a_multi_reference_container_counts_its_contigs_reads_like_the_bam() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = seed_cohort(AlignmentFormat::Bam, &dir.path().join("sim"));
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let sim_reference = sim.reference.to_string_lossy().into_owned();
    // The reference: chr6 as simulated and a small second contig.
    let mut fasta = samtools(&["faidx", &sim_reference, "chr6"]);
    fasta.extend_from_slice(b">chrZ\n");
    fasta.extend((0..2000).map(|i| b"ACGT"[(i * 7 + i / 3) % 4]));
    fasta.push(b'\n');
    std::fs::write(path("ref.fa"), &fasta).unwrap_or_else(|e| panic!("{e}"));
    samtools(&["faidx", &path("ref.fa")]);
    // The last 200 reads moved to chrZ, unpaired.
    let bam = dir.path().join("sim/bams/P01_C1.bam");
    let sam = String::from_utf8(samtools(&["view", "-h", &bam.to_string_lossy()]))
        .unwrap_or_else(|e| panic!("{e}"));
    let (header, reads): (Vec<&str>, Vec<&str>) = sam.lines().partition(|l| l.starts_with('@'));
    let mut out = String::new();
    for line in header {
        out.push_str(line);
        out.push('\n');
        if line.starts_with("@SQ") {
            out.push_str("@SQ\tSN:chrZ\tLN:2000\n");
        }
    }
    let moved = reads.len() - 200;
    for (i, line) in reads.iter().enumerate() {
        let mut fields: Vec<String> = line.split('\t').map(str::to_owned).collect();
        if i >= moved {
            let flags: u16 = fields[1].parse().unwrap_or_else(|e| panic!("{e}"));
            fields[1] = (flags & !(0x1 | 0x2 | 0x8 | 0x20 | 0x40 | 0x80)).to_string();
            fields[2] = "chrZ".into();
            fields[3] = (100 + i - moved).to_string();
            (fields[6], fields[7], fields[8]) = ("*".into(), "0".into(), "0".into());
        }
        out.push_str(&fields.join("\t"));
        out.push('\n');
    }
    std::fs::write(path("moved.sam"), out).unwrap_or_else(|e| panic!("{e}"));
    samtools(&["sort", "-o", &path("moved.bam"), &path("moved.sam")]);
    samtools(&["index", &path("moved.bam")]);
    samtools(&[
        "view",
        "-C",
        "-T",
        &path("ref.fa"),
        "--output-fmt-option",
        "multi_seq_per_slice=1",
        "-o",
        &path("moved.cram"),
        &path("moved.bam"),
    ]);
    samtools(&["index", &path("moved.cram")]);
    // The check has teeth: some container holds both contigs.
    let crai =
        noodles::cram::crai::fs::read(path("moved.cram.crai")).unwrap_or_else(|e| panic!("{e}"));
    let holding = |rid: usize| -> Vec<u64> {
        crai.iter()
            .filter(|r| r.reference_sequence_id() == Some(rid))
            .map(|r| r.offset())
            .collect()
    };
    let (chr6, chrz) = (holding(0), holding(1));
    assert!(
        chrz.iter().any(|offset| chr6.contains(offset)),
        "no multi-reference container: chr6 {chr6:?}, chrZ {chrz:?}"
    );
    let reference = dir.path().join("ref.fa");
    let region = (151_650_001, 152_140_000);
    let caches = Caches::default();
    let run = |file: &str| {
        run_job(
            &job(Path::new(file), &reference, region.0, region.1),
            &LocalStorage,
            &caches,
        )
    };
    let bam = run(&path("moved.bam")).unwrap_or_else(|e| panic!("the BAM counts: {e}"));
    assert!(bam.qc.reads_seen > 1000, "{:?}", bam.qc);
    let cram = run(&path("moved.cram")).unwrap_or_else(|e| panic!("the CRAM counts: {e}"));
    assert_eq!(cram.qc.reads_seen, bam.qc.reads_seen);
    assert_eq!(cram.qc.filtered, bam.qc.filtered);
    assert_eq!(cram.sites, bam.sites);
    assert_eq!(cram.blocks, bam.blocks);
    assert_eq!(cram.calls, bam.calls);
}

/// A CRAM whose containers hold several slices (one index entry each: `samtools view -C
/// --output-fmt-option slices_per_container=4`) counts each read once, like its BAM. noodles'
/// indexed query reads such a container once per entry and counted every read four times.
#[test]
fn a_cram_with_several_slices_per_container_counts_each_read_once() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sim = seed_cohort(AlignmentFormat::Bam, &dir.path().join("sim"));
    let bam = dir.path().join("sim/bams/P01_C1.bam");
    let cram = dir.path().join("sliced.cram");
    let text = |p: &Path| p.to_string_lossy().into_owned();
    samtools(&[
        "view",
        "-C",
        "-T",
        &text(&sim.reference),
        "--output-fmt-option",
        "slices_per_container=4",
        "--output-fmt-option",
        "seqs_per_slice=300",
        "-o",
        &text(&cram),
        &text(&bam),
    ]);
    samtools(&["index", &text(&cram)]);
    // The check has teeth: some container is named by several index entries.
    let crai = noodles::cram::crai::fs::read(format!("{}.crai", text(&cram)))
        .unwrap_or_else(|e| panic!("{e}"));
    let offsets: Vec<u64> = crai.iter().map(|r| r.offset()).collect();
    assert!(
        offsets.windows(2).any(|w| w[0] == w[1]),
        "no container with several slices: {offsets:?}"
    );
    let caches = Caches::default();
    for (start, end) in [(151_650_001, 152_140_000), (152_098_700, 152_099_100)] {
        let run = |file: &Path| {
            run_job(
                &job(file, &sim.reference, start, end),
                &LocalStorage,
                &caches,
            )
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
        };
        let (c, b) = (run(&cram), run(&bam));
        assert!(b.qc.reads_seen > 100, "{:?}", b.qc);
        assert_eq!(c.qc.reads_seen, b.qc.reads_seen, "{start}-{end}");
        assert_eq!(c.qc.filtered, b.qc.filtered, "{start}-{end}");
        assert_eq!(c.sites, b.sites, "{start}-{end}");
        assert_eq!(c.blocks, b.blocks, "{start}-{end}");
        assert_eq!(c.calls, b.calls, "{start}-{end}");
    }
}
