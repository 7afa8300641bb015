//! Small jobs handed out together: consecutive jobs of the largest-first order share one
//! broker message (a [`esr1_proto::JobBundle`]) while their bytes stay within the job target,
//! so a cohort of shallow samples costs the broker a message per job target of data, not per
//! sample. Near the end of the run bundles shrink to half the target, so that the last
//! messages, like the last jobs, are small and no worker is left with a long tail.

use esr1_proto::MAX_BUNDLE_JOBS;

/// A bundle holds at most this share of the bytes still to be handed out from its first job
/// on, or half the job target when that is more (the last of a run's data goes out in
/// bundles of an eighth of what is left, down to half a job).
pub const TAIL_SHARE: u64 = 8;

/// Groups jobs of `bytes` compressed bytes each (in the order they are handed out, largest
/// first) into consecutive bundles of at most `target` bytes, [`MAX_BUNDLE_JOBS`] jobs and a
/// [`TAIL_SHARE`] of the bytes left (or half the target, whichever is more); the number of
/// jobs in each bundle, in order. A job larger than that is a bundle on its own.
pub fn bundle_sizes(bytes: &[u64], target: u64) -> Vec<usize> {
    let mut left = bytes.iter().fold(0u64, |a, &b| a.saturating_add(b));
    let mut sizes = Vec::new();
    let mut rest = bytes;
    while let Some((&first, more)) = rest.split_first() {
        let cap = target.min((left / TAIL_SHARE).max(target / 2));
        let (mut n, mut sum) = (1, first);
        for &b in more.iter().take(MAX_BUNDLE_JOBS - 1) {
            match sum.checked_add(b) {
                Some(s) if s <= cap => {
                    sum = s;
                    n += 1;
                }
                _ => break,
            }
        }
        sizes.push(n);
        left = left.saturating_sub(sum);
        rest = &rest[n..];
    }
    sizes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_jobs_go_alone_and_small_ones_share_messages_up_to_the_target() {
        // Four deep jobs of 4 MiB, then forty shallow samples of 1 MiB, target 4 MiB.
        let mut bytes = vec![4 << 20; 4];
        bytes.extend(std::iter::repeat_n(1 << 20, 40));
        let sizes = bundle_sizes(&bytes, 4 << 20);
        assert_eq!(sizes.iter().sum::<usize>(), bytes.len(), "every job once");
        assert_eq!(&sizes[..4], &[1, 1, 1, 1], "{sizes:?}");
        // While more than 32 MiB are left, bundles of four 1-MiB jobs.
        assert_eq!(&sizes[4..7], &[4, 4, 4], "{sizes:?}");
        // The tail: bundles shrink to half the target (an eighth of what is left, at least).
        assert_eq!(&sizes[7..9], &[3, 3], "{sizes:?}");
        assert_eq!(sizes.last(), Some(&2), "{sizes:?}");
        let mut start = 0;
        let mut left: u64 = bytes.iter().sum();
        for &n in &sizes {
            let sum: u64 = bytes[start..start + n].iter().sum();
            assert!(
                n == 1 || (sum <= 4 << 20 && sum <= (left / TAIL_SHARE).max(2 << 20)),
                "{sizes:?}"
            );
            left -= sum;
            start += n;
        }
        assert!(sizes.len() < bytes.len() * 2 / 3, "{sizes:?}");
    }

    #[test]
    fn bundles_hold_at_most_the_most_jobs_a_message_may_carry() {
        let bytes = vec![1; 1000];
        let sizes = bundle_sizes(&bytes, 1 << 30);
        assert!(sizes.iter().all(|&n| n <= MAX_BUNDLE_JOBS), "{sizes:?}");
        assert_eq!(sizes[0], MAX_BUNDLE_JOBS);
        assert_eq!(sizes.iter().sum::<usize>(), 1000);
    }

    #[test]
    fn nothing_to_hand_out_is_no_bundle_and_huge_sizes_do_not_overflow() {
        assert!(bundle_sizes(&[], 8 << 20).is_empty());
        assert_eq!(bundle_sizes(&[u64::MAX, u64::MAX], u64::MAX), vec![1, 1]);
        // Jobs over no data cost next to nothing: they share a message.
        assert_eq!(bundle_sizes(&[0, 0, 0], 8 << 20), vec![3]);
    }
}
