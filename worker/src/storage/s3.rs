//! S3 storage through `aws-sdk-s3`, for AWS and S3-compatible servers (MinIO, Garage, Ceph).
//!
//! Settings come from the standard AWS environment and config files (region, credentials,
//! profile, web identity on Kubernetes) through `aws-config`, plus an endpoint URL with
//! path-style addressing for S3-compatible servers. The SDK's own retries are off: the
//! [`super::retry::RetryingStorage`] decorator retries, so every attempt is visible and counted.
//! Calls are synchronous for the counting core; they run on the storage's own runtime, so
//! they work from plain threads and from inside other async runtimes alike.

use super::api::{ObjectMeta, Storage, StorageError, StorageErrorKind};
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use std::collections::HashMap;
use std::future::Future;
use std::ops::Range;
use std::time::{Duration, SystemTime};

/// How to reach S3.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct S3Config {
    /// Endpoint of an S3-compatible server (`AWS_ENDPOINT_URL`); `None` for AWS itself.
    pub endpoint: Option<String>,
    /// Region (`AWS_REGION` / `AWS_DEFAULT_REGION`); the config files' when `None`.
    pub region: Option<String>,
    /// Path-style addressing (`bucket` in the path, not the host name); on by default
    /// with an endpoint, as S3-compatible servers need it.
    pub force_path_style: bool,
    /// Static credentials from the environment map (`AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`); when absent, the standard chain
    /// (profiles, web identity, instance roles) is used. Never printed.
    credentials: Option<(String, String, Option<String>)>,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("force_path_style", &self.force_path_style)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "<from environment>"),
            )
            .finish()
    }
}

impl S3Config {
    /// Settings from an environment map (pass `std::env::vars().collect()` in binaries).
    pub fn from_env(env: &HashMap<String, String>) -> Self {
        let endpoint = env
            .get("AWS_ENDPOINT_URL_S3")
            .or_else(|| env.get("AWS_ENDPOINT_URL"))
            .filter(|s| !s.is_empty())
            .cloned();
        let region = env
            .get("AWS_REGION")
            .or_else(|| env.get("AWS_DEFAULT_REGION"))
            .filter(|s| !s.is_empty())
            .cloned();
        let force_path_style = match env.get("ESR1_S3_PATH_STYLE").map(String::as_str) {
            Some("0" | "false") => false,
            Some(_) => true,
            None => endpoint.is_some(),
        };
        let credentials = match (
            env.get("AWS_ACCESS_KEY_ID"),
            env.get("AWS_SECRET_ACCESS_KEY"),
        ) {
            (Some(k), Some(s)) if !k.is_empty() && !s.is_empty() => {
                Some((k.clone(), s.clone(), env.get("AWS_SESSION_TOKEN").cloned()))
            }
            _ => None,
        };
        Self {
            endpoint,
            region,
            force_path_style,
            credentials,
        }
    }
}

/// S3 objects addressed as `s3://bucket/key`.
pub struct S3Storage {
    client: aws_sdk_s3::Client,
    runtime: tokio::runtime::Runtime,
}

fn split(uri: &str) -> Result<(String, String), StorageError> {
    let rest = uri
        .strip_prefix("s3://")
        .ok_or_else(|| StorageError::new(StorageErrorKind::Other, uri, "not an s3:// URI"))?;
    match rest.split_once('/') {
        Some((b, k)) if !b.is_empty() => Ok((b.to_owned(), k.to_owned())),
        _ => Ok((rest.trim_end_matches('/').to_owned(), String::new())),
    }
}

fn classify<E, R>(uri: &str, e: &SdkError<E, R>) -> StorageError
where
    E: ProvideErrorMetadata + std::fmt::Debug,
    R: HttpStatus + std::fmt::Debug,
{
    let (kind, message) = match e {
        SdkError::TimeoutError(_) => (StorageErrorKind::Transient, "timed out".to_owned()),
        SdkError::DispatchFailure(d) => (
            StorageErrorKind::Transient,
            format!("cannot reach the server: {d:?}"),
        ),
        SdkError::ConstructionFailure(_) => (StorageErrorKind::Other, "invalid request".to_owned()),
        SdkError::ResponseError(r) => (
            StorageErrorKind::Transient,
            format!("unreadable response: {:?}", r.raw().status_code()),
        ),
        SdkError::ServiceError(s) => {
            let status = s.raw().status_code();
            let code = s.err().code().unwrap_or("");
            let kind = match status {
                404 => StorageErrorKind::NotFound,
                412 => StorageErrorKind::Changed,
                401 | 403 => StorageErrorKind::AccessDenied,
                429 | 500..=599 => StorageErrorKind::Transient,
                _ if code == "NoSuchKey" || code == "NoSuchBucket" => StorageErrorKind::NotFound,
                _ if code == "AccessDenied" => StorageErrorKind::AccessDenied,
                _ => StorageErrorKind::Other,
            };
            let msg = s.err().message().unwrap_or("");
            (
                kind,
                format!("HTTP {status} {code} {msg}").trim().to_owned(),
            )
        }
        other => (StorageErrorKind::Transient, format!("{other:?}")),
    };
    StorageError::new(kind, uri, message)
}

/// The HTTP status of a raw response (the SDK's response type).
pub trait HttpStatus {
    /// Status code.
    fn status_code(&self) -> u16;
}

impl HttpStatus for aws_sdk_s3::config::http::HttpResponse {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }
}

impl S3Storage {
    /// A client from the standard AWS configuration chain and `config`.
    pub fn connect(config: &S3Config) -> Result<Self, StorageError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("esr1-s3")
            .enable_all()
            .build()
            .map_err(|e| {
                StorageError::new(
                    StorageErrorKind::Other,
                    "s3://",
                    format!("cannot start the S3 runtime: {e}"),
                )
            })?;
        let config = config.clone();
        let client = runtime.block_on(async move {
            let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
                .retry_config(aws_config::retry::RetryConfig::disabled())
                .timeout_config(
                    aws_config::timeout::TimeoutConfig::builder()
                        .connect_timeout(Duration::from_secs(5))
                        .operation_attempt_timeout(Duration::from_secs(120))
                        .build(),
                );
            if let Some(r) = &config.region {
                loader = loader.region(aws_config::Region::new(r.clone()));
            }
            if let Some(e) = &config.endpoint {
                loader = loader.endpoint_url(e.clone());
            }
            if let Some((key, secret, token)) = &config.credentials {
                loader = loader.credentials_provider(aws_sdk_s3::config::Credentials::new(
                    key.clone(),
                    secret.clone(),
                    token.clone(),
                    None,
                    "esr1-environment",
                ));
            }
            let shared = loader.load().await;
            let s3 = aws_sdk_s3::config::Builder::from(&shared)
                .force_path_style(config.force_path_style)
                .build();
            aws_sdk_s3::Client::from_conf(s3)
        });
        Ok(Self { client, runtime })
    }

    /// GETs an object, or the bounded byte range given as a `Range` header value; with an
    /// ETag, only that version of it (`If-Match`: another version answers 412, a
    /// [`StorageErrorKind::Changed`] error).
    fn get_object(
        &self,
        uri: &str,
        range: Option<String>,
        etag: Option<&str>,
    ) -> Result<Vec<u8>, StorageError> {
        let (bucket, key) = split(uri)?;
        let client = self.client.clone();
        let u = uri.to_owned();
        let etag = etag.map(str::to_owned);
        self.run(async move {
            let out = client
                .get_object()
                .bucket(bucket)
                .key(key)
                .set_range(range)
                .set_if_match(etag.as_ref().map(|e| format!("\"{e}\"")))
                .send()
                .await
                .map_err(|e| {
                    let mut e = classify(&u, &e);
                    if e.kind == StorageErrorKind::Changed {
                        let pinned = etag.as_deref().unwrap_or("");
                        e.message = format!("ETag {pinned} no longer matches: {}", e.message);
                    }
                    e
                })?;
            let data = out.body.collect().await.map_err(|e| {
                StorageError::new(
                    StorageErrorKind::Transient,
                    &u,
                    format!("reading the body: {e}"),
                )
            })?;
            Ok(data.into_bytes().to_vec())
        })
    }

    /// Runs a request on the storage's runtime and waits for it from any thread.
    fn run<T: Send + 'static>(&self, fut: impl Future<Output = T> + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.runtime.spawn(async move {
            let _ = tx.send(fut.await);
        });
        match rx.recv() {
            Ok(v) => v,
            // The task cannot be dropped before sending unless the runtime shut down.
            Err(_) => unreachable_runtime(),
        }
    }
}

#[cold]
fn unreachable_runtime() -> ! {
    // The runtime lives as long as `self`; a request in flight keeps it alive.
    std::process::abort()
}

impl Storage for S3Storage {
    fn get_range_if(
        &self,
        uri: &str,
        range: Range<u64>,
        version: Option<&str>,
    ) -> Result<Vec<u8>, StorageError> {
        if range.end <= range.start {
            return Ok(Vec::new());
        }
        self.get_object(
            uri,
            Some(format!("bytes={}-{}", range.start, range.end - 1)),
            version,
        )
    }

    fn get(&self, uri: &str) -> Result<Vec<u8>, StorageError> {
        self.get_object(uri, None, None)
    }

    fn put(&self, uri: &str, bytes: &[u8]) -> Result<(), StorageError> {
        let (bucket, key) = split(uri)?;
        let client = self.client.clone();
        let u = uri.to_owned();
        let body = bytes.to_vec();
        self.run(async move {
            client
                .put_object()
                .bucket(bucket)
                .key(key)
                .body(ByteStream::from(body))
                .send()
                .await
                .map_err(|e| classify(&u, &e))?;
            Ok(())
        })
    }

    fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        let (bucket, key) = split(prefix)?;
        let key = if key.is_empty() || key.ends_with('/') {
            key
        } else {
            format!("{key}/")
        };
        let client = self.client.clone();
        let u = prefix.to_owned();
        self.run(async move {
            let mut out = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let resp = client
                    .list_objects_v2()
                    .bucket(&bucket)
                    .prefix(&key)
                    .set_continuation_token(token.clone())
                    .send()
                    .await
                    .map_err(|e| classify(&u, &e))?;
                for o in resp.contents() {
                    if let Some(k) = o.key() {
                        out.push(format!("s3://{bucket}/{k}"));
                    }
                }
                match resp.next_continuation_token() {
                    Some(t) if resp.is_truncated() == Some(true) => token = Some(t.to_owned()),
                    _ => break,
                }
            }
            out.sort();
            Ok(out)
        })
    }

    fn head(&self, uri: &str) -> Result<ObjectMeta, StorageError> {
        let (bucket, key) = split(uri)?;
        let client = self.client.clone();
        let u = uri.to_owned();
        self.run(async move {
            let out = client
                .head_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .map_err(|e| classify(&u, &e))?;
            let modified = out
                .last_modified()
                .and_then(|t| SystemTime::try_from(*t).ok());
            Ok(ObjectMeta {
                size: out.content_length().unwrap_or(0).max(0) as u64,
                modified,
                etag: out.e_tag().map(str::to_owned),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_come_from_an_explicit_environment_map() {
        let env: HashMap<String, String> = [
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:3900"),
            ("AWS_REGION", "garage"),
            ("AWS_SECRET_ACCESS_KEY", "never-logged"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let c = S3Config::from_env(&env);
        assert_eq!(c.endpoint.as_deref(), Some("http://127.0.0.1:3900"));
        assert_eq!(c.region.as_deref(), Some("garage"));
        assert!(c.force_path_style);
        assert!(!format!("{c:?}").contains("never-logged"));
        assert!(!S3Config::from_env(&HashMap::new()).force_path_style);
        assert_eq!(
            split("s3://b/a/c.bam").ok(),
            Some(("b".into(), "a/c.bam".into()))
        );
    }
}
