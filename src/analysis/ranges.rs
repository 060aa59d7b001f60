//! One list per element stored flat: every list's items in one vector, cut by start offsets.
//! At 100,000 components a `Vec<Vec<_>>` per element costs a header per element and an
//! allocation per non-empty list; this keeps two vectors whatever the element count.

use std::ops::Index;

#[derive(Clone, Debug)]
pub struct Ranges<T> {
    /// `starts[i]..starts[i + 1]` are list `i`'s items; one more entry than there are lists.
    starts: Vec<usize>,
    items: Vec<T>,
}

impl<T> Ranges<T> {
    /// The lists in order, each becoming the list at its position.
    pub fn from_lists<L: IntoIterator<Item = T>>(lists: impl IntoIterator<Item = L>) -> Self {
        let mut starts = vec![0];
        let mut items = Vec::new();
        for list in lists {
            items.extend(list);
            starts.push(items.len());
        }
        Ranges { starts, items }
    }

    /// `count` lists filled from `(list, item)` pairs; items keep the pairs' order within each
    /// list, and a pair naming a list past `count` is dropped.
    pub fn from_pairs(count: usize, pairs: impl Iterator<Item = (usize, T)> + Clone) -> Self {
        let mut sizes = vec![0usize; count];
        for (list, _) in pairs.clone() {
            if let Some(n) = sizes.get_mut(list) {
                *n += 1;
            }
        }
        let mut starts = Vec::with_capacity(count + 1);
        starts.push(0);
        for n in &sizes {
            starts.push(starts[starts.len() - 1] + n);
        }
        // Place each item at its list's next free slot, then move them into one vector.
        let mut next: Vec<usize> = starts[..count].to_vec();
        let mut slots: Vec<Option<T>> = std::iter::repeat_with(|| None).take(starts[count]).collect();
        for (list, item) in pairs {
            if let Some(at) = next.get_mut(list) {
                slots[*at] = Some(item);
                *at += 1;
            }
        }
        Ranges { starts, items: slots.into_iter().flatten().collect() }
    }

    /// Appends a list after the last one.
    pub fn push_list(&mut self, list: impl IntoIterator<Item = T>) {
        self.items.extend(list);
        self.starts.push(self.items.len());
    }

    /// Each list sorted, without repeated items.
    pub fn into_sets(self) -> Self
    where
        T: Ord,
    {
        self.sorted_without_repeats(<[T]>::sort_unstable, |a, b| a == b)
    }

    /// Each list sorted by `sort`, then keeping only the first of each run of items `same` says
    /// are alike.
    fn sorted_without_repeats(self, mut sort: impl FnMut(&mut [T]), same: impl Fn(&T, &T) -> bool) -> Self {
        let Ranges { starts: old, mut items } = self;
        let mut starts = Vec::with_capacity(old.len());
        starts.push(0);
        // Kept items move down to `kept`; what they displace was already read.
        let mut kept = 0;
        for bounds in old.windows(2) {
            let list_start = kept;
            sort(&mut items[bounds[0]..bounds[1]]);
            for i in bounds[0]..bounds[1] {
                if kept == list_start || !same(&items[kept - 1], &items[i]) {
                    items.swap(kept, i);
                    kept += 1;
                }
            }
            starts.push(kept);
        }
        items.truncate(kept);
        Ranges { starts, items }
    }

    /// List `i`, or `None` past the last list.
    pub fn get(&self, i: usize) -> Option<&[T]> {
        let (&start, &end) = (self.starts.get(i)?, self.starts.get(i + 1)?);
        self.items.get(start..end)
    }

    /// List `i`, empty past the last list.
    pub fn list(&self, i: usize) -> &[T] {
        self.get(i).unwrap_or(&[])
    }

    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<K: Ord + Copy, P> Ranges<(K, P)> {
    /// Each list of `(key, payload)` pairs sorted by key, keeping the first pair (in the list's
    /// order) of each key: one edge per target, with the first link that says so.
    pub fn into_first_per_key(self) -> Self {
        self.sorted_without_repeats(|list| list.sort_by_key(|(k, _)| *k), |a, b| a.0 == b.0)
    }
}

impl<T> Default for Ranges<T> {
    /// No lists at all.
    fn default() -> Self {
        Ranges { starts: vec![0], items: Vec::new() }
    }
}

impl<T> Index<usize> for Ranges<T> {
    type Output = [T];

    fn index(&self, i: usize) -> &[T] {
        self.list(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_keep_their_items_and_order() {
        let r = Ranges::from_lists(vec![vec![3, 1], vec![], vec![7]]);
        assert_eq!(r.len(), 3);
        assert_eq!(r.get(0), Some(&[3, 1][..]));
        assert_eq!(r.get(1), Some(&[][..]));
        assert_eq!(&r[2], &[7]);
        assert_eq!(r.get(3), None);
        assert_eq!(&r[9], &[] as &[i32]);
    }

    #[test]
    fn pairs_group_by_list_in_pair_order_and_drop_out_of_range() {
        let pairs = [(2, 'a'), (0, 'b'), (2, 'c'), (5, 'x'), (0, 'd')];
        let r = Ranges::from_pairs(3, pairs.iter().copied());
        assert_eq!(r.get(0), Some(&['b', 'd'][..]));
        assert_eq!(r.get(1), Some(&[][..]));
        assert_eq!(r.get(2), Some(&['a', 'c'][..]));
        assert_eq!(r.len(), 3);
    }

    #[test]
    fn sets_are_sorted_without_repeats_and_keep_their_list() {
        let r = Ranges::from_lists(vec![vec![3, 1, 3, 2], vec![], vec![2, 2], vec![5, 4, 5, 4, 1]]).into_sets();
        assert_eq!(r.len(), 4);
        assert_eq!(&r[0], &[1, 2, 3]);
        assert_eq!(&r[1], &[] as &[i32]);
        assert_eq!(&r[2], &[2]);
        assert_eq!(&r[3], &[1, 4, 5]);
        let mut pushed = Ranges::default();
        pushed.push_list([7, 8]);
        pushed.push_list([]);
        assert_eq!((pushed.len(), &pushed[0], &pushed[1]), (2, &[7, 8][..], &[] as &[i32]));
    }

    #[test]
    fn first_per_key_sorts_by_key_and_keeps_the_earliest_pair_of_each() {
        let pairs = [(0, (3, 'a')), (0, (1, 'b')), (0, (3, 'c')), (2, (5, 'd')), (2, (5, 'e')), (2, (4, 'f'))];
        let r = Ranges::from_pairs(3, pairs.iter().copied()).into_first_per_key();
        assert_eq!(r.len(), 3);
        assert_eq!(&r[0], &[(1, 'b'), (3, 'a')]);
        assert_eq!(&r[1], &[] as &[(i32, char)]);
        assert_eq!(&r[2], &[(4, 'f'), (5, 'd')]);
    }
}
