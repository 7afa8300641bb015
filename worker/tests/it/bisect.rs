//! Jobs over small regions of a deep BAM enter its index chunk by bisection: they count every
//! site exactly as a job over the whole deep span does, from a small part of the chunk's bytes.

use crate::cram::job_reporting;
use esr1_simulate::bench::write_pileup_bench;
use esr1_worker::storage::LocalStorage;
use esr1_worker::{run_job, Caches};

#[test]
fn small_regions_of_a_deep_bam_count_like_the_whole_span_from_a_fraction_of_its_chunk() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (reference, bams) =
        write_pileup_bench(dir.path(), 5, 3_000).unwrap_or_else(|e| panic!("{e}"));
    let deep = bams
        .iter()
        .find(|b| b.name == "deep_exons_7_8")
        .unwrap_or_else(|| panic!("no deep BAM"));
    let (_, span) = deep
        .region
        .split_once(':')
        .unwrap_or_else(|| panic!("region"));
    let (start, end) = span.split_once('-').unwrap_or_else(|| panic!("region"));
    let span: (u64, u64) = (
        start.parse().unwrap_or_else(|e| panic!("{e}")),
        end.parse().unwrap_or_else(|e| panic!("{e}")),
    );
    let caches = Caches::default();
    let whole = run_job(
        &job_reporting(&deep.bam, &reference, span, (span.0..=span.1).collect()),
        &LocalStorage,
        &caches,
    )
    .unwrap_or_else(|e| panic!("{}", e.message));
    let counts = |pos: u64| {
        whole
            .sites
            .iter()
            .find(|s| s.pos == pos)
            .map(|s| (s.forward, s.reverse, s.f1r2))
    };
    // Y537/D538 (10 bp), a region just after the span's start, one in the middle, one at its end.
    let mid = (span.0 + span.1) / 2;
    for (s, e) in [
        (152_098_786, 152_098_795),
        (span.0 + 20, span.0 + 29),
        (mid, mid + 300),
        (span.1 - 9, span.1),
    ] {
        let small = run_job(
            &job_reporting(&deep.bam, &reference, (s, e), (s..=e).collect()),
            &LocalStorage,
            &caches,
        )
        .unwrap_or_else(|e| panic!("{}", e.message));
        assert_eq!(small.sites.len() as u64, e - s + 1, "{s}-{e}");
        for site in &small.sites {
            let expected = counts(site.pos).unwrap_or_else(|| panic!("{} not counted", site.pos));
            assert_eq!(
                (site.forward, site.reverse, site.f1r2),
                expected,
                "counts at {} of {s}-{e}",
                site.pos
            );
        }
        assert!(
            small.qc.bytes_fetched * 4 < small.qc.chunk_span_bytes,
            "{s}-{e}: fetched {} of a {}-byte chunk span",
            small.qc.bytes_fetched,
            small.qc.chunk_span_bytes
        );
    }
}
