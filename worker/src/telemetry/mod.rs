//! Telemetry shared by the worker and the coordinator: [`logging`] (the `tracing` subscriber),
//! [`http`] (the `/metrics`, `/healthz`, `/readyz` endpoint), and the metrics every process
//! exports whatever its role: `<namespace>_build_info{version,model_version}` and the
//! standard `process_*` metrics (CPU, memory, file descriptors; Linux).

pub mod http;
pub mod logging;

use prometheus::{IntGaugeVec, Opts, Registry};

/// The program's version (the workspace's).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Registers `<namespace>_build_info{version,model_version} 1` in `registry` (which must not
/// add a prefix of its own).
pub fn register_build_info(registry: &Registry, namespace: &str) -> prometheus::Result<()> {
    let info = IntGaugeVec::new(
        Opts::new(
            format!("{namespace}_build_info"),
            "Always 1; the labels name the program and counting-model versions",
        ),
        &["version", "model_version"],
    )?;
    registry.register(Box::new(info.clone()))?;
    info.with_label_values(&[VERSION, crate::MODEL_VERSION])
        .set(1);
    Ok(())
}

/// Registers the standard `process_*` metrics of this process in `registry` (Linux; nothing
/// elsewhere).
pub fn register_process_metrics(registry: &Registry) -> prometheus::Result<()> {
    #[cfg(target_os = "linux")]
    registry.register(Box::new(
        prometheus::process_collector::ProcessCollector::for_self(),
    ))?;
    #[cfg(not(target_os = "linux"))]
    let _ = registry;
    Ok(())
}

/// The Prometheus text exposition of a registry.
pub fn render(registry: &Registry) -> String {
    use prometheus::Encoder;
    let mut buf = Vec::new();
    let _ = prometheus::TextEncoder::new().encode(&registry.gather(), &mut buf);
    String::from_utf8(buf).unwrap_or_default()
}
