//! Tests of a simulated cohort on disk: determinism per seed, the reads of a BAM, the
//! artefacts' rates and strands.

use crate::artefacts::{self, ArtefactSite};
use crate::cohort::simulate;
use crate::reads;
use crate::scenario::reference_window;
use crate::sites::germline_sites;
use crate::test_util::{accuracy_options, base_at, bytes, files, query_at, small};
use esr1_science::esr1::Esr1Model;
use noodles::bam;
use noodles::core::Region;
use noodles::sam::alignment::record::cigar::op::Kind;
use noodles::sam::alignment::RecordBuf;
use std::collections::BTreeMap;
use std::path::Path;

#[test]
fn simulate_is_deterministic_per_seed() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    let c = tempfile::tempdir().expect("tempdir");
    let ca = small(a.path(), 1, 0.1);
    small(b.path(), 1, 0.1);
    small(c.path(), 2, 0.1);
    let listed = files(a.path());
    assert_eq!(listed, files(b.path()));
    assert_eq!(listed.len(), 3 + 4 + 7 * 3 * 2, "{listed:?}");
    for f in &listed {
        assert!(
            bytes(&a.path().join(f)) == bytes(&b.path().join(f)),
            "{} differs",
            f.display()
        );
    }
    // Every sample's BAM and BAI exist where the samplesheet says.
    let sheet = std::fs::read_to_string(&ca.samplesheet).expect("samplesheet");
    let mut lines = sheet.lines();
    assert_eq!(
        lines.next(),
        Some("patient,sample,day,material,therapy,alignments,index")
    );
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 7);
        assert!(
            a.path().join(f[5]).is_file() && a.path().join(f[6]).is_file(),
            "{line}"
        );
        assert!(f[5].starts_with("bams/") && f[6].ends_with(".bam.bai"));
    }
    // Another seed gives other reads and other days.
    let bam = Path::new("bams/P01_T1.bam");
    assert_ne!(bytes(&a.path().join(bam)), bytes(&c.path().join(bam)));
    assert_ne!(
        bytes(&a.path().join("samplesheet.csv")),
        bytes(&c.path().join("samplesheet.csv"))
    );
}

#[test]
fn simulate_bam_carries_d538g_at_its_vaf() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cohort = small(dir.path(), 1, 0.1);
    let bam_path = dir.path().join("bams/P01_T1.bam");

    // The on-the-fly BAI is the one noodles builds from the file.
    let built = bam::fs::index(&bam_path).expect("index");
    let written = bam::bai::fs::read(dir.path().join("bams/P01_T1.bam.bai")).expect("bai");
    let bam::Index::Bai(built) = built else {
        panic!("expected a BAI");
    };
    assert!(
        written == built,
        "the written BAI differs from noodles' own"
    );

    let mut reader = bam::io::indexed_reader::Builder::default()
        .build_from_path(&bam_path)
        .expect("indexed reader");
    let header = reader.read_header().expect("header");
    let text = format!("{header:?}");
    assert!(
        text.contains("coordinate") && text.contains("P01_T1"),
        "{text}"
    );
    let pos = 152_098_791;
    let region: Region = format!("chr6:{pos}-{pos}").parse().expect("region");
    let mut by_name: BTreeMap<String, u8> = BTreeMap::new();
    let mut seen = 0;
    for result in reader.query(&header, &region).expect("query").records() {
        let record = RecordBuf::try_from_alignment_record(&header, &result.expect("record"))
            .expect("convert");
        seen += 1;
        let mapq = record.mapping_quality().map_or(255, |m| m.get());
        if record.flags().is_duplicate() || mapq < 20 {
            continue;
        }
        if let Some(b) = base_at(&record, pos) {
            let name = record.name().map(|n| n.to_string()).unwrap_or_default();
            by_name.entry(name).or_insert(b);
        }
    }
    let n = by_name.len() as f64;
    let alt = by_name.values().filter(|&&b| b == b'G').count() as f64;
    let f = alt / n;
    let sd = (0.25 * 0.75 / n).sqrt();
    assert!(
        n >= 40.0,
        "only {n} fragments (of {seen} records) over D538"
    );
    assert!(
        (f - 0.25).abs() < 4.0 * sd + 0.03,
        "D538G fraction {f} over {n}"
    );

    // Duplicates and low-MAPQ reads exist, mates are paired, records are sorted.
    let mut reader = bam::io::reader::Builder
        .build_from_path(&bam_path)
        .expect("reader");
    let header = reader.read_header().expect("header");
    let (mut dups, mut low, mut total, mut clipped, mut indel) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut last = 0;
    let mut mates: BTreeMap<String, u32> = BTreeMap::new();
    for result in reader.record_bufs(&header) {
        let r = result.expect("record");
        total += 1;
        let start = r.alignment_start().expect("start").get();
        assert!(start >= last, "unsorted");
        last = start;
        assert!(r.flags().is_properly_segmented() && r.template_length() != 0);
        assert_eq!(r.sequence().len(), r.quality_scores().len());
        dups += u64::from(r.flags().is_duplicate());
        low += u64::from(r.mapping_quality().is_some_and(|m| m.get() <= 10));
        let kinds: Vec<Kind> = r.cigar().as_ref().iter().map(|op| op.kind()).collect();
        clipped += u64::from(kinds.contains(&Kind::SoftClip));
        indel += u64::from(kinds.contains(&Kind::Insertion) || kinds.contains(&Kind::Deletion));
        *mates
            .entry(r.name().map(|n| n.to_string()).unwrap_or_default())
            .or_default() += 1;
    }
    assert!(dups > 0 && low > 0 && clipped > 0, "{dups} {low} {clipped}");
    assert!(mates.values().all(|&c| c == 2));
    let stats = cohort
        .bam_stats
        .iter()
        .find(|(s, _)| s == "P01_T1")
        .map(|(_, s)| *s)
        .expect("stats");
    assert_eq!(stats.records, total);
    assert!(indel <= total / 50, "{indel} indel reads of {total}");
}

/// Alt and total counts of an artefact over eligible reads (not duplicates, MAPQ ≥ 20,
/// base quality ≥ 30), and the alt and total counts over forward reads.
#[derive(Debug, Default, Clone, Copy)]
struct ArtefactCounts {
    alt: u64,
    total: u64,
    forward_alt: u64,
    forward_total: u64,
}

fn count_artefacts(bam_path: &Path, sites: &[ArtefactSite], counts: &mut [ArtefactCounts]) {
    let mut reader = bam::io::reader::Builder
        .build_from_path(bam_path)
        .expect("reader");
    let header = reader.read_header().expect("header");
    for result in reader.record_bufs(&header) {
        let r = result.expect("record");
        let mapq = r.mapping_quality().map_or(255, |m| m.get());
        if r.flags().is_duplicate() || mapq < 20 {
            continue;
        }
        let reverse = r.flags().is_reverse_complemented();
        let n = r.sequence().len();
        for (site, c) in sites.iter().zip(counts.iter_mut()) {
            let Some(j) = query_at(&r, site.pos) else {
                continue;
            };
            if r.quality_scores().as_ref().get(j).copied().unwrap_or(0) < 30 {
                continue;
            }
            let alt = r.sequence().as_ref().get(j) == Some(&site.alt_base);
            if !reverse {
                c.forward_total += 1;
                c.forward_alt += u64::from(alt);
            }
            let near_end = j.min(n - 1 - j) < reads::READ_END_BASES;
            let strand_ok = site.strand == artefacts::ArtefactStrand::Both || reverse;
            if strand_ok && (!site.read_end || near_end) {
                c.total += 1;
                c.alt += u64::from(alt);
            }
        }
    }
}

#[test]
fn simulate_artefacts_recur_at_their_rates_on_their_strands() {
    let model = Esr1Model::builtin();
    let dir = tempfile::tempdir().expect("tempdir");
    let cohort = simulate(&accuracy_options(dir.path(), 12, 3000, true)).expect("simulate");
    let sites = &cohort.artefacts;
    assert!((6..=10).contains(&sites.len()), "{sites:?}");
    assert!(sites
        .iter()
        .any(|s| s.strand == artefacts::ArtefactStrand::Reverse));
    assert!(sites.iter().any(|s| s.read_end));
    let window = reference_window(&model, 1).expect("window");
    let germline = germline_sites(&model, &window).expect("germline");
    for s in sites {
        let rate = s.mean_rate();
        assert!((0.001..=0.008).contains(&rate), "{s:?}");
        assert!((200..=1000).contains(&s.concentration), "{s:?}");
        assert_ne!(s.ref_base, s.alt_base);
        assert_eq!(window.base(s.pos), s.ref_base);
        assert!(cohort
            .targets
            .iter()
            .any(|(a, b)| (a..=b).contains(&&s.pos)));
        assert!(model.hotspots.iter().all(|h| h.grch38_pos != s.pos));
        assert!(germline.iter().all(|g| g.pos != s.pos));
    }
    let truth = std::fs::read_to_string(cohort.truth_artefacts.as_ref().expect("path"))
        .expect("truth_artefacts");
    let mut lines = truth.lines();
    assert_eq!(
        lines.next(),
        Some("chrom\tpos\tref\talt\tmean_rate\tstrand\tread_end\tconcentration")
    );
    assert_eq!(lines.count(), sites.len());
    let calls = std::fs::read_to_string(&cohort.truth_calls).expect("calls");
    for s in sites {
        assert!(
            !calls.contains(&format!("\tchr6\t{}\t", s.pos)),
            "{}",
            s.pos
        );
    }

    let mut counts = vec![ArtefactCounts::default(); sites.len()];
    let mut samples = 0;
    for p in &cohort.patients {
        for smp in &p.samples {
            count_artefacts(&dir.path().join(&smp.alignments), sites, &mut counts);
            samples += 1;
        }
    }
    assert_eq!(samples, 12 * 2 + 2);
    for (s, c) in sites.iter().zip(&counts) {
        let f = c.alt as f64 / c.total as f64;
        let rate = s.mean_rate();
        assert!(
            f > rate / 1.5 && f < rate * 1.5,
            "{s:?}: alt fraction {f} ({c:?}) vs mean rate {rate}"
        );
        if s.strand == artefacts::ArtefactStrand::Reverse {
            let fwd = c.forward_alt as f64 / c.forward_total as f64;
            // Forward reads show only the background (errors, deamination-like G>A / C>T).
            assert!(fwd < rate / 5.0, "{s:?}: forward fraction {fwd} ({c:?})");
        }
    }

    // Without artefacts the same cohort has no recurrent alt at those sites.
    let plain = tempfile::tempdir().expect("tempdir");
    let off = simulate(&accuracy_options(plain.path(), 6, 300, false)).expect("simulate");
    assert!(off.artefacts.is_empty() && off.truth_artefacts.is_none());
    assert!(!plain.path().join("truth_artefacts.tsv").exists());
}
