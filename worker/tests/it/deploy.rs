//! The Prometheus rules and Grafana dashboards in `deploy/` use only metrics the worker
//! really exports.

use esr1_worker::metrics::WorkerMetrics;
use std::collections::BTreeSet;
use std::path::Path;

/// `esr1_…` identifiers in a text.
fn metric_names(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(pos) = text[i..].find("esr1_") {
        let start = i + pos;
        let preceded =
            start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b':');
        let mut end = start;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
            end += 1;
        }
        if !preceded {
            out.insert(text[start..end].to_owned());
        }
        i = end;
    }
    out
}

#[test]
fn rules_and_dashboards_use_exported_metrics() {
    let metrics = WorkerMetrics::new().unwrap_or_else(|e| panic!("{e}"));
    metrics.job("done");
    metrics.job_seconds.observe(1.0);
    let exported: BTreeSet<String> = metrics
        .render()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split(['{', ' ']).next())
        .map(str::to_owned)
        .collect();
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy");
    let mut checked = 0;
    for file in ["prometheus/rules.yml", "grafana/esr1-worker.json"] {
        let text =
            std::fs::read_to_string(deploy.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        for name in metric_names(&text) {
            assert!(
                exported.contains(&name),
                "{file} uses {name}, which the worker does not export ({exported:?})"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 6,
        "the files reference the worker's metrics ({checked})"
    );
}
