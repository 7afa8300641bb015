//! The HTTP endpoint of both binaries: `/metrics` (Prometheus text exposition), `/healthz`
//! (alive) and `/readyz` (ready for work), on hyper's HTTP/1.1 server.
//!
//! Only `GET` and `HEAD` (no body) are answered, anything else is `405`; the query string is
//! ignored (`/metrics?x=1` is `/metrics`). A client gets [`HEADER_READ_TIMEOUT`] to send a
//! request head — also between requests on a kept-alive connection, so idle connections are
//! closed — and a connection lives at most [`CONNECTION_LIFETIME`]; at most
//! [`MAX_CONNECTIONS`] are served at once, further ones are closed at once.

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, ALLOW, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// Time a client has to send a request head (and the idle time allowed between requests).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest a connection is kept, whatever it does.
pub const CONNECTION_LIFETIME: Duration = Duration::from_secs(120);
/// Connections served at once.
pub const MAX_CONNECTIONS: usize = 64;

const TEXT: &str = "text/plain; charset=utf-8";
const EXPOSITION: &str = "text/plain; version=0.0.4; charset=utf-8";

/// What the endpoint shows: a process's metrics and whether it is ready.
pub trait Telemetry: Send + Sync + 'static {
    /// The Prometheus text exposition of every metric.
    fn render(&self) -> String;
    /// `Ok` when ready for work, else why not (the body of a `503` from `/readyz`).
    fn ready(&self) -> Result<(), String>;
}

/// The response to one request.
pub fn respond(method: &Method, path: &str, telemetry: &dyn Telemetry) -> Response<Full<Bytes>> {
    let (status, content_type, body) = match path {
        "/metrics" => (StatusCode::OK, EXPOSITION, telemetry.render()),
        "/healthz" => (StatusCode::OK, TEXT, "ok\n".to_owned()),
        "/readyz" => match telemetry.ready() {
            Ok(()) => (StatusCode::OK, TEXT, "ready\n".to_owned()),
            Err(why) => (StatusCode::SERVICE_UNAVAILABLE, TEXT, format!("{why}\n")),
        },
        _ => (StatusCode::NOT_FOUND, TEXT, "not found\n".to_owned()),
    };
    let (status, body) =
        if status != StatusCode::NOT_FOUND && method != Method::GET && method != Method::HEAD {
            (
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed: GET or HEAD\n".to_owned(),
            )
        } else {
            (status, body)
        };
    // hyper sends the head of a HEAD response (with the length of the body a GET would get)
    // and never its body.
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if status == StatusCode::METHOD_NOT_ALLOWED {
        headers.insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
    }
    response
}

/// Binds `addr` and serves `telemetry` there on the current tokio runtime until the runtime
/// ends; returns the bound address (port 0 picks a free one).
pub async fn serve(addr: SocketAddr, telemetry: Arc<dyn Telemetry>) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    tokio::spawn(async move {
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(error = %e, "metrics endpoint: cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            };
            let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
                continue;
            };
            let telemetry = Arc::clone(&telemetry);
            tokio::spawn(async move {
                let _slot = slot;
                let service = service_fn(move |request: Request<Incoming>| {
                    let response =
                        respond(request.method(), request.uri().path(), telemetry.as_ref());
                    async move { Ok::<_, Infallible>(response) }
                });
                let connection = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEADER_READ_TIMEOUT)
                    .serve_connection(TokioIo::new(stream), service);
                let _ = tokio::time::timeout(CONNECTION_LIFETIME, connection).await;
            });
        }
    });
    Ok(local)
}

/// The endpoint on a runtime of its own (one thread), for a process without one (the
/// coordinator's synchronous verbs). Serving stops when this is dropped.
pub struct Endpoint {
    /// The bound address.
    pub addr: SocketAddr,
    _runtime: tokio::runtime::Runtime,
}

/// Serves `telemetry` on `addr` from a thread of its own; see [`Endpoint`].
pub fn serve_in_background(
    addr: SocketAddr,
    telemetry: Arc<dyn Telemetry>,
) -> std::io::Result<Endpoint> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("esr1-metrics")
        .enable_all()
        .build()?;
    let addr = runtime.block_on(serve(addr, telemetry))?;
    Ok(Endpoint {
        addr,
        _runtime: runtime,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    struct Fixed(bool);

    impl Telemetry for Fixed {
        fn render(&self) -> String {
            "esr1_test_total 1\n".to_owned()
        }
        fn ready(&self) -> Result<(), String> {
            if self.0 {
                Ok(())
            } else {
                Err("not connected to the broker".to_owned())
            }
        }
    }

    /// Sends raw request bytes, returns everything the server wrote before closing.
    fn exchange(addr: SocketAddr, request: &str) -> String {
        let mut s = std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("{e}"));
        s.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap_or_else(|e| panic!("{e}"));
        s.write_all(request.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    fn get(addr: SocketAddr, method: &str, target: &str) -> String {
        exchange(
            addr,
            &format!("{method} {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        )
    }

    #[test]
    fn only_get_and_head_query_strings_ignored_head_without_body() {
        let endpoint = serve_in_background(
            "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
            Arc::new(Fixed(false)),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let addr = endpoint.addr;
        let r = get(addr, "GET", "/metrics?x=1");
        assert!(r.starts_with("HTTP/1.1 200"), "{r}");
        assert!(
            r.contains("version=0.0.4") && r.ends_with("esr1_test_total 1\n"),
            "{r}"
        );
        let r = get(addr, "HEAD", "/metrics");
        assert!(r.starts_with("HTTP/1.1 200"), "{r}");
        assert!(r.contains("content-length: 18"), "{r}");
        assert!(
            r.ends_with("\r\n\r\n"),
            "a HEAD response has no body: {r:?}"
        );
        for method in ["POST", "PUT", "DELETE"] {
            let r = get(addr, method, "/metrics");
            assert!(r.starts_with("HTTP/1.1 405"), "{method}: {r}");
            assert!(r.contains("allow: GET, HEAD"), "{method}: {r}");
        }
        assert!(get(addr, "GET", "/healthz").starts_with("HTTP/1.1 200"));
        let r = get(addr, "GET", "/readyz");
        assert!(
            r.starts_with("HTTP/1.1 503") && r.contains("not connected"),
            "{r}"
        );
        assert!(get(addr, "GET", "/nothing").starts_with("HTTP/1.1 404"));
        // HTTP/1.0 as the compose healthcheck sends it.
        let r = exchange(addr, "GET /healthz HTTP/1.0\r\n\r\n");
        assert!(r.starts_with("HTTP/1.0 200 OK"), "{r}");
    }

    #[test]
    fn a_silent_client_is_disconnected_after_the_header_timeout() {
        let endpoint = serve_in_background(
            "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
            Arc::new(Fixed(true)),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let started = std::time::Instant::now();
        // Half a request head, then nothing: the server must hang up by itself.
        let r = exchange(endpoint.addr, "GET /metrics HTTP/1.1\r\n");
        let waited = started.elapsed();
        assert!(
            waited >= HEADER_READ_TIMEOUT && waited < HEADER_READ_TIMEOUT * 2,
            "closed after {waited:?}: {r:?}"
        );
        assert!(!r.contains("esr1_test_total"), "{r}");
    }
}
