//! Injected S3 faults on a real server (Garage behind [`FaultProxy`]): 500 and 503 answers and
//! responses cut mid-body are retried within the connect budget and then fail with the
//! reason, a slow body still arrives whole — through the production storage stack.

use crate::fault_proxy::{Fault, FaultProxy};
use crate::garage::{Garage, BUCKET};
use esr1_worker::storage::{storage_within, SharedStorage, StorageErrorKind};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Every request is retried for at most this long (`--connect-timeout`).
const BUDGET: Duration = Duration::from_secs(3);

fn through(proxy: &FaultProxy, g: &Garage) -> SharedStorage {
    let env: HashMap<String, String> = proxy.env(&g.env()).into_iter().collect();
    storage_within(&env, Vec::new(), BUDGET, None)
}

#[test]
fn s3_faults_are_retried_within_a_bound_then_fail_with_the_reason() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let g = Garage::start(&dir.path().join("garage"));
    let uri = format!("s3://{BUCKET}/faults/object");
    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    g.storage()
        .put(&uri, &content)
        .unwrap_or_else(|e| panic!("{e}"));
    let proxy = FaultProxy::start(g.s3_port);
    let storage = through(&proxy, &g);

    // A 503, then a 500: retried, the bytes arrive.
    proxy.queue(&[Fault::Status(503), Fault::Status(500)]);
    assert_eq!(
        storage.get_range(&uri, 1_000..1_010).ok().as_deref(),
        Some(&content[1_000..1_010])
    );
    assert_eq!(proxy.injected.load(Ordering::SeqCst), 2);

    // A connection reset mid-body: retried, the whole object arrives intact.
    proxy.queue(&[Fault::ResetAfter(50_000)]);
    assert_eq!(storage.get(&uri).ok().as_deref(), Some(&content[..]));
    assert_eq!(proxy.injected.load(Ordering::SeqCst), 3);

    // A slow body: arrives whole.
    proxy.queue(&[Fault::Slow(Duration::from_millis(1))]);
    assert_eq!(
        storage.get_range(&uri, 0..20_000).ok().as_deref(),
        Some(&content[..20_000])
    );

    // The server answers 503 for good: retried within the budget, then the reason with the
    // number of attempts the proxy saw.
    for fault in [Fault::Status(503), Fault::ResetAfter(2_000)] {
        proxy.always(Some(fault));
        let before = proxy.injected.load(Ordering::SeqCst);
        let started = std::time::Instant::now();
        let e = storage.get(&uri).unwrap_err();
        let elapsed = started.elapsed();
        let attempts = proxy.injected.load(Ordering::SeqCst) - before;
        assert_eq!(e.kind, StorageErrorKind::Transient, "{fault:?}: {e}");
        assert!(
            e.message
                .contains(&format!("gave up after {attempts} attempts"))
                && e.to_string().contains(&uri),
            "{fault:?}: {e}"
        );
        assert!(attempts >= 2, "{fault:?}: retried ({attempts})");
        assert!(elapsed < BUDGET * 3, "{fault:?}: bounded ({elapsed:?})");
    }
    proxy.always(None);
}
