//! A small keyed cache of shared values, safe to use from many threads: look up, release the
//! lock, load on a miss, insert. The lock is never held while a value loads (a storage read),
//! so one slow load does not stall the other jobs of a worker.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// Values by key, at most `capacity` of them (cleared when full: the working set of a worker
/// is a few samples and one reference, so nothing smarter is needed).
#[derive(Debug)]
pub struct KeyedCache<K, V> {
    entries: Mutex<HashMap<K, Arc<V>>>,
    capacity: usize,
}

impl<K: Eq + Hash, V> KeyedCache<K, V> {
    /// An empty cache holding at most `capacity` values.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    /// The value of `key`, loaded with `load` on a miss. Two threads missing the same key at
    /// once both load it; the value inserted last stays.
    pub fn get_or_load<E>(&self, key: K, load: impl FnOnce() -> Result<V, E>) -> Result<Arc<V>, E> {
        if let Some(v) = self.entries.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(v);
        }
        let value = Arc::new(load()?);
        if let Ok(mut c) = self.entries.lock() {
            if c.len() >= self.capacity {
                c.clear();
            }
            c.insert(key, Arc::clone(&value));
        }
        Ok(value)
    }
}

impl<K: Eq + Hash, V> KeyedCache<K, V> {
    /// Forgets the value of `key`, so the next use loads it again.
    pub fn remove(&self, key: &K) {
        if let Ok(mut c) = self.entries.lock() {
            c.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_loaded_once_and_a_failed_load_is_not_cached() {
        let cache = KeyedCache::new(2);
        let loads = std::cell::Cell::new(0);
        let load = || {
            loads.set(loads.get() + 1);
            Ok::<_, ()>(7)
        };
        assert_eq!(cache.get_or_load("a", load).map(|v| *v), Ok(7));
        assert_eq!(cache.get_or_load("a", load).map(|v| *v), Ok(7));
        assert_eq!(loads.get(), 1);
        assert_eq!(cache.get_or_load("b", || Err::<i32, _>("no")), Err("no"));
        assert_eq!(
            cache.get_or_load("b", || Ok::<_, &str>(8)).map(|v| *v),
            Ok(8)
        );
    }
}
