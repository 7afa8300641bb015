//! Provenance: what produced the numbers on the page — program and counting-model versions,
//! run id, reference, build, count rule, calling parameters and FDR levels.

use crate::plan::MODEL_VERSION;
use crate::report::format::fmt_f;
use crate::report::html::text::esc;
use crate::report::model::CohortReport;
use crate::report::summary::Summary;
use esr1_science::recall::{FDR, HOTSPOT_FDR};
use std::fmt::Write as _;

/// The provenance section.
pub fn provenance(h: &mut String, s: &Summary, r: &CohortReport) {
    let p = &r.params;
    let rows = [
        ("Program", s.tool.clone()),
        ("Counting model", MODEL_VERSION.to_owned()),
        ("Run id", s.run_id.clone()),
        (
            "Started (UTC)",
            r.times
                .started
                .clone()
                .unwrap_or_else(|| "not recorded".into()),
        ),
        (
            "Jobs done (UTC)",
            r.times
                .finished
                .clone()
                .unwrap_or_else(|| "not recorded".into()),
        ),
        ("Reference", s.reference.clone()),
        ("Build", format!("{} ({})", s.build, s.chrom)),
        ("Counted as acquired", format!("--count {}", s.count)),
        ("Region jobs", s.jobs.total.to_string()),
        (
            "Minimum mapping quality (--min-mapq)",
            p.min_mapq.to_string(),
        ),
        (
            "Minimum base quality (--min-base-quality)",
            p.min_base_quality.to_string(),
        ),
        (
            "Minimum alt fragments (--min-alt-reads)",
            p.min_alt_reads.to_string(),
        ),
        ("Minimum allele fraction (--min-vaf)", fmt_f(p.min_vaf)),
        (
            "Largest sequencing-error p-value (--max-error-p)",
            fmt_f(p.max_error_p),
        ),
        (
            "False discovery rate (known hotspots / other alleles)",
            format!("{} / {}", fmt_f(HOTSPOT_FDR), fmt_f(FDR)),
        ),
    ];
    h.push_str("<section id=\"provenance\">\n<h2>Provenance</h2>\n<table class=\"kv\">\n<tbody>\n");
    for (k, v) in rows {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(&v));
    }
    h.push_str("</tbody>\n</table>\n");
    if !r.inputs.is_empty() {
        // Content checksums exist only in runs planned with --verify-inputs.
        let checksums = r.inputs.iter().any(|f| f.checksum.is_some());
        h.push_str(
            "<table class=\"inputs\">\n<thead><tr><th>Input file</th><th>Bytes</th>\
             <th>Version (modification time or ETag)</th>",
        );
        if checksums {
            h.push_str("<th>Content checksum (--verify-inputs)</th>");
        }
        h.push_str("</tr></thead>\n<tbody>\n");
        for f in &r.inputs {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td>",
                esc(&f.uri),
                f.size,
                esc(&f.version)
            );
            if checksums {
                let c = f.checksum.as_deref().unwrap_or("—");
                let _ = write!(h, "<td class=\"checksum\">{}</td>", esc(c));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n</table>\n");
        if checksums {
            h.push_str(
                "<p class=\"note\">Content checksums: <code>sha256-ends-64k</code> is the SHA-256 \
                 of an alignment file's first and last 64 KiB (header, last records, end-of-file \
                 marker), <code>sha256</code> that of a whole index. Workers compared them with \
                 the files before counting.</p>\n",
            );
        }
    }
    h.push_str(
        "<p class=\"note\">Each job's id in jobs.json is a digest of the sample, region, \
         parameters, counting model and the size and version of every file it reads (above): \
         a changed input is a new job, never a reused result. The times are those stored with \
         the run in jobs.json, so rebuilding the reports gives the same page.</p>\n</section>\n",
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixtures::report;

    #[test]
    fn versions_run_and_parameters_are_listed() {
        let (plan, mut r) = report("P2");
        r.params.min_mapq = 30;
        let mut h = String::new();
        provenance(&mut h, &Summary::new(&plan, &r, &[]), &r);
        assert!(h.contains(&format!("<td>{MODEL_VERSION}</td>")));
        assert!(h.contains("<td>esr1-coordinator "));
        assert!(h.contains("<tr><th>Run id</th><td>run-1</td></tr>"));
        assert!(h.contains("<tr><th>Started (UTC)</th><td>not recorded</td></tr>"));
        assert!(h.contains("<tr><th>Reference</th><td>ref.fa</td></tr>"));
        assert!(h.contains("<tr><th>Minimum mapping quality (--min-mapq)</th><td>30</td></tr>"));
        assert!(h.contains("<td>5.000e-4</td>"));
        assert!(h.contains("<td>0.0500 / 0.0100</td>"));
        // Times as stored with the run.
        r.times.started = Some("2026-11-29T20:00:00Z".into());
        r.times.finished = Some("2026-11-29T20:07:30Z".into());
        // The inputs with their stamps.
        r.inputs = vec![esr1_proto::FileStamp {
            uri: "bams/S1a.bam".into(),
            size: 1234,
            version: "1700000000000000000".into(),
            checksum: None,
        }];
        let mut h = String::new();
        provenance(&mut h, &Summary::new(&plan, &r, &[]), &r);
        assert!(h.contains("<tr><th>Started (UTC)</th><td>2026-11-29T20:00:00Z</td></tr>"));
        assert!(h.contains("<tr><th>Jobs done (UTC)</th><td>2026-11-29T20:07:30Z</td></tr>"));
        assert!(h.contains(
            "<tr><td>bams/S1a.bam</td><td class=\"n\">1234</td><td>1700000000000000000</td></tr>"
        ));
        assert!(
            !h.contains("checksum"),
            "no checksum column without --verify-inputs"
        );
        // With --verify-inputs: the checksums in a column of their own, explained.
        r.inputs[0].checksum = Some("sha256-ends-64k:ab12".into());
        let mut h = String::new();
        provenance(&mut h, &Summary::new(&plan, &r, &[]), &r);
        assert!(h.contains("<th>Content checksum (--verify-inputs)</th>"));
        assert!(h.contains(
            "<td>1700000000000000000</td><td class=\"checksum\">sha256-ends-64k:ab12</td></tr>"
        ));
        assert!(h.contains("first and last 64 KiB"));
    }
}
