//! The top of the page: the run's headline numbers (from [`Summary`]) and the warnings and
//! failed samples.

use crate::report::format::json_number;
use crate::report::html::text::esc;
use crate::report::summary::{DaySpread, Summary};
use esr1_science::consequence::CountRule;
use std::fmt::Write as _;

/// A missing number, as the page shows it.
const NONE: &str = "–";

fn or_dash<T: ToString>(x: Option<T>) -> String {
    x.map_or_else(|| NONE.to_owned(), |x| x.to_string())
}

/// `median … (range …–…) over … patients`.
fn spread(d: &DaySpread) -> String {
    format!(
        "median {} (range {}–{}) over {} patients",
        d.median.map_or_else(|| NONE.to_owned(), json_number),
        or_dash(d.min),
        or_dash(d.max),
        d.patients
    )
}

/// What the headline counts, in one line.
fn count_line(rule: CountRule) -> String {
    let what = match rule {
        CountRule::Hotspots => "known hotspots only",
        CountRule::Lbd => "protein-altering changes in the ligand-binding domain (residues 311–547)",
        CountRule::ProteinAltering => {
            "protein-altering changes (missense, in-frame indel, frameshift, stop, start, splice site)"
        }
        CountRule::All => "every acquired change, synonymous and non-coding included",
    };
    format!("{what} (--count {rule})")
}

/// The header table of the run.
pub fn header(h: &mut String, s: &Summary) {
    let _ = writeln!(
        h,
        "<header>\n<h1>ESR1 mutations acquired under endocrine therapy – run {}</h1>",
        esc(&s.run_id)
    );
    let (samples, jobs, p) = (&s.samples, &s.jobs, &s.patients);
    let days = &s.days_to_first_detection;
    let rows = [
        ("Build", format!("{} ({})", s.build, s.chrom)),
        ("Reference", s.reference.clone()),
        ("Counted as acquired", count_line(s.count)),
        (
            "Samples",
            format!(
                "{} total, {} ok, {} failed, {} low coverage",
                samples.total, samples.ok, samples.failed, samples.low_coverage
            ),
        ),
        (
            "Jobs",
            format!(
                "{} total, {} done, {} failed",
                jobs.total, jobs.done, jobs.failed
            ),
        ),
        (
            "Patients",
            format!(
                "{} total, {} evaluable, {} with an acquired mutation ({} with two or more)",
                p.total, p.evaluable, p.acquired, p.polyclonal_acquired
            ),
        ),
        (
            "Days from therapy start to first acquired detection",
            spread(&days.from_therapy_start),
        ),
        (
            "Days from baseline to first acquired detection",
            spread(&days.from_baseline),
        ),
        ("Tool", s.tool.clone()),
    ];
    h.push_str("<table class=\"kv\">\n");
    for (k, v) in rows {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(&v));
    }
    h.push_str("</table>\n</header>\n");
}

/// The warnings and failed samples, or a note that there are none.
pub fn problems(h: &mut String, s: &Summary) {
    let (warnings, failed) = (&s.warnings, &s.failed_samples);
    if warnings.is_empty() && failed.is_empty() {
        h.push_str("<p class=\"note\">No warnings; every sample passed.</p>\n");
        return;
    }
    h.push_str("<section class=\"alert\" id=\"warnings\">\n<h2>Warnings and failed samples</h2>\n");
    if !warnings.is_empty() {
        h.push_str("<ul>\n");
        for w in warnings {
            let _ = writeln!(h, "<li>{}</li>", esc(w));
        }
        h.push_str("</ul>\n");
    }
    if !failed.is_empty() {
        h.push_str(
            "<table>\n<thead><tr><th>Failed sample</th><th>Patient</th><th>Reason</th></tr></thead>\n<tbody>\n",
        );
        for f in failed {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&f.sample),
                esc(&f.patient),
                esc(&f.reason)
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");
}
