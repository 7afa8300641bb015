//! A TCP proxy in front of a real S3 server (Garage) that injects faults, one per new
//! connection in the order queued: an HTTP 500 or 503 answer, a response cut mid-body, or a
//! slow body; connections without a queued fault (and all when none is sticky) pass through.
//! Every connection carries one request (`Connection: close` is added), so the client's
//! connection pool cannot carry a request past its fault.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this HTTP status and close, without asking the server.
    Status(u16),
    /// Relay the server's response but cut the connection after this many bytes.
    ResetAfter(usize),
    /// Relay the response a few bytes at a time with a pause between.
    Slow(Duration),
}

/// The proxy: its port, the faults to come, and counts of what it saw.
pub struct FaultProxy {
    pub port: u16,
    queue: Arc<Mutex<VecDeque<Fault>>>,
    sticky: Arc<Mutex<Option<Fault>>>,
    /// Connections accepted.
    pub connections: Arc<AtomicUsize>,
    /// Faults injected.
    pub injected: Arc<AtomicUsize>,
}

impl FaultProxy {
    /// A proxy to `upstream_port` on 127.0.0.1.
    pub fn start(upstream_port: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
        let p = Self {
            port,
            queue: Arc::default(),
            sticky: Arc::default(),
            connections: Arc::default(),
            injected: Arc::default(),
        };
        let (queue, sticky) = (p.queue.clone(), p.sticky.clone());
        let (connections, injected) = (p.connections.clone(), p.injected.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                connections.fetch_add(1, Ordering::SeqCst);
                let fault = queue
                    .lock()
                    .ok()
                    .and_then(|mut q| q.pop_front())
                    .or_else(|| sticky.lock().ok().and_then(|s| *s));
                if fault.is_some() {
                    injected.fetch_add(1, Ordering::SeqCst);
                }
                std::thread::spawn(move || serve(client, upstream_port, fault));
            }
        });
        p
    }

    /// Faults for the next connections, in order.
    pub fn queue(&self, faults: &[Fault]) {
        if let Ok(mut q) = self.queue.lock() {
            q.extend(faults.iter().copied());
        }
    }

    /// A fault for every connection from now on (`None`: pass through).
    pub fn always(&self, fault: Option<Fault>) {
        if let Ok(mut s) = self.sticky.lock() {
            *s = fault;
        }
    }

    /// The AWS environment that reaches the server through the proxy.
    pub fn env(&self, server_env: &[(String, String)]) -> Vec<(String, String)> {
        server_env
            .iter()
            .map(|(k, v)| {
                if k == "AWS_ENDPOINT_URL" {
                    (k.clone(), format!("http://127.0.0.1:{}", self.port))
                } else {
                    (k.clone(), v.clone())
                }
            })
            .collect()
    }
}

/// Reads a request head (up to the blank line) from the client.
fn read_head(client: &mut TcpStream) -> Vec<u8> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match client.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    head
}

fn serve(mut client: TcpStream, upstream_port: u16, fault: Option<Fault>) {
    if let Some(Fault::Status(code)) = fault {
        let _ = read_head(&mut client);
        let reason = if code == 503 {
            "Service Unavailable"
        } else {
            "Internal Server Error"
        };
        let body = format!(
            "<?xml version=\"1.0\"?><Error><Code>{}</Code><Message>injected</Message></Error>",
            if code == 503 {
                "SlowDown"
            } else {
                "InternalError"
            }
        );
        let _ = write!(
            client,
            "HTTP/1.1 {code} {reason}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = client.shutdown(Shutdown::Both);
        return;
    }
    let Ok(upstream) = TcpStream::connect(("127.0.0.1", upstream_port)) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let (Ok(mut up_read), Ok(mut client_write)) = (upstream.try_clone(), client.try_clone()) else {
        return;
    };
    let mut up_write = upstream;
    // One request per connection (the server closes after answering), so every request of
    // the client opens a connection of its own and meets the fault queued for it.
    let head = read_head(&mut client);
    let head = match head.strip_suffix(b"\r\n\r\n") {
        Some(h) => [h, b"\r\nConnection: close\r\n\r\n"].concat(),
        None => head,
    };
    if up_write.write_all(&head).is_err() {
        return;
    }
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut client, &mut up_write);
        let _ = up_write.shutdown(Shutdown::Write);
    });
    let mut buf = [0u8; 16 * 1024];
    let mut sent = 0usize;
    loop {
        let n = match up_read.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let n = match fault {
            Some(Fault::ResetAfter(limit)) => n.min(limit.saturating_sub(sent)),
            _ => n,
        };
        if let Some(Fault::Slow(pause)) = fault {
            for piece in buf[..n].chunks(512) {
                if client_write.write_all(piece).is_err() {
                    return;
                }
                std::thread::sleep(pause);
            }
        } else if client_write.write_all(&buf[..n]).is_err() {
            break;
        }
        sent += n;
        if matches!(fault, Some(Fault::ResetAfter(limit)) if sent >= limit) {
            break;
        }
    }
    let _ = client_write.shutdown(Shutdown::Both);
    let _ = up_read.shutdown(Shutdown::Both);
}
